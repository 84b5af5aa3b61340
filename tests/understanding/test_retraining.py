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


# An author file in Kimss jargon: a "yellow slip" is their support desk's word for an export.
AUTHOR_LINES = [
    "yellow slip for my account please", "can you raise a yellow slip on my user", "yellow slip pls",
    "I need a yellow slip for everything under my email", "raise me a yellow slip", "yellow slip request, acct 19",
    "do a yellow slip on my profile asap", "pls yellow slip me",
]


def test_a_new_author_file_makes_the_router_stale_and_the_retrain_learns_it(settings, embeddings, corpus_vectors,
                                                                            tmp_path, monkeypatch):
    import json

    from bot.understanding import corpus
    from bot.understanding.retrain import retrain
    from bot.understanding.router import RouterHandle

    authors = tmp_path / "authors"
    authors.mkdir()
    for file in corpus.author_files():
        shutil.copy(file, authors / file.name)
    (authors / "author-z.jsonl").write_text("".join(
        json.dumps({"text": t, "label": "data_request", "kind": "portability", "family": f"slip#{i}",
                    "register": "casual", "batch": "test", "author": "author-z"}) + "\n"
        for i, t in enumerate(AUTHOR_LINES)), encoding="utf-8")
    phrasing = "Raising a yellow slip for the user dana@acme.example"
    shipped = RouterHandle(embeddings.model_id).route(phrasing, embeddings.encode_query(phrasing))
    assert not (shipped.escalates and shipped.kind == "portability")  # the jargon is new to the shipped router
    before = len(load_corpus())
    monkeypatch.setattr(corpus, "AUTHORS_DIR", authors)
    assert len(load_corpus()) == before + len(AUTHOR_LINES)
    with pytest.raises(RouterMismatch, match="corpus .*privacy-bot train-router"):
        RouterHandle(embeddings.model_id, settings.knowledge_dir, settings.data_dir)

    target = artifact.trained_path(settings.data_dir).parent
    target.mkdir(parents=True, exist_ok=True)
    for cached in corpus_vectors.iterdir():
        shutil.copy(cached, target / cached.name)
    path, weights = retrain(settings, embeddings)
    assert weights.meta["authors"]["author-z"] == len(AUTHOR_LINES)
    # Eight lines are not an author fold of their own (MIN_AUTHOR_LINES): they are spread by group.
    assert "author-z" not in weights.meta["cv"]["folds"]
    router = RouterHandle(embeddings.model_id, settings.knowledge_dir, settings.data_dir)
    assert router.current().path == path
    route = router.route(phrasing, embeddings.encode_query(phrasing))
    assert route.escalates and (route.reason, route.kind) == ("data_request", "portability")
