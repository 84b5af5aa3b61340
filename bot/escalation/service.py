"""`Escalations`: the one entry point adapters call (Slack today, the support-chat API later).

    escalate(...)  record first (committed), then wake the outbox; returns the record
    claim(ref, by) / resolve(ref, by, note, outcome=, outcome_reason=)   guarded state changes; the
                                               outbox updates the support message and notifies the asker
    verify / extend / set_kind / set_regime    data-subject requests (bot/escalation/dsar.py)
    acknowledgement(record)                    what to tell the asker right away
"""

from __future__ import annotations

import logging

from datetime import date

from bot.escalation.dsar import DataRequests, RequestError
from bot.escalation.outbox import Outbox, crash_if
from bot.escalation.record import OUTCOMES, REASONS, Asker, EscalationRecord, ReplyTo
from bot.escalation.render import acknowledgement, acknowledgement_message, Rendered
from bot.escalation.store import Created, EscalationStore, Transition
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 4000
MAX_TURNS = 5  # the turns that led to a hand-off; older ones add little for support


class Escalations:
    def __init__(self, store: EscalationStore, settings: Settings, outbox: Outbox | None = None):
        self.store = store
        self.settings = settings
        self.outbox = outbox
        self.requests = DataRequests(store)

    def escalate(self, *, reason: str, asker: Asker, question: str, audience: str | None = None,
                 reply_to: ReplyTo | None = None, sections: list[str] | None = None,
                 answer_id: str | None = None, dedupe_key: str | None = None, kind: str | None = None,
                 turns=None) -> Created:
        """Record a hand-off (once per `dedupe_key`) and queue its delivery to the support channel.

        For a customer: `asker=Asker.customer(id, email, workspace)`, `audience="customer"`, and a
        `reply_to` of the support chat's own kind (the outbox leaves kinds it cannot deliver to
        for that adapter), then tell them `acknowledgement(record, mrkdwn=False)`. `turns`: the
        conversation's earlier turns (bot.conversation.Turn), recorded so support does not ask again.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown escalation reason {reason!r}")
        from bot.answer import ESCALATION_KINDS

        if kind not in ESCALATION_KINDS.get(reason, ()):
            kind = None  # a kind that does not belong to the reason is a router slip: support sets it
        # A data request starts the statutory clock under the default regime (support may change it).
        regime = self.settings.dsar_default_regime if reason == "data_request" else None
        created = self.store.create(
            reason=reason, audience=audience or asker.kind, asker=asker, reply_to=reply_to,
            question=question.strip()[:MAX_QUESTION_CHARS], sections=list(sections or []), answer_id=answer_id,
            dedupe_key=dedupe_key, support_channel=self.settings.support_channel_id, kind=kind, regime=regime,
            turns=[{"question": t.question[:MAX_QUESTION_CHARS], "sections": list(t.sections), "escalation": t.escalation}
                   for t in (turns or [])[-MAX_TURNS:]],
        )
        if created.created:
            log.info("escalation %s recorded reason=%s asker=%s delivery=%s", created.record.reference, reason,
                     asker.kind, created.record.delivery)
            crash_if(self.settings, "crash_after_commit")
            self._wake()
        return created

    def claim(self, reference: str, by: str) -> Transition:
        transition = self.store.claim(reference, by)
        if transition.changed:
            log.info("escalation %s claimed", reference)
            self._wake()
        return transition

    def resolve(self, reference: str, by: str, note: str | None = None, *, outcome: str | None = None,
                outcome_reason: str | None = None) -> Transition:
        """Close a record. Data requests need an outcome (fulfilled, refused with its reason, withdrawn, duplicate)."""
        outcome_reason = " ".join((outcome_reason or "").split())[:1000] or None
        if outcome is not None and outcome not in OUTCOMES:
            raise RequestError(f"outcome must be one of {', '.join(OUTCOMES)}")
        if outcome == "refused" and not outcome_reason:
            raise RequestError("A refusal needs its reason: the requester is told it, and the record keeps it.")
        record = self.store.get(reference)
        if outcome is None and record is not None and record.reason == "data_request":
            outcome = "fulfilled"  # the plain Resolve of older messages and scripts
        transition = self.store.resolve(reference, by, (note or "").strip() or None, outcome=outcome,
                                        outcome_reason=outcome_reason)
        if transition.changed:
            log.info("escalation %s resolved outcome=%s", reference, outcome)
            self._wake()
        return transition

    # ---- data-subject requests (bot/escalation/dsar.py); each raises RequestError with a reason ----
    def verify(self, reference: str, by: str, how: str) -> Transition:
        return self._woken(self.requests.verify(reference, by, how))

    def extend(self, reference: str, by: str, new_date: date, reason: str) -> Transition:
        return self._woken(self.requests.extend(reference, by, new_date, reason))

    def set_kind(self, reference: str, kind: str, by: str) -> Transition:
        return self._woken(self.requests.set_kind(reference, kind, by))

    def set_regime(self, reference: str, regime: str, by: str) -> Transition:
        return self._woken(self.requests.set_regime(reference, regime, by))

    def _woken(self, transition: Transition) -> Transition:
        if transition.changed:
            self._wake()
        return transition

    def mark_told(self, *, reference: str | None = None, dedupe_key: str | None = None) -> None:
        self.store.mark_told(reference=reference, dedupe_key=dedupe_key)

    def acknowledgement(self, record: EscalationRecord, *, repeat: bool = False, mrkdwn: bool = True) -> str:
        return acknowledgement(record, support_url=self.settings.support_url,
                               response_time=self.settings.support_response_time, repeat=repeat, mrkdwn=mrkdwn)

    def acknowledgement_message(self, record: EscalationRecord, *, repeat: bool = False) -> Rendered:
        return acknowledgement_message(record, support_url=self.settings.support_url,
                                       response_time=self.settings.support_response_time, repeat=repeat)

    def _wake(self) -> None:
        if self.outbox is not None:
            self.outbox.wake()
