"""The escalation record: who asked, where to answer them, what they asked, and where it stands.

States move one way, `open → claimed → resolved` (resolving an open record skips the claim).
Delivery to the support channel is tracked apart from the state: `pending` (not yet tried, or a
try that certainly posted nothing failed), `posting` (a try started and may have reached the
channel), `delivered` (the posted message's ts is stored) or `no_channel` (SUPPORT_CHANNEL_ID
was unset: the request is kept and the asker is pointed to SUPPORT_URL).

Nothing here knows Slack's payloads: an asker is an employee (a chat user and team id) or a
customer (account id, email, workspace), and `ReplyTo` names a channel kind and a place in it.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bot.answer import ESCALATION_KINDS

STATUSES = ("open", "claimed", "resolved")
OUTCOMES = ("fulfilled", "refused", "withdrawn", "duplicate")
DSAR_KINDS = ESCALATION_KINDS["data_request"]  # access, deletion, correction, portability, …
DELIVERY_STATES = ("pending", "posting", "delivered", "no_channel")
REASONS = {
    "data_request": "Data request",
    "security": "Security concern",
    "user_request": "Asked for a person",
    "not_covered": "Not covered by the policy",
    "not_helpful": "Answer marked not helpful",
}
REFERENCE_PREFIX = "PRV-"
_REFERENCE = re.compile(r"PRV-\d{4,8}")


def new_reference(digits: int = 4) -> str:
    """PRV-4821: short enough to read out on a call; uniqueness is enforced by the table."""
    low = 10 ** (digits - 1)
    return f"{REFERENCE_PREFIX}{low + secrets.randbelow(9 * low)}"


def normalise_reference(text: str) -> str | None:
    """" prv-4821 " -> "PRV-4821"; None when it is not shaped like a reference."""
    candidate = text.strip().upper()
    if candidate.isdigit():
        candidate = REFERENCE_PREFIX + candidate
    return candidate if _REFERENCE.fullmatch(candidate) else None


def reason_label(reason: str) -> str:
    return REASONS.get(reason, reason.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Asker:
    """Who asked. Employees are chat users; customers come from the support-chat API."""

    kind: str  # "employee" | "customer"
    user_id: str | None = None
    team_id: str | None = None
    customer_id: str | None = None
    email: str | None = None
    workspace: str | None = None

    @classmethod
    def employee(cls, user_id: str, team_id: str | None = None) -> "Asker":
        return cls("employee", user_id=user_id, team_id=team_id)

    @classmethod
    def customer(cls, customer_id: str | None = None, email: str | None = None, workspace: str | None = None) -> "Asker":
        if not (customer_id or email or workspace):
            raise ValueError("a customer needs at least one of id, email or workspace")
        return cls("customer", customer_id=customer_id, email=email, workspace=workspace)

    def identity_fields(self) -> list[tuple[str, str]]:
        """The customer's identifying fields that are present, as (label, value)."""
        return [(label, value) for label, value in (("id", self.customer_id), ("email", self.email),
                                                    ("workspace", self.workspace)) if value]


@dataclass(frozen=True)
class ReplyTo:
    """Where the asker is answered: `kind` "slack" (channel and thread), or another adapter's kind."""

    kind: str
    channel: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class EscalationRecord:
    reference: str
    created_at: float
    reason: str
    audience: str
    asker: Asker
    reply_to: ReplyTo | None
    question: str
    sections: list[str] = field(default_factory=list)
    answer_id: str | None = None
    dedupe_key: str | None = None
    status: str = "open"
    claimed_by: str | None = None
    claimed_at: float | None = None
    resolved_by: str | None = None
    resolved_at: float | None = None
    resolution_note: str | None = None
    support_channel: str | None = None
    delivery: str = "pending"
    support_ts: str | None = None
    attempts: int = 0
    next_attempt_at: float = 0.0
    last_error: str | None = None
    delivered_at: float | None = None
    support_stale: int = 0
    asker_told: bool = False
    resolution_notice: str = "none"
    # The conversation's earlier turns (oldest first), each {"question", "sections", "escalation"}.
    turns: list[dict] = field(default_factory=list)
    # Data-subject requests (migration 8): dates are ISO dates (UTC), times Unix seconds.
    kind: str | None = None
    regime: str | None = None
    due_at: str | None = None
    extended_until: str | None = None
    extension_reason: str | None = None
    extended_by: str | None = None
    extended_at: float | None = None
    extension_notice: str = "none"
    verified_by: str | None = None
    verified_at: float | None = None
    verified_how: str | None = None
    outcome: str | None = None
    outcome_reason: str | None = None
    badge_day: str | None = None
    erased_at: float | None = None

    COLUMNS = (
        "reference, created_at, reason, audience, asker_kind, asker_user_id, asker_team_id, customer_id,"
        " customer_email, customer_workspace, reply_kind, reply_channel, reply_thread_ts, question, sections,"
        " answer_id, dedupe_key, status, claimed_by, claimed_at, resolved_by, resolved_at, resolution_note,"
        " support_channel, delivery, support_ts, attempts, next_attempt_at, last_error, delivered_at,"
        " support_stale, asker_told, resolution_notice, turns, kind, regime, due_at, extended_until,"
        " extension_reason, extended_by, extended_at, extension_notice, verified_by, verified_at, verified_how,"
        " outcome, outcome_reason, badge_day, erased_at"
    )

    @classmethod
    def from_row(cls, row) -> "EscalationRecord":
        (reference, created_at, reason, audience, asker_kind, user_id, team_id, customer_id, email, workspace,
         reply_kind, reply_channel, reply_thread_ts, question, sections, answer_id, dedupe_key, status,
         claimed_by, claimed_at, resolved_by, resolved_at, note, support_channel, delivery, support_ts,
         attempts, next_attempt_at, last_error, delivered_at, stale, told, notice, turns, *dsar) = row
        (kind, regime, due_at, extended_until, extension_reason, extended_by, extended_at, extension_notice,
         verified_by, verified_at, verified_how, outcome, outcome_reason, badge_day, erased_at) = dsar
        return cls(
            reference=reference, created_at=created_at, reason=reason, audience=audience,
            asker=Asker(asker_kind, user_id, team_id, customer_id, email, workspace),
            reply_to=ReplyTo(reply_kind, reply_channel, reply_thread_ts) if reply_kind else None,
            question=question, sections=json.loads(sections or "[]"), answer_id=answer_id, dedupe_key=dedupe_key,
            status=status, claimed_by=claimed_by, claimed_at=claimed_at, resolved_by=resolved_by,
            resolved_at=resolved_at, resolution_note=note, support_channel=support_channel, delivery=delivery,
            support_ts=support_ts, attempts=attempts, next_attempt_at=next_attempt_at, last_error=last_error,
            delivered_at=delivered_at, support_stale=stale, asker_told=bool(told), resolution_notice=notice,
            turns=json.loads(turns or "[]"),
            kind=kind, regime=regime, due_at=due_at, extended_until=extended_until, extension_reason=extension_reason,
            extended_by=extended_by, extended_at=extended_at, extension_notice=extension_notice,
            verified_by=verified_by, verified_at=verified_at, verified_how=verified_how, outcome=outcome,
            outcome_reason=outcome_reason, badge_day=badge_day, erased_at=erased_at,
        )

    # ---- the data-subject request's clock ---------------------------------------------------
    @property
    def is_dsar(self) -> bool:
        return self.reason == "data_request" and self.due_at is not None

    @property
    def received_at(self) -> float:
        return self.created_at

    @property
    def closed_at(self) -> float | None:
        return self.resolved_at

    @property
    def deadline(self) -> str | None:
        """The date the response is due now: the extension's, or the original one."""
        return self.extended_until or self.due_at

    def to_dict(self) -> dict:
        """What `privacy-bot escalations --json` prints: one object per record."""
        return {
            "reference": self.reference, "created_at": self.created_at, "reason": self.reason,
            "audience": self.audience, "status": self.status,
            "asker": {k: v for k, v in (("kind", self.asker.kind), ("user_id", self.asker.user_id),
                                        ("team_id", self.asker.team_id), ("customer_id", self.asker.customer_id),
                                        ("email", self.asker.email), ("workspace", self.asker.workspace)) if v},
            "reply_to": None if self.reply_to is None else {"kind": self.reply_to.kind, "channel": self.reply_to.channel,
                                                             "thread_ts": self.reply_to.thread_ts},
            "question": self.question, "sections": list(self.sections), "answer_id": self.answer_id,
            "claimed_by": self.claimed_by, "claimed_at": self.claimed_at,
            "resolved_by": self.resolved_by, "resolved_at": self.resolved_at, "resolution_note": self.resolution_note,
            "delivery": self.delivery, "support_channel": self.support_channel, "support_ts": self.support_ts,
            "attempts": self.attempts, "last_error": self.last_error, "asker_told": self.asker_told,
            "resolution_notice": self.resolution_notice, "turns": list(self.turns),
            "kind": self.kind, "regime": self.regime, "received_at": _iso(self.created_at), "due_at": self.due_at,
            "extended_until": self.extended_until, "extension_reason": self.extension_reason,
            "verified": None if self.verified_at is None else {"by": self.verified_by, "at": _iso(self.verified_at),
                                                               "how": self.verified_how},
            "closed_at": _iso(self.resolved_at), "outcome": self.outcome, "outcome_reason": self.outcome_reason,
            "erased_at": _iso(self.erased_at),
        }


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
