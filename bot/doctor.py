"""`privacy-bot doctor`: is this installation ready? Each check says what is wrong and how to fix it.

Checked without loading the embedding model: the knowledge directory, the index (and the model
it was built with), the ONNX export, the port, and with Slack configured the tokens (`auth.test`,
`apps.connections.open`), the granted scopes (the `x-oauth-scopes` header Slack returns) and
the bot's membership of SUPPORT_CHANNEL_ID (`conversations.info`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings

# The manifest's bot scopes (tests/test_doctor.py keeps this list and manifest.yaml in step).
REQUIRED_SCOPES = {
    "app_mentions:read": "mentions in channels", "chat:write": "answers", "commands": "/privacy",
    "im:history": "direct messages and their threads", "reactions:write": "the 👀 working signal",
    "channels:history": "thread follow-ups; finding a posted escalation after a crash",
    "groups:history": "the same, private channel", "mpim:history": "thread follow-ups in group DMs",
    "assistant:write": "agent messaging: suggested prompts and thread titles",
    "channels:read": "support channel members, Slack Connect channels", "groups:read": "the same, private channel",
    "users:read": "telling customers and guests from employees",
}
OPTIONAL_SCOPES = {"users:read.email": "the asker's e-mail on customers' escalation records"}


@dataclass
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""


def run_checks(settings: Settings) -> list[Check]:
    checks = [_knowledge(settings), *_index(settings), _port(settings)]
    if settings.slack_enabled:
        checks += _slack(settings)
    else:
        checks.append(Check("Slack", "warn", "off: SLACK_BOT_TOKEN is not set",
                            "to answer in Slack, create the app from manifest.yaml and set the tokens (docs/slack.md)"))
    return checks


def render(checks: list[Check]) -> str:
    marks = {"ok": "✓", "warn": "!", "fail": "✗"}
    width = max(len(c.name) for c in checks)
    lines = []
    for check in checks:
        lines.append(f"{marks[check.status]} {check.name:<{width}}  {check.detail}")
        if check.fix and check.status != "ok":
            lines.append(f"  {'':<{width}}  fix: {check.fix}")
    failed = sum(c.status == "fail" for c in checks)
    lines.append("")
    lines.append(f"{failed} problem{'s' if failed != 1 else ''} to fix." if failed else "Ready.")
    return "\n".join(lines)


# ---- local ------------------------------------------------------------------------------------
def _knowledge(settings: Settings) -> Check:
    from indexer.documents import SUPPORTED_SUFFIXES

    directory = settings.knowledge_dir
    if not directory.is_dir():
        return Check("Knowledge", "fail", f"{directory} does not exist",
                     "set KNOWLEDGE_DIR to the folder with the policy documents")
    files = [p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES]
    if not files:
        return Check("Knowledge", "fail", f"no documents in {directory}",
                     f"add the policy as {', '.join(SUPPORTED_SUFFIXES)} files")
    return Check("Knowledge", "ok", f"{len(files)} document file{'s' if len(files) != 1 else ''} in {directory}")


def _index(settings: Settings) -> list[Check]:
    from bot.errors import StoreUnavailable
    from indexer.embedding import model_id, onnx_ready, resolve_backend
    from indexer.store import VectorStore

    checks = []
    try:
        active = VectorStore.from_settings(settings).active()
    except StoreUnavailable as error:
        return [Check("Index", "fail", str(error), "start the Chroma server, or unset CHROMA_HOST for the embedded store")]
    if active is None:
        checks.append(Check("Index", "fail", "no index has been built yet", "run `privacy-bot index` (or `make index`)"))
    elif active.model != model_id(settings.embedding_model):
        checks.append(Check("Index", "fail", f"built with {active.model}, but EMBEDDING_MODEL is "
                                             f"{model_id(settings.embedding_model)}", "run `privacy-bot index --full`"))
    else:
        documents = len(active.documents)
        checks.append(Check("Index", "ok", f"{active.collection}: {documents} document{'s' if documents != 1 else ''}, "
                                           f"{active.records} records, model {active.model}"))
    backend = resolve_backend(settings.embedding_model, settings.embedding_backend)
    if backend == "onnx" and not onnx_ready(settings.embedding_model, settings.embedding_backend):
        checks.append(Check("Model", "warn", "the ONNX export of the bundled model is not made yet; the first "
                                             "command will make it (about 20 s, once)", "run `make setup`"))
    else:
        checks.append(Check("Model", "ok", f"{model_id(settings.embedding_model)} through {backend}"))
    return checks


def _port(settings: Settings) -> Check:
    from bot.errors import ConfigError
    from bot.web.banner import check_port_free

    try:
        check_port_free(settings)
    except ConfigError:
        return Check("Port", "warn", f"{settings.host}:{settings.port} is in use (the service itself, if it is running)",
                     "if the service is not running, stop what uses the port or set PORT")
    return Check("Port", "ok", f"{settings.host}:{settings.port} is free for `privacy-bot serve`")


# ---- Slack ------------------------------------------------------------------------------------
def _slack(settings: Settings) -> list[Check]:
    from slack_sdk.errors import SlackApiError

    from bot.slack.client import web_client

    client = web_client(settings)
    try:
        auth = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        return [Check("Bot token", "fail", f"Slack rejects SLACK_BOT_TOKEN ({code})",
                      "copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions; if the app was "
                      "uninstalled, install it again")]
    checks = [Check("Bot token", "ok", f"valid: bot {auth.get('user')} in workspace {auth.get('team')}")]
    checks.append(_scopes(auth.headers))
    if settings.slack_app_token:
        checks.append(_app_token(settings, client))
    if settings.slack_signing_secret:
        checks.append(Check("HTTP mode", "ok", "SLACK_SIGNING_SECRET is set (Slack checks it on its first request)",
                            ""))
    checks.append(_support_channel(settings, client, auth.get("user_id")))
    return checks


def _scopes(headers) -> Check:
    granted_header = next((v for k, v in (headers or {}).items() if k.lower() == "x-oauth-scopes"), None)
    if isinstance(granted_header, list):
        granted_header = ",".join(granted_header)
    if granted_header is None:
        return Check("Scopes", "warn", "Slack did not say which scopes the token has",
                     f"compare OAuth & Permissions with manifest.yaml: {', '.join(REQUIRED_SCOPES)}")
    granted = {s.strip() for s in granted_header.split(",") if s.strip()}
    missing = [s for s in REQUIRED_SCOPES if s not in granted]
    if missing:
        needs = "; ".join(f"{s} ({REQUIRED_SCOPES[s]})" for s in missing)
        return Check("Scopes", "fail", f"missing {needs}",
                     "add them under OAuth & Permissions → Bot Token Scopes (or update the app from manifest.yaml), "
                     "then reinstall the app and copy the new bot token")
    optional = [s for s in OPTIONAL_SCOPES if s not in granted]
    detail = f"all {len(REQUIRED_SCOPES)} the manifest asks for"
    if optional:
        detail += f"; without {optional[0]}, {OPTIONAL_SCOPES[optional[0]]} stays empty (optional)"
    return Check("Scopes", "ok", detail)


def _app_token(settings: Settings, client) -> Check:
    from slack_sdk.errors import SlackApiError

    try:  # hands out a Socket Mode URL; nothing connects to it
        client.apps_connections_open(app_token=settings.slack_app_token)
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        return Check("App token", "fail", f"Slack rejects SLACK_APP_TOKEN ({code})",
                     "Basic Information → App-Level Tokens → generate one with scope connections:write; "
                     "and turn Socket Mode on (Settings → Socket Mode)")
    return Check("App token", "ok", "valid: Socket Mode can connect")


def _support_channel(settings: Settings, client, bot_user_id: str | None) -> Check:
    from slack_sdk.errors import SlackApiError

    channel = settings.support_channel_id
    if not channel:
        return Check("Support channel", "warn", "SUPPORT_CHANNEL_ID is not set: hand-offs are recorded, not posted",
                     "set SUPPORT_CHANNEL_ID to the channel's id (channel name → About → bottom: Channel ID)")
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        fix = {"channel_not_found": f"check the id; for a private channel invite the bot first (/invite @{'Privacy Assistant'})",
               "missing_scope": "add channels:read and groups:read, then reinstall the app"}.get(code, "check SUPPORT_CHANNEL_ID")
        return Check("Support channel", "fail", f"cannot read {channel} ({code})", fix)
    name = f"#{info['name']}" if info.get("name") else channel
    if not info.get("is_member"):
        return Check("Support channel", "fail", f"the bot is not a member of {name}, so hand-offs cannot be posted",
                     f"in Slack, open {name} and type /invite @Privacy Assistant")
    return Check("Support channel", "ok", f"the bot is a member of {name}")
