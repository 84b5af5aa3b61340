"""Plain-text rendering of an Answer for the terminal (the CLI's non-JSON output)."""

from __future__ import annotations

from bot.answer import ESCALATING_REASONS, SECURITY_MEANWHILE, Answer

# The CLI records nothing, so it never says the question was handed over: it says where to go.
NEXT_STEP = {
    "data_request": "This request needs a person: contact Kimss AI support at {support}.",
    "security": "Report this to Kimss AI support at {support} now; a person will follow up.",
    "user_request": "A person can help: contact Kimss AI support at {support}.",
}
MEANWHILE = {"security": SECURITY_MEANWHILE}


def render_answer(answer: Answer, support_url: str) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        for c in answer.citations:
            line = f"[{c.n}] {c.label()}"
            if c.url:
                line += f" <{c.url}>"
            lines.append(line)
    if answer.escalation and answer.escalation.reason in ESCALATING_REASONS:
        lines += ["", NEXT_STEP[answer.escalation.reason].format(support=support_url)]
        if answer.escalation.reason in MEANWHILE:
            lines.append(MEANWHILE[answer.escalation.reason])
        if answer.escalation.reference:
            lines.append(f"Reference: {answer.escalation.reference}")
    return "\n".join(lines)
