"""Golden questions: what a right answer looks like, checked against an Assistant.

The privacy team keeps them next to the documents (`knowledge/golden.yaml`), one item per
question with exactly one expectation:

    section: X | [X, Y]     the first citation must be (one of) these sections, and covered
    escalation: reason      the answer must carry this escalation reason
    not_covered: true       the policy does not answer it: covered false, escalation not_covered (it may
                            quote what the policy says on the topic, as related citations)
    off_topic: true         outside what the assistant answers: no citations, no escalation

and, for routing (bot/understanding/), optionally:

    kind: deletion          with `escalation`: the escalation's kind
    offer: data_request     the answer offers this hand-off (`offer: null`: offers none)

`evaluate(assistant, items)` runs them all (`privacy-bot eval`); `golden_gate(...)` does the
same on a freshly built, not yet published collection, so `build_index` can refuse to publish
an index that breaks an expectation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from bot.answer import Answer
from bot.errors import KnowledgeError

GOLDEN_FILE = "golden.yaml"
KINDS = ("section", "escalation", "not_covered", "off_topic")


def load_golden(path: Path) -> list[dict]:
    path = Path(path)
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeError(f"golden file {path} does not exist") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise KnowledgeError(f"golden file {path} is not valid YAML: {error}") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("question"), str)
                                              and any(k in i for k in KINDS) for i in items):
        raise KnowledgeError(f"golden file {path}: expected a list of {{question, {' | '.join(KINDS)}}} items")
    return items


def expectation(item: dict) -> str:
    if "section" in item:
        allowed = item["section"] if isinstance(item["section"], list) else [item["section"]]
        text = "section " + " or ".join(allowed)
    elif "escalation" in item:
        text = f"escalation {item['escalation']}" + (f" ({item['kind']})" if item.get("kind") else "")
    else:
        text = "not covered" if item.get("not_covered") else "off-topic"
    return text + (f", offering {item['offer'] or 'nothing'}" if "offer" in item else "")


def outcome(answer: Answer) -> str:
    """What the answer did, in the words `expectation` uses."""
    first = answer.citations[0].section if answer.citations else None
    offer = f", offering {answer.offer}" if answer.offer else ""
    if answer.escalation is not None:
        if answer.escalation.reason == "not_covered":
            return "not covered" + offer
        kind = f" ({answer.escalation.kind})" if answer.escalation.kind else ""
        return f"escalation {answer.escalation.reason}{kind}" + (f" citing {first}" if first else "")
    if answer.covered:
        return f"section {first}" + offer
    return ("off-topic" if not answer.citations else f"uncovered, citing {first}") + offer


def failure(item: dict, answer: Answer) -> str | None:
    """None when the answer meets the expectation, else what went wrong."""
    problem = _main_failure(item, answer)
    if problem is None and "offer" in item and answer.offer != item["offer"]:
        problem = f"expected the offer {item['offer']}, got {answer.offer}"
    return problem


def _main_failure(item: dict, answer: Answer) -> str | None:
    first = answer.citations[0].section if answer.citations else None
    if "section" in item:
        allowed = item["section"] if isinstance(item["section"], list) else [item["section"]]
        if not answer.covered or first not in allowed:
            return f"expected section {allowed}, got {first!r} (covered={answer.covered})"
        if answer.escalation and answer.escalation.reason != "not_covered":
            return f"expected an answer, got escalation {answer.escalation.reason}"
    elif "escalation" in item:
        got = answer.escalation.reason if answer.escalation else None
        if got != item["escalation"]:
            return f"expected escalation {item['escalation']}, got {got}"
        if item.get("kind") and answer.escalation.kind != item["kind"]:
            return f"expected escalation kind {item['kind']}, got {answer.escalation.kind}"
    elif item.get("not_covered"):
        # Quoting what the policy does say on the topic is allowed ("The policy does not say how long…
        # What it says under Data Collection: …"); claiming to answer it is not.
        if answer.covered or not answer.escalation or answer.escalation.reason != "not_covered":
            return f"expected not covered, got covered={answer.covered} citing {first!r}"
    elif item.get("off_topic"):
        if answer.covered or answer.citations or answer.escalation:
            return f"expected off-topic, got covered={answer.covered} citing {first!r}"
    return None


@dataclass
class QuestionResult:
    question: str
    expected: str
    got: str
    passed: bool
    problem: str | None = None


@dataclass
class EvalReport:
    results: list[QuestionResult] = field(default_factory=list)
    source: str = ""  # the golden file

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def failed(self) -> list[QuestionResult]:
        return [r for r in self.results if not r.passed]

    @property
    def passed(self) -> bool:
        return not self.failed

    def totals(self) -> str:
        return f"{self.total - len(self.failed)}/{self.total} golden questions pass, {len(self.failed)} fail"

    def failures_text(self, limit: int | None = None) -> str:
        shown = self.failed[:limit] if limit else self.failed
        lines = [f"✗ {r.question}\n    expected {r.expected}; got {r.got}" for r in shown]
        if limit and len(self.failed) > limit:
            lines.append(f"… and {len(self.failed) - limit} more")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"source": self.source, "total": self.total, "passed": self.total - len(self.failed),
                "failed": len(self.failed), "results": [asdict(r) for r in self.results]}


def evaluate(assistant, items: list[dict], source: str = "") -> EvalReport:
    report = EvalReport(source=source)
    for item in items:
        answer = assistant.ask(item["question"], audience=item.get("audience", "employee"))
        problem = failure(item, answer)
        report.results.append(QuestionResult(item["question"], expectation(item), outcome(answer),
                                             problem is None, problem))
    return report


def default_golden_path(settings, knowledge_dir: Path | None = None) -> Path:
    return Path(knowledge_dir or settings.knowledge_dir) / GOLDEN_FILE


def golden_gate(settings, path: Path, embeddings, store):
    """A publish gate for `build_index`: evaluates the golden file on the new, unpublished collection."""
    items = load_golden(path)  # read now: a broken golden file stops the refresh before any work

    def gate(info) -> EvalReport:
        from bot.assistant import AskOptions, Assistant
        from bot.retrieval import PinnedRetriever
        from bot.understanding.router import RouterHandle

        assistant = Assistant(PinnedRetriever(store, embeddings, info), AskOptions(support_url=settings.support_url),
                              RouterHandle.from_settings(settings, embeddings.model_id))
        return evaluate(assistant, items, source=str(path))

    return gate
