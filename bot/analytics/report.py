"""The privacy team's report over the question events (and the escalations, when that table exists).

`build_report(db, since=, until=, embed=)` returns plain data (the `--json` output); `render_text`
and `render_csv` present it. Coverage gaps are the questions the policy did not cover, grouped
into topics by average-linkage clustering of their (redacted) embeddings: a topic is a group whose
questions are, on average, at least `GAP_SIMILARITY` cosine-similar to each other.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import Callable, Sequence

import numpy as np

from bot.analytics.events import DAY_S, OUTCOMES
from bot.lexical import STOPWORDS
from bot.store.database import Database

GAP_SIMILARITY = 0.5  # all-MiniLM-L6-v2 cosine: paraphrases sit above 0.6, unrelated questions below 0.3
MAX_GAP_QUESTIONS = 1000  # the most recent ones, if there are more (clustering is O(n^3) in numpy)
EXAMPLES_PER_TOPIC = 3
TOP_SECTIONS = 10
_QUESTION_WORDS = {"what", "which", "who", "whom", "when", "where", "why", "how", "does", "do", "did", "can",
                   "could", "would", "should", "will", "is", "are", "was", "were", "you", "your", "kimss", "my",
                   "me", "our", "any", "about", "there", "have", "has", "get", "use"}

Embed = Callable[[list[str]], Sequence[Sequence[float]]]


def parse_since(text: str, now: float | None = None) -> float:
    """"30d", "12h", "2w" or an ISO date ("2026-05-01", UTC) → a Unix time."""
    now = time.time() if now is None else now
    match = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", text or "")
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return now - amount * {"h": 3600, "d": DAY_S, "w": 7 * DAY_S}[unit]
    try:
        day = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--since expects e.g. 30d, 12h, 2w or a date such as 2026-05-01, got {text!r}") from None
    if day.tzinfo is None:
        day = day.replace(tzinfo=timezone.utc)
    return day.timestamp()


def build_report(db: Database, *, since: float, until: float | None = None, embed: Embed | None = None) -> dict:
    until = time.time() if until is None else until
    rows = db.query(
        "SELECT asked_at, question, redactions, outcome, covered, top_section, helpful, not_helpful"
        " FROM question_events_feedback WHERE asked_at >= ? AND asked_at < ? ORDER BY asked_at",
        (since, until),
    )
    total = len(rows)
    covered = sum(1 for r in rows if r[4])
    per_day: dict[str, list[int]] = {}
    for asked_at, _, _, _, is_covered, *_ in rows:
        day = per_day.setdefault(_day(asked_at), [0, 0])
        day[0] += 1
        day[1] += 1 if is_covered else 0
    sections = Counter(r[5] for r in rows if r[5])
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if r[5] and (r[6] or r[7]):
            votes[r[5]][0] += r[6]
            votes[r[5]][1] += r[7]
    gaps = [(r[0], r[1]) for r in rows if r[3] == "not_covered"][-MAX_GAP_QUESTIONS:]
    return {
        "since": _iso(since),
        "until": _iso(until),
        "questions": total,
        "covered": covered,
        "covered_share": round(covered / total, 4) if total else 0.0,
        "outcomes": {name: sum(1 for r in rows if r[3] == name) for name in OUTCOMES},
        "personal_data_redacted": sum(1 for r in rows if r[2]),
        "per_day": [{"date": d, "questions": q, "covered": c} for d, (q, c) in sorted(per_day.items())],
        "top_sections": [{"section": s, "questions": n}
                         for s, n in sorted(sections.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SECTIONS]],
        "coverage_gaps": coverage_gaps([q for _, q in reversed(gaps)], embed),
        "escalations": escalation_summary(db, since, until),
        "data_requests": data_request_summary(db, since, until),
        "feedback": [{"section": s, "helpful": h, "not_helpful": n}
                     for s, (h, n) in sorted(votes.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))],
    }


# ---- coverage gaps -----------------------------------------------------------------------------
def coverage_gaps(questions: list[str], embed: Embed | None) -> list[dict]:
    """Group not-covered questions (most recent first) into topics; without a model, by identical text."""
    if not questions:
        return []
    if embed is None:
        groups = defaultdict(list)
        for i, q in enumerate(questions):
            groups[q.strip().lower()].append(i)
        clusters = list(groups.values())
    else:
        vectors = np.asarray(embed(questions), dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        clusters = cluster(vectors, GAP_SIMILARITY)
    topics = []
    for members in clusters:
        texts = [questions[i] for i in sorted(members)]
        examples = list(dict.fromkeys(texts))[:EXAMPLES_PER_TOPIC]
        topics.append({"topic": topic_label(texts), "count": len(texts), "examples": examples})
    topics.sort(key=lambda t: (-t["count"], t["topic"]))
    return topics


def cluster(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering on cosine similarity, merged while ≥ threshold."""
    n = len(vectors)
    sums = (vectors @ vectors.T).astype(np.float64)  # sum of pairwise similarities between clusters
    sizes = np.ones(n)
    members: list[list[int] | None] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    while alive.sum() > 1:
        average = sums / np.outer(sizes, sizes)
        average[~alive, :] = -np.inf
        average[:, ~alive] = -np.inf
        np.fill_diagonal(average, -np.inf)
        i, j = np.unravel_index(int(np.argmax(average)), average.shape)
        if average[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        sums[i, :] += sums[j, :]
        sums[:, i] += sums[:, j]
        sizes[i] += sizes[j]
        members[i] = members[i] + members[j]
        members[j] = None
        alive[j] = False
    return [m for m in members if m is not None]


def topic_label(texts: list[str]) -> str:
    """The words the group's questions share most (two or three of them)."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = {w for w in re.findall(r"[a-z][a-z'-]{2,}", re.sub(r"\[[a-z]+\]", " ", text.lower()))
                 if w not in STOPWORDS and w not in _QUESTION_WORDS}
        counts.update(words)
    top = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    return ", ".join(top) or "(no words)"


# ---- escalations (table from the escalation flow, migration 4) ---------------------------------
def escalation_summary(db: Database, since: float, until: float) -> dict:
    empty = {"total": 0, "by_reason": {}, "by_status": {}, "resolved": 0, "median_hours_to_resolve": None}
    columns = {row[1] for row in db.query("PRAGMA table_info(escalations)")}
    reason = _first(columns, "reason")
    status = _first(columns, "status", "state")
    created = _first(columns, "created_at", "opened_at")
    resolved = _first(columns, "resolved_at", "closed_at")
    if not columns or not reason:
        return empty
    selected = ", ".join(c or "NULL" for c in (reason, status, created, resolved))
    rows = db.query(f"SELECT {selected} FROM escalations")
    kept = [r for r in rows if created is None or since <= (_seconds(r[2]) or 0.0) < until]
    durations = [(_seconds(r[3]) - _seconds(r[2])) / 3600 for r in kept
                 if _seconds(r[2]) is not None and _seconds(r[3]) is not None]
    return {
        "total": len(kept),
        "by_reason": dict(sorted(Counter(str(r[0]) for r in kept).items())),
        "by_status": dict(sorted(Counter(str(r[1]) for r in kept if r[1] is not None).items())),
        "resolved": len(durations),
        "median_hours_to_resolve": round(statistics.median(durations), 2) if durations else None,
    }


def data_request_summary(db: Database, since: float, until: float) -> dict:
    """Data-subject requests received in the period: by kind, time to close (days: median, 90th
    percentile), the share closed by their deadline, and how many are overdue as of `until`."""
    summary = {"total": 0, "by_kind": {}, "closed": 0, "median_days_to_close": None, "p90_days_to_close": None,
               "closed_on_time_share": None, "overdue_now": 0}
    columns = {row[1] for row in db.query("PRAGMA table_info(escalations)")}
    if "due_at" not in columns:
        return summary
    rows = db.query("SELECT kind, created_at, resolved_at, COALESCE(extended_until, due_at) FROM escalations"
                    " WHERE reason = 'data_request' AND due_at IS NOT NULL AND created_at >= ? AND created_at < ?",
                    (since, until))
    end = datetime.fromtimestamp(until, timezone.utc).date()
    closed = [(r[2] - r[1]) / DAY_S for r in rows if r[2] is not None]
    on_time = [datetime.fromtimestamp(r[2], timezone.utc).date().isoformat() <= r[3] for r in rows if r[2] is not None]
    summary.update({
        "total": len(rows),
        "by_kind": dict(sorted(Counter(r[0] or "unspecified" for r in rows).items())),
        "closed": len(closed),
        "median_days_to_close": round(statistics.median(closed), 1) if closed else None,
        "p90_days_to_close": round(float(np.percentile(closed, 90)), 1) if closed else None,
        "closed_on_time_share": round(sum(on_time) / len(on_time), 4) if on_time else None,
        "overdue_now": sum(1 for r in rows if r[2] is None and r[3] < end.isoformat()),
    })
    return summary


def _first(columns: set[str], *names: str) -> str | None:
    return next((n for n in names if n in columns), None)


def _seconds(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- presentation ------------------------------------------------------------------------------
def render_text(report: dict) -> str:
    lines = [f"Questions {report['since'][:10]} – {report['until'][:10]}: {report['questions']}, "
             f"covered {report['covered']} ({report['covered_share']:.0%})"]
    outcomes = report["outcomes"]
    lines.append("Outcomes: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in outcomes.items()))
    lines.append(f"Questions with personal data removed before storing: {report['personal_data_redacted']}")
    lines += ["", "Per day:"] + ([f"  {d['date']}  {d['questions']:>5}  ({d['covered']} covered)"
                                  for d in report["per_day"]] or ["  (none)"])
    lines += ["", "Top cited sections:"] + ([f"  {s['questions']:>5}  {s['section']}" for s in report["top_sections"]]
                                             or ["  (none)"])
    lines += ["", "Coverage gaps (not covered, grouped by topic):"]
    for gap in report["coverage_gaps"] or []:
        lines.append(f"  {gap['count']:>5}  {gap['topic']}")
        lines += [f"         e.g. {example}" for example in gap["examples"]]
    if not report["coverage_gaps"]:
        lines.append("  (none)")
    esc = report["escalations"]
    median = esc["median_hours_to_resolve"]
    lines += ["", f"Escalations: {esc['total']}, resolved {esc['resolved']}, median time to resolve "
                  + (f"{median} h" if median is not None else "n/a")]
    if esc["by_reason"]:
        lines.append("  by reason: " + ", ".join(f"{k} {v}" for k, v in esc["by_reason"].items()))
    if esc["by_status"]:
        lines.append("  by status: " + ", ".join(f"{k} {v}" for k, v in esc["by_status"].items()))
    dsr = report.get("data_requests") or {}
    if dsr.get("total"):
        share = dsr["closed_on_time_share"]
        lines += [f"Data requests: {dsr['total']}, closed {dsr['closed']}, overdue now {dsr['overdue_now']}; "
                  f"days to close median {_na(dsr['median_days_to_close'])}, 90th percentile "
                  f"{_na(dsr['p90_days_to_close'])}; closed on time {'n/a' if share is None else f'{share:.0%}'}",
                  "  by kind: " + ", ".join(f"{k} {v}" for k, v in dsr["by_kind"].items())]
    lines += ["", "Feedback per section (👍 / 👎):"] + (
        [f"  {f['helpful']:>3} / {f['not_helpful']:<3} {f['section']}" for f in report["feedback"]] or ["  (none)"])
    return "\n".join(lines)


def _na(value) -> str:
    return "n/a" if value is None else str(value)


def render_csv(report: dict) -> str:
    """Long format, one figure per row: metric, key, value (a spreadsheet pivots it as needed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "key", "value"])
    writer.writerow(["period", "since", report["since"]])
    writer.writerow(["period", "until", report["until"]])
    writer.writerow(["questions", "total", report["questions"]])
    writer.writerow(["questions", "covered", report["covered"]])
    writer.writerow(["questions", "covered_share", report["covered_share"]])
    writer.writerow(["questions", "personal_data_redacted", report["personal_data_redacted"]])
    for name, n in report["outcomes"].items():
        writer.writerow(["outcome", name, n])
    for day in report["per_day"]:
        writer.writerow(["questions_per_day", day["date"], day["questions"]])
        writer.writerow(["covered_per_day", day["date"], day["covered"]])
    for s in report["top_sections"]:
        writer.writerow(["top_section", s["section"], s["questions"]])
    for gap in report["coverage_gaps"]:
        writer.writerow(["coverage_gap", gap["topic"], gap["count"]])
        for example in gap["examples"]:
            writer.writerow(["coverage_gap_example", gap["topic"], example])
    esc = report["escalations"]
    writer.writerow(["escalations", "total", esc["total"]])
    writer.writerow(["escalations", "resolved", esc["resolved"]])
    writer.writerow(["escalations", "median_hours_to_resolve", "" if esc["median_hours_to_resolve"] is None
                     else esc["median_hours_to_resolve"]])
    for k, v in esc["by_reason"].items():
        writer.writerow(["escalations_by_reason", k, v])
    for k, v in esc["by_status"].items():
        writer.writerow(["escalations_by_status", k, v])
    dsr = report.get("data_requests") or {}
    for key in ("total", "closed", "overdue_now", "median_days_to_close", "p90_days_to_close", "closed_on_time_share"):
        if key in dsr:
            writer.writerow(["data_requests", key, "" if dsr[key] is None else dsr[key]])
    for k, v in (dsr.get("by_kind") or {}).items():
        writer.writerow(["data_requests_by_kind", k, v])
    for f in report["feedback"]:
        writer.writerow(["feedback_helpful", f["section"], f["helpful"]])
        writer.writerow(["feedback_not_helpful", f["section"], f["not_helpful"]])
    return out.getvalue()
