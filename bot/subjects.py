"""Our own duty as a processor: everything the assistant holds about one person, found and erased.

`privacy-bot subject export|erase --slack-user U… | --email … | --customer-id …` (bot/commands/subject.py).

Every store that holds personal data registers a `SubjectData` in `SUBJECT_STORES` with
`find` (what it holds, as JSON-ready rows) and `erase` (remove it, saying what was kept and why).
A new store (e.g. conversation context) adds itself there; `HOLDS_NOTHING` lists the stores that
were checked and hold nothing keyed to a person, so the report says so instead of staying silent.

Finding is done in two rounds: the escalation records matching the given identifiers bring the
person's other identifiers (an email given in the web chat leads to its chat session id, a Slack
customer to their user id) and the answer ids of their hand-offs; every store is then searched
with all of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Callable, Protocol

from bot.store.database import Database


@dataclass(frozen=True)
class Subject:
    slack_users: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    customer_ids: frozenset[str] = frozenset()
    answer_ids: frozenset[str] = frozenset()  # found, never given: answers to this person's questions

    def identifiers(self) -> list[str]:
        return ([f"slack:{u}" for u in sorted(self.slack_users)] + [f"email:{e}" for e in sorted(self.emails)]
                + [f"customer:{c}" for c in sorted(self.customer_ids)])

    def merge(self, other: "Subject") -> "Subject":
        return Subject(self.slack_users | other.slack_users, self.emails | other.emails,
                       self.customer_ids | other.customer_ids, self.answer_ids | other.answer_ids)

    @property
    def empty(self) -> bool:
        return not (self.slack_users or self.emails or self.customer_ids)


@dataclass
class Erasure:
    store: str
    erased: int = 0
    kept: list[str] = field(default_factory=list)  # what stays, and why


class SubjectData(Protocol):
    name: str

    def find(self, subject: Subject) -> list[dict]: ...

    def erase(self, subject: Subject) -> Erasure: ...


def _in(column: str, values) -> tuple[str, list]:
    values = sorted(values)
    if not values:
        return "0", []
    return f"{column} IN ({', '.join('?' for _ in values)})", values


class EscalationData:
    """Hand-off records (question, who asked, where to answer them) and their audit trail."""

    name = "escalations"

    def __init__(self, db: Database, clock=None):
        from bot.escalation.dsar import DataRequests
        from bot.escalation.store import EscalationStore

        self.store = EscalationStore(db, clock)
        self.requests = DataRequests(self.store)

    def records(self, subject: Subject):
        users, user_args = _in("asker_user_id", subject.slack_users)
        emails, email_args = _in("LOWER(customer_email)", {e.lower() for e in subject.emails})
        ids, id_args = _in("customer_id", subject.customer_ids | {f"slack:{u}" for u in subject.slack_users})
        from bot.escalation.record import EscalationRecord
        from bot.escalation.store import _SELECT

        rows = self.store.db.query(f"{_SELECT} WHERE {users} OR {emails} OR {ids} ORDER BY created_at",
                                   (*user_args, *email_args, *id_args))
        return [EscalationRecord.from_row(r) for r in rows]

    def links(self, subject: Subject) -> Subject:
        """The person's other identifiers and answer ids, from their records."""
        found = Subject()
        for r in self.records(subject):
            found = found.merge(Subject(frozenset({r.asker.user_id} - {None}), frozenset({r.asker.email} - {None}),
                                        frozenset({r.asker.customer_id} - {None}), frozenset({r.answer_id} - {None})))
        return found

    def find(self, subject: Subject) -> list[dict]:
        from bot.escalation.audit import history

        return [{**r.to_dict(), "history": [e.to_dict() for e in history(self.store.db, r.reference)]}
                for r in self.records(subject)]

    def erase(self, subject: Subject) -> Erasure:
        records = self.records(subject)
        result = Erasure(self.name, erased=len(records))
        if records:
            self.requests.erase([r.reference for r in records], actor="subject-erasure",
                                why="erased at the person's request", keep_refusal_reason=True)
            dsar = [r.reference for r in records if r.reason == "data_request"]
            if dsar:
                result.kept.append(
                    f"{', '.join(dsar)}: date, kind, regime, channel, deadline, response date, outcome and a "
                    "refusal's reason — the record of requests and responses CCPA regulations (11 CCR §7101) "
                    "require for 24 months; nothing in it names or reaches the person")
            others = [r.reference for r in records if r.reason != "data_request"]
            if others:
                result.kept.append(f"{', '.join(others)}: reason, dates and status only (counts in the report)")
            result.kept.append("the audit trail of these records: who on the team acted, when, and the state changes "
                               "(free-text notes erased)")
        return result


class FeedbackData:
    """👍/👎 votes and Talk to support clicks, keyed by Slack user id (web chat votes: the chat's visitor id)."""

    name = "feedback"

    def __init__(self, db: Database):
        self.db = db

    def find(self, subject: Subject) -> list[dict]:
        where, args = _in("user_id", subject.slack_users | subject.customer_ids)
        votes = self.db.query(f"SELECT answer_id, user_id, vote, created_at FROM feedback WHERE {where}", args)
        clicks = self.db.query(f"SELECT answer_id, user_id, channel_id, message_ts, created_at FROM support_requests"
                               f" WHERE {where}", args)
        return ([{"table": "feedback", "answer_id": a, "user_id": u, "vote": v, "created_at": t}
                 for a, u, v, t in votes]
                + [{"table": "support_requests", "answer_id": a, "user_id": u, "channel_id": c, "message_ts": m,
                    "created_at": t} for a, u, c, m, t in clicks])

    def answer_ids(self, subject: Subject) -> set[str]:
        return {row["answer_id"] for row in self.find(subject)}

    def erase(self, subject: Subject) -> Erasure:
        where, args = _in("user_id", subject.slack_users | subject.customer_ids)
        with self.db.transaction() as conn:
            erased = conn.execute(f"DELETE FROM feedback WHERE {where}", args).rowcount
            erased += conn.execute(f"DELETE FROM support_requests WHERE {where}", args).rowcount
        return Erasure(self.name, erased)


class AnalyticsData:
    """Question analytics (already redacted): rows keyed to the person by hash, or answering their hand-offs and votes."""

    name = "question_events"

    def __init__(self, db: Database):
        self.db = db

    def _where(self, subject: Subject) -> tuple[str, list]:
        from bot.analytics.events import subject_tokens

        with self.db.transaction() as conn:
            tokens = subject_tokens(conn, subject.identifiers())
        clauses = [f"(' ' || subjects || ' ') LIKE ?" for _ in tokens]
        args: list = [f"% {t} %" for t in tokens]
        answers, answer_args = _in("answer_id", subject.answer_ids)
        return " OR ".join(clauses + [answers]), args + answer_args

    def find(self, subject: Subject) -> list[dict]:
        where, args = self._where(subject)
        rows = self.db.query("SELECT id, asked_at, source, audience, question, outcome, top_section, answer_id"
                             f" FROM question_events WHERE {where} ORDER BY asked_at", args)
        keys = ("id", "asked_at", "source", "audience", "question", "outcome", "top_section", "answer_id")
        return [dict(zip(keys, row)) for row in rows]

    def erase(self, subject: Subject) -> Erasure:
        where, args = self._where(subject)
        with self.db.transaction() as conn:
            erased = conn.execute(f"DELETE FROM question_events WHERE {where}", args).rowcount
        return Erasure(self.name, erased)


class ConversationData:
    """Conversation context (`conversation_turns`, kept CONVERSATION_TTL_MINUTES) of the API, the web chat and
    Slack threads: found by who asked each turn (`asker`: Slack user, customer id or email), and by
    conversation through the person's hand-offs (their conversation id or chat session) and the web chat ids
    given. Turns read back from a Slack thread name the Slack user who asked them (the answer's metadata)."""

    name = "conversation_turns"

    def __init__(self, db: Database, clock=None):
        self.db = db
        self.escalations = EscalationData(db, clock)

    def key_patterns(self, subject: Subject) -> list[str]:
        """LIKE patterns of the person's conversation keys ("web:<session>", "api:<token>:<conversation id>")."""
        def literal(text: str) -> str:
            return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

        patterns = set()
        for r in self.escalations.records(subject):
            if r.reply_to and r.reply_to.channel and r.reply_to.kind == "web":
                patterns.add(f"web:{literal(r.reply_to.channel)}")
            elif r.reply_to and r.reply_to.channel and r.reply_to.kind == "api":
                patterns.add(f"api:%:{literal(r.reply_to.channel)}")
        for customer in subject.customer_ids:  # "web-chat:<first 12 characters of the session id>"
            if customer.startswith("web-chat:") and len(customer) > len("web-chat:"):
                patterns.add(f"web:{literal(customer[len('web-chat:'):])}%")
        return sorted(patterns)

    def _where(self, subject: Subject) -> tuple[str, list]:
        patterns = self.key_patterns(subject)
        by_key = " OR ".join("conversation_key LIKE ? ESCAPE '\\'" for _ in patterns) or "0"
        if not _has_column(self.db, "conversation_turns", "asker"):
            return by_key, patterns
        by_asker, askers = _in("asker", subject.identifiers())
        return f"({by_key}) OR {by_asker}", patterns + askers

    def find(self, subject: Subject) -> list[dict]:
        if not _has_table(self.db, "conversation_turns"):
            return []
        where, args = self._where(subject)
        rows = self.db.query(f"SELECT conversation_key, created_at, question FROM conversation_turns WHERE {where}"
                             " ORDER BY created_at", args)
        return [{"conversation": key, "created_at": at, "question": question} for key, at, question in rows]

    def erase(self, subject: Subject) -> Erasure:
        if not _has_table(self.db, "conversation_turns"):
            return Erasure(self.name)
        where, args = self._where(subject)
        with self.db.transaction() as conn:
            erased = conn.execute(f"DELETE FROM conversation_turns WHERE {where}", args).rowcount
        return Erasure(self.name, erased)


class IdempotencyData:
    """Responses kept for `Idempotency-Key` retries of `POST /v1/ask` (`api_idempotency`, kept
    CONVERSATION_TTL_MINUTES): each quotes the question it answered. Found by who asked (`asker`) and by
    the person's API conversations (as `conversation_turns`)."""

    name = "api_idempotency"

    def __init__(self, db: Database, clock=None):
        self.db = db
        self.conversations = ConversationData(db, clock)

    def _where(self, subject: Subject) -> tuple[str, list]:
        patterns = [p for p in self.conversations.key_patterns(subject) if p.startswith("api:")]
        by_key = " OR ".join("conversation_key LIKE ? ESCAPE '\\'" for _ in patterns) or "0"
        by_asker, askers = _in("asker", subject.identifiers())
        return f"({by_key}) OR {by_asker}", patterns + askers

    def _usable(self) -> bool:  # a database from before migration 11 has nothing to search by
        return _has_table(self.db, "api_idempotency") and _has_column(self.db, "api_idempotency", "asker")

    def find(self, subject: Subject) -> list[dict]:
        if not self._usable():
            return []
        where, args = self._where(subject)
        rows = self.db.query(f"SELECT conversation_key, created_at, response FROM api_idempotency WHERE {where}"
                             " ORDER BY created_at", args)
        return [{"conversation": key, "created_at": at, "response": json.loads(response) if response else None}
                for key, at, response in rows]

    def erase(self, subject: Subject) -> Erasure:
        if not self._usable():
            return Erasure(self.name)
        where, args = self._where(subject)
        with self.db.transaction() as conn:
            erased = conn.execute(f"DELETE FROM api_idempotency WHERE {where}", args).rowcount
        return Erasure(self.name, erased)


def _has_table(db: Database, name: str) -> bool:
    return bool(db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))


def _has_column(db: Database, table: str, column: str) -> bool:
    return any(row[1] == column for row in db.query(f"PRAGMA table_info({table})"))


# Stores checked and found to hold nothing keyed to a person (said in every report).
HOLDS_NOTHING = {
    "processed_events": "Slack event ids and arrival times only (retry dedupe), kept a day",
    "vector index (Chroma)": "the policy documents only",
    "logs": "no question text or personal data by design (bot/logging_setup.py redacts as a second line)",
    "web chat sessions": "in memory only, ended by a restart or 12 hours idle",
}

# name -> factory(db, settings, clock) -> SubjectData. Other stores (conversation context) add theirs.
SUBJECT_STORES: dict[str, Callable] = {
    "escalations": lambda db, settings, clock: EscalationData(db, clock),
    "feedback": lambda db, settings, clock: FeedbackData(db),
    "question_events": lambda db, settings, clock: AnalyticsData(db),
    "conversation_turns": lambda db, settings, clock: ConversationData(db, clock),
    "api_idempotency": lambda db, settings, clock: IdempotencyData(db, clock),
}


def resolve_subject(db: Database, given: Subject, clock=None) -> Subject:
    """The given identifiers plus those their records link to (one round), and their answer ids."""
    linked = EscalationData(db, clock).links(given)
    subject = given.merge(linked)
    return replace(subject, answer_ids=subject.answer_ids | frozenset(FeedbackData(db).answer_ids(subject)))


def stores(db: Database, settings, clock=None) -> list[SubjectData]:
    return [factory(db, settings, clock) for factory in SUBJECT_STORES.values()]


def export(db: Database, settings, given: Subject, clock=None) -> dict:
    subject = resolve_subject(db, given, clock)
    return {"subject": _described(subject), "stores": {store.name: store.find(subject) for store in stores(db, settings, clock)},
            "holds_nothing": HOLDS_NOTHING}


def erase(db: Database, settings, given: Subject, clock=None) -> dict:
    subject = resolve_subject(db, given, clock)
    # Escalation records last: they lead to the other stores' rows (answer ids, conversations).
    order = sorted(stores(db, settings, clock), key=lambda s: s.name == "escalations")
    results = [store.erase(subject) for store in order]
    return {"subject": _described(subject), "erased": {r.store: r.erased for r in results},
            "kept": {r.store: r.kept for r in results if r.kept},
            "holds_nothing": HOLDS_NOTHING}


def open_requests(db: Database, given: Subject, clock=None) -> list[str]:
    """References of this person's records still being handled (erasing them loses the way to answer)."""
    subject = resolve_subject(db, given, clock)
    return [r.reference for r in EscalationData(db, clock).records(subject) if r.status != "resolved"]


def _described(subject: Subject) -> dict:
    return {"slack_users": sorted(subject.slack_users), "emails": sorted(subject.emails),
            "customer_ids": sorted(subject.customer_ids)}
