"""The privacy team teaches the router: examples next to the documents, a refresh retrains, the service follows.

Real model, real Chroma, real training (scikit-learn) through `refresh` as `privacy-bot index` runs it.
The corpus's vectors are computed once per test session and copied in, as a second refresh on the
same DATA_DIR would find them: only the team's new lines are embedded by the retrain itself.
"""

from __future__ import annotations

import shutil

import pytest

from bot.errors import RouterMismatch
from bot.understanding import artifact
from bot.understanding.corpus import TEAM_FILE, load_corpus

# Kimss-internal jargon no corpus line uses: a "blue form" is their contract's word for erasure.
TEAM_EXAMPLES = """
- {text: "blue form for my account please", label: data_request, kind: deletion}
- {text: "I'm sending a blue form for our workspace", label: data_request, kind: deletion}
- {text: "file a blue form for me", label: data_request, kind: deletion}
- {text: "blue form request, acct 4471", label: data_request, kind: deletion}
- {text: "need a blue form on my user", label: data_request, kind: deletion}
- {text: "please process a blue form for everything under my email", label: data_request, kind: deletion}
- {text: "blue form pls", label: data_request, kind: deletion}
- {text: "can you do a blue form on my profile", label: data_request, kind: deletion}
"""
NEW_PHRASING = "Raising a blue form for the user dana@acme.example"


@pytest.fixture(scope="session")
def corpus_vectors(tmp_path_factory, embeddings):
    from bot.understanding.train import embed

    cache = tmp_path_factory.mktemp("router-vectors")
    embed([e.text for e in load_corpus()], embeddings, cache)
    return cache


def test_examples_added_by_the_team_are_learned_after_a_refresh(settings, embeddings, corpus_vectors):
    from bot.assistant import Assistant
    from bot.refresh import refresh

    refresh(settings, embeddings=embeddings)
    before = Assistant.from_settings(settings, embeddings=embeddings).ask(NEW_PHRASING)
    # The shipped router does not know the jargon: whatever it does, it is not a deletion request.
    assert not (before.escalation and before.escalation.kind == "deletion")

    (settings.knowledge_dir / TEAM_FILE).write_text(TEAM_EXAMPLES, encoding="utf-8")
    with pytest.raises(RouterMismatch, match="privacy-bot train-router"):
        Assistant.from_settings(settings, embeddings=embeddings)  # stale: refused, never used silently

    target = artifact.trained_path(settings.data_dir).parent
    target.mkdir(parents=True, exist_ok=True)
    for cached in corpus_vectors.iterdir():
        shutil.copy(cached, target / cached.name)
    report = refresh(settings, embeddings=embeddings)
    assert report.router and "retrained" in report.summary()
    weights = artifact.load(artifact.trained_path(settings.data_dir))
    assert weights.meta["team_examples"] == 8 and weights.meta["examples"] == len(load_corpus()) + 8

    after = Assistant.from_settings(settings, embeddings=embeddings).ask(NEW_PHRASING)
    assert after.escalates and (after.escalation.reason, after.escalation.kind) == ("data_request", "deletion")
    # What it knew stays: a question is still answered, not handed off.
    assert not Assistant.from_settings(settings, embeddings=embeddings).ask("How do you keep my information safe?").escalates
    # Nothing changed since: the next refresh does not retrain.
    assert refresh(settings, embeddings=embeddings).router is None
