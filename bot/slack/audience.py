"""Who is asking in Slack: Kimss AI staff ("employee") or a customer ("customer").

A customer is anyone from another organisation and any guest of ours:
  - Slack Connect: the event names a team for the user (`user_team`, `user_profile.team`, the
    message's `team`, a click's `user.team_id`) other than the app's own team, or `users.info`
    says `is_stranger` or puts the user in another team (outside our Enterprise Grid org);
  - guests: `users.info` says `is_restricted` (multi-channel) or `is_ultra_restricted` (single-channel).

Where the answer is posted counts too: a channel shared with another organisation (Slack Connect:
the envelope's `is_ext_shared_channel`, or `conversations.info` says `is_ext_shared`) is read by
customers, so even an employee's question there is answered for customers (`channel_is_shared`).

It fails closed: when it cannot be decided (users.info fails, the app's team is unknown, no user)
the asker is a customer, so public documents only. `users.info` answers are cached for
`USER_TTL` seconds (failures are not cached, so a blip costs one question at most).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

# How a Slack lookup fails (API error, transport, malformed answer); anything else is a bug.
LOOKUP_FAILED = (SlackApiError, SlackRequestError, OSError, LookupError, ValueError)

log = logging.getLogger(__name__)

EMPLOYEE = "employee"
CUSTOMER = "customer"
USER_TTL = 300.0  # seconds a users.info answer is trusted (a guest promoted to member waits this long)


@dataclass(frozen=True)
class Decision:
    audience: str  # "employee" | "customer"
    reason: str  # member | external_team | stranger | guest | undecided
    user_team: str | None = None  # the asker's own team, when known (identifies a customer's workspace)
    email: str | None = None

    @property
    def customer(self) -> bool:
        return self.audience == CUSTOMER

    def ask_fields(self) -> dict:
        """What a `SlackAsk` carries, so a hand-off records a customer as a customer."""
        return {"audience": self.audience, "user_team": self.user_team, "email": self.email}


def teams_in_payload(payload: dict | None) -> set[str]:
    """Every team id a Slack payload (event, command, or a click's body) attributes to its user."""
    if not payload:
        return set()
    found = {payload.get("user_team"), (payload.get("user_profile") or {}).get("team")}
    if payload.get("type") in {"message", "app_mention"}:
        found.add(payload.get("team"))  # a message's `team` is its author's team
    user = payload.get("user")
    if isinstance(user, dict):  # block_actions bodies
        found.add(user.get("team_id"))
    if payload.get("command"):  # slash commands: user_team in shared channels, else team_id
        found.add(payload.get("team_id"))
    return {team for team in found if isinstance(team, str) and team}


class AudienceResolver:
    """Decides a Slack user's audience; thread-safe, one per Bolt app."""

    def __init__(self, client: WebClient, *, ttl: float = USER_TTL, clock: Callable[[], float] = time.monotonic):
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._users: dict[str, tuple[float, dict]] = {}
        self._user_locks: dict[str, threading.Lock] = {}
        self._own: tuple[str, str | None] | None = None  # (team id, enterprise id) from auth.test
        self._channels: dict[str, tuple[float, bool]] = {}

    def channel_is_shared(self, channel: str | None, flag: bool | None = None) -> bool:
        """True when people outside Kimss AI can read `channel`; fails closed (True) when unknown."""
        if flag:
            return True
        if channel and channel.startswith("D"):
            return False  # a direct message with the assistant: only the asker reads the answer
        if not channel:
            return True
        now = self.clock()
        with self._lock:
            cached = self._channels.get(channel)
            if cached and now - cached[0] < self.ttl:
                return cached[1]
        try:
            info = self.client.conversations_info(channel=channel).get("channel") or {}
        except LOOKUP_FAILED as error:
            log.warning("channel sharing undecided (conversations.info failed: %s): answering for customers",
                        _name(error))
            return True
        shared = bool(info.get("is_ext_shared") or info.get("is_pending_ext_shared"))
        with self._lock:
            self._channels[channel] = (now, shared)
        return shared

    def decide(self, user_id: str | None, payload: dict | None = None) -> Decision:
        if not user_id:
            return Decision(CUSTOMER, "undecided")
        try:
            own_team, own_enterprise = self._own_team()
        except LOOKUP_FAILED as error:
            log.warning("audience undecided (auth.test failed: %s): treating the asker as a customer", _name(error))
            return Decision(CUSTOMER, "undecided")
        foreign = sorted(teams_in_payload(payload) - {own_team})
        if foreign:
            return Decision(CUSTOMER, "external_team", user_team=foreign[0])
        try:
            user = self._user(user_id)
        except LOOKUP_FAILED as error:
            log.warning("audience undecided (users.info failed: %s): treating the asker as a customer", _name(error))
            return Decision(CUSTOMER, "undecided")
        profile = user.get("profile") or {}
        email = profile.get("email") or None
        team = user.get("team_id") or profile.get("team")
        if user.get("is_stranger"):
            return Decision(CUSTOMER, "stranger", user_team=team, email=email)
        if team and team != own_team:
            enterprise = (user.get("enterprise_user") or {}).get("enterprise_id")
            if not (own_enterprise and enterprise == own_enterprise):  # another workspace of our own Grid org is fine
                return Decision(CUSTOMER, "external_team", user_team=team, email=email)
        if user.get("is_restricted") or user.get("is_ultra_restricted"):
            return Decision(CUSTOMER, "guest", user_team=team, email=email)
        return Decision(EMPLOYEE, "member", user_team=team, email=email)

    def audience(self, user_id: str | None, payload: dict | None = None) -> str:
        return self.decide(user_id, payload).audience

    def _own_team(self) -> tuple[str, str | None]:
        with self._lock:
            if self._own is None:
                response = self.client.auth_test()
                team = response.get("team_id")
                if not team:
                    raise LookupError("auth.test named no team")
                self._own = (team, response.get("enterprise_id") or None)
            return self._own

    def _user(self, user_id: str) -> dict:
        # One lookup per user at a time: a person's questions arrive together (a DM and its
        # follow-up land in the pool at once) and must share one users.info call, not race.
        with self._lock:
            user_lock = self._user_locks.setdefault(user_id, threading.Lock())
        with user_lock:
            now = self.clock()
            with self._lock:
                cached = self._users.get(user_id)
                if cached and now - cached[0] < self.ttl:
                    return cached[1]
            response = self.client.users_info(user=user_id)  # outside the shared lock: other users go on
            user = response.get("user")
            if not isinstance(user, dict):
                raise LookupError("users.info returned no user")
            with self._lock:
                self._users[user_id] = (now, user)
            if len(self._users) > 10000:  # a bound, not a policy: drop the oldest
                for key in sorted(self._users, key=lambda k: self._users[k][0])[:1000]:
                    del self._users[key]
                    self._user_locks.pop(key, None)
            return user


def _name(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    if isinstance(error, SlackRequestError):
        return "request failed"
    return type(error).__name__
