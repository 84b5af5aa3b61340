"""Question analytics: redaction, the question_events table with its retention purge, the report.

    redact.py     personal data → [email], [phone], [card], [iban], [ip], [user], [number]
    events.py     QuestionEvents (record / purge), RetentionPurger (at start, then daily)
    recording.py  RecordingAssistant: one event per answer, for every adapter
    report.py     the privacy team's report (CLI and App Home)
"""

from __future__ import annotations


def open_events(settings):
    """The events store on the state database, with retention applied now."""
    from bot.analytics.events import QuestionEvents

    events = QuestionEvents.open(settings.state_db, settings.analytics_retention_days)
    events.purge()
    return events
