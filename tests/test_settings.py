"""Settings fail fast, naming the variable; secrets never appear in what is logged."""

import pytest

from bot.errors import ConfigError
from bot.settings import Settings


def test_defaults_are_the_embedded_setup():
    settings = Settings.from_mapping({})
    assert str(settings.knowledge_dir) == "knowledge" and str(settings.data_dir) == ".data"
    assert settings.embedding_model is None and settings.chroma_server is None
    assert not settings.slack_enabled and settings.port == 3000


@pytest.mark.parametrize("env,variable", [
    ({"CHROMA_PORT": "eighty", "CHROMA_HOST": "db"}, "CHROMA_PORT"),
    ({"CHROMA_PORT": "8000"}, "CHROMA_HOST"),
    ({"PORT": "70000"}, "PORT"),
    ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "bad"}, "SLACK_APP_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack.local"}, "SLACK_API_URL"),
    ({"INDEX_NAME": "no spaces please"}, "INDEX_NAME"),
])
def test_malformed_or_half_set_configuration_names_the_variable(env, variable):
    with pytest.raises(ConfigError) as error:
        Settings.from_mapping(env)
    assert error.value.variable == variable and str(error.value).startswith(variable)


def test_environment_wins_over_dotenv(tmp_path, monkeypatch):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DATA_DIR=/from/dotenv\nPORT=4000\n")
    monkeypatch.setenv("PORT", "5000")
    monkeypatch.delenv("DATA_DIR", raising=False)
    settings = Settings.load(dotenv_path=dotenv)
    assert (str(settings.data_dir), settings.port) == ("/from/dotenv", 5000)


def test_redacted_view_hides_secrets():
    settings = Settings.from_mapping({"SLACK_BOT_TOKEN": "xoxb-secret", "SLACK_SIGNING_SECRET": "shh"})
    shown = str(settings.redacted())
    assert "xoxb-secret" not in shown and "shh" not in shown and "***" in shown
