"""The schema of the state database, as numbered migrations applied in order.

To change the schema, append a `Migration` with the next number; never edit one that has
shipped, because databases in the field have already recorded it as applied. Each migration
runs in its own transaction together with the row that records it, so a failure leaves the
database at the previous version.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "processed_events",
        """
        -- Slack delivers an event again when it saw no 200 in time; the event id is the key.
        CREATE TABLE processed_events (
            event_id    TEXT PRIMARY KEY,
            received_at REAL NOT NULL
        );
        CREATE INDEX processed_events_received_at ON processed_events (received_at);
        """,
    ),
    Migration(
        2,
        "feedback",
        """
        -- One vote per person per answer; voting again replaces the earlier vote.
        CREATE TABLE feedback (
            answer_id  TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            vote       TEXT NOT NULL CHECK (vote IN ('helpful', 'not_helpful')),
            created_at REAL NOT NULL,
            PRIMARY KEY (answer_id, user_id)
        );
        """,
    ),
    Migration(
        3,
        "support_requests",
        """
        -- "Talk to support" clicks, recorded until the escalation flow takes them over.
        CREATE TABLE support_requests (
            answer_id  TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            channel_id TEXT,
            message_ts TEXT,
            created_at REAL NOT NULL,
            PRIMARY KEY (answer_id, user_id)
        );
        """,
    ),
    Migration(
        4,
        "escalations",
        """
        -- Hand-offs to the privacy team (bot/escalation/): the record is committed first, then an
        -- outbox worker posts it to the support channel; support_ts makes a re-post impossible.
        CREATE TABLE escalations (
            reference          TEXT PRIMARY KEY,
            dedupe_key         TEXT UNIQUE,
            created_at         REAL NOT NULL,
            reason             TEXT NOT NULL,
            audience           TEXT NOT NULL,
            asker_kind         TEXT NOT NULL CHECK (asker_kind IN ('employee', 'customer')),
            asker_user_id      TEXT,
            asker_team_id      TEXT,
            customer_id        TEXT,
            customer_email     TEXT,
            customer_workspace TEXT,
            reply_kind         TEXT,
            reply_channel      TEXT,
            reply_thread_ts    TEXT,
            question           TEXT NOT NULL,
            sections           TEXT NOT NULL DEFAULT '[]',
            answer_id          TEXT,
            status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'resolved')),
            claimed_by         TEXT,
            claimed_at         REAL,
            resolved_by        TEXT,
            resolved_at        REAL,
            resolution_note    TEXT,
            support_channel    TEXT,
            delivery           TEXT NOT NULL DEFAULT 'pending'
                               CHECK (delivery IN ('pending', 'posting', 'delivered', 'no_channel')),
            support_ts         TEXT,
            attempts           INTEGER NOT NULL DEFAULT 0,
            next_attempt_at    REAL NOT NULL DEFAULT 0,
            last_error         TEXT,
            delivered_at       REAL,
            support_stale      INTEGER NOT NULL DEFAULT 0,
            asker_told         INTEGER NOT NULL DEFAULT 0,
            resolution_notice  TEXT NOT NULL DEFAULT 'none' CHECK (resolution_notice IN ('none', 'pending', 'sent')),
            lease_owner        TEXT,
            lease_until        REAL
        );
        CREATE INDEX escalations_status ON escalations (status, created_at);
        CREATE INDEX escalations_next_attempt ON escalations (next_attempt_at);
        """,
    ),
    Migration(
        5,
        "question_events",
        """
        -- One row per answered question, personal data redacted before it is written
        -- (bot/analytics/redact.py); rows older than ANALYTICS_RETENTION_DAYS are purged.
        CREATE TABLE question_events (
            id                TEXT PRIMARY KEY,
            asked_at          REAL NOT NULL,
            source            TEXT NOT NULL,
            audience          TEXT NOT NULL,
            question          TEXT NOT NULL,
            redactions        INTEGER NOT NULL DEFAULT 0,
            outcome           TEXT NOT NULL,
            covered           INTEGER NOT NULL,
            confidence        REAL NOT NULL,
            top_section       TEXT,
            top_document      TEXT,
            escalation_reason TEXT,
            answer_id         TEXT,
            trace_id          TEXT
        );
        CREATE INDEX question_events_asked_at ON question_events (asked_at);
        CREATE INDEX question_events_answer_id ON question_events (answer_id);
        -- Each event with the 👍/👎 votes its answer received (feedback is keyed by answer id).
        CREATE VIEW question_events_feedback AS
            SELECT e.*,
                   (SELECT COUNT(*) FROM feedback f WHERE f.answer_id = e.answer_id AND f.vote = 'helpful')
                       AS helpful,
                   (SELECT COUNT(*) FROM feedback f WHERE f.answer_id = e.answer_id AND f.vote = 'not_helpful')
                       AS not_helpful
            FROM question_events e;
        """,
    ),
    Migration(
        6,
        "conversation_turns",
        """
        -- The last few turns of API and web chat conversations (bot/store/conversations.py), so a
        -- follow-up is answered in context by any replica sharing this database. Conversation text is
        -- personal data: rows older than CONVERSATION_TTL_MINUTES are purged, and only the last few
        -- turns of a conversation are ever kept.
        CREATE TABLE conversation_turns (
            conversation_key TEXT NOT NULL,
            seq              INTEGER NOT NULL,
            created_at       REAL NOT NULL,
            question         TEXT NOT NULL,
            sections         TEXT NOT NULL DEFAULT '[]',
            escalation       TEXT,
            PRIMARY KEY (conversation_key, seq)
        );
        CREATE INDEX conversation_turns_created_at ON conversation_turns (created_at);
        """,
    ),
    Migration(
        7,
        "escalation_turns",
        """
        -- A hand-off made after several turns keeps the turns that led to it (JSON list of
        -- {question, sections, escalation}), so support does not ask again.
        ALTER TABLE escalations ADD COLUMN turns TEXT NOT NULL DEFAULT '[]';
        """,
    ),
]
MIGRATIONS.append(Migration(
    8,
    "data_subject_requests",
    """
    -- Data-subject requests (bot/escalation/deadlines.py): the kind, the regime whose clock runs, the
    -- deadline (ISO date, UTC), one extension, identity verification, the outcome, and the day the
    -- reminder worker last refreshed the support message (once per day per request).
    ALTER TABLE escalations ADD COLUMN kind TEXT;
    ALTER TABLE escalations ADD COLUMN regime TEXT;
    ALTER TABLE escalations ADD COLUMN due_at TEXT;
    ALTER TABLE escalations ADD COLUMN extended_until TEXT;
    ALTER TABLE escalations ADD COLUMN extension_reason TEXT;
    ALTER TABLE escalations ADD COLUMN extended_by TEXT;
    ALTER TABLE escalations ADD COLUMN extended_at REAL;
    ALTER TABLE escalations ADD COLUMN extension_notice TEXT NOT NULL DEFAULT 'none'
        CHECK (extension_notice IN ('none', 'pending', 'sent'));
    ALTER TABLE escalations ADD COLUMN verified_by TEXT;
    ALTER TABLE escalations ADD COLUMN verified_at REAL;
    ALTER TABLE escalations ADD COLUMN verified_how TEXT;
    ALTER TABLE escalations ADD COLUMN outcome TEXT
        CHECK (outcome IS NULL OR outcome IN ('fulfilled', 'refused', 'withdrawn', 'duplicate'));
    ALTER TABLE escalations ADD COLUMN outcome_reason TEXT;
    ALTER TABLE escalations ADD COLUMN badge_day TEXT;
    ALTER TABLE escalations ADD COLUMN erased_at REAL;
    CREATE INDEX escalations_asker_user ON escalations (asker_user_id);
    CREATE INDEX escalations_customer ON escalations (customer_id);
    CREATE INDEX escalations_email ON escalations (customer_email);
    -- The audit trail: one row per state change (who, when, what, from/to). Append-only: rows are
    -- never deleted, and the only change allowed is erasing the free-text detail (retention, erasure).
    CREATE TABLE escalation_events (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        reference  TEXT NOT NULL,
        at         REAL NOT NULL,
        actor      TEXT NOT NULL,
        action     TEXT NOT NULL,
        from_value TEXT,
        to_value   TEXT,
        detail     TEXT
    );
    CREATE INDEX escalation_events_reference ON escalation_events (reference, id);
    CREATE TRIGGER escalation_events_no_delete BEFORE DELETE ON escalation_events
    BEGIN SELECT RAISE(ABORT, 'escalation_events is append-only'); END;
    CREATE TRIGGER escalation_events_no_rewrite BEFORE UPDATE ON escalation_events
    WHEN NEW.reference IS NOT OLD.reference OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
      OR NEW.action IS NOT OLD.action OR NEW.from_value IS NOT OLD.from_value
      OR NEW.to_value IS NOT OLD.to_value OR NEW.detail IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'escalation_events is append-only'); END;
    -- The daily digest of due-soon and overdue requests: one row per UTC day, inserted by the one
    -- process that wins the day, 'posting' committed before the post (looked up after a crash).
    CREATE TABLE dsar_digests (
        day        TEXT PRIMARY KEY,
        state      TEXT NOT NULL CHECK (state IN ('posting', 'posted', 'empty')),
        owner      TEXT NOT NULL,
        started_at REAL NOT NULL,
        ts         TEXT,
        items      INTEGER NOT NULL DEFAULT 0
    );
    """,
))
MIGRATIONS.append(Migration(
    9,
    "question_event_subjects",
    """
    -- Question analytics keyed to the person who asked, pseudonymously: HMAC-SHA256 of each of their
    -- identifiers (Slack user, customer id, email) under a key kept here, so `privacy-bot subject`
    -- finds their rows while the table itself names nobody.
    ALTER TABLE question_events ADD COLUMN subjects TEXT NOT NULL DEFAULT '';
    CREATE TABLE pseudonym_keys (name TEXT PRIMARY KEY, key BLOB NOT NULL);
    INSERT INTO pseudonym_keys (name, key) VALUES ('subject', randomblob(32));
    """,
))
# Appended out of order by parallel work is fine: they are applied by number.
MIGRATIONS.sort(key=lambda m: m.number)
MIGRATIONS.append(Migration(
    10,
    "conversation_retries",
    """
    -- A retried API request must not add its turn twice (bot/store/conversations.py): each turn keeps a
    -- hash of the request that made it (never the text twice), and an `Idempotency-Key` keeps the
    -- response it got, so the retry is answered the same. Both hold conversation text (the response
    -- quotes the question): purged with the turns after CONVERSATION_TTL_MINUTES. `asker`: who asked the
    -- turn ("slack:U…", "customer:…", "email:…"), so `privacy-bot subject` finds a person's turns.
    ALTER TABLE conversation_turns ADD COLUMN request_hash TEXT;
    ALTER TABLE conversation_turns ADD COLUMN asker TEXT;
    CREATE INDEX conversation_turns_asker ON conversation_turns (asker);
    CREATE TABLE api_idempotency (
        idempotency_key TEXT PRIMARY KEY,
        request_hash    TEXT NOT NULL,
        created_at      REAL NOT NULL,
        response        TEXT
    );
    CREATE INDEX api_idempotency_created_at ON api_idempotency (created_at);
    """,
))
MIGRATIONS.append(Migration(
    11,
    "idempotency_subjects",
    """
    -- A kept `Idempotency-Key` response quotes the question: it is personal data like the turn it
    -- answered, so `privacy-bot subject` must find and erase it. `asker`: the customer's first identifier
    -- ("customer:…" or "email:…"); `conversation_key`: the conversation it belongs to ("api:<token>:<id>").
    ALTER TABLE api_idempotency ADD COLUMN asker TEXT;
    ALTER TABLE api_idempotency ADD COLUMN conversation_key TEXT;
    CREATE INDEX api_idempotency_asker ON api_idempotency (asker);
    """,
))
