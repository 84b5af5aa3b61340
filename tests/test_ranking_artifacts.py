"""The learned ranker's and verifier's artifacts: what they were trained on, and refusing a mismatch."""

import json

import numpy as np
import pytest

from bot.understanding.ranking import model
from bot.understanding.ranking.answerability import VERIFIER_FEATURES, VERIFIER_VERSION
from bot.understanding.ranking.features import FEATURE_VERSION, RANKING_FEATURES
from bot.understanding.ranking.training import data_hash, kimss_training_files

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


@pytest.mark.parametrize("path,names,version", [
    (model.RANKER_FILE, RANKING_FEATURES, FEATURE_VERSION),
    (model.VERIFIER_FILE, VERIFIER_FEATURES, VERIFIER_VERSION),
])
def test_shipped_artifacts_fit_the_code_and_record_their_provenance(path, names, version):
    loaded = model.load(path, names, version, MODEL)
    provenance = loaded.provenance
    assert provenance["embedding_model"] == MODEL and provenance["feature_version"] == version
    assert len(provenance["training_data"]["policyqa_sha256"]) == 64
    assert provenance["code_version"] and provenance["trained_at"]
    # The shipped weights were trained on the training questions as they are now: editing them
    # without retraining leaves a stale artifact, and this says so.
    files = kimss_training_files()
    assert provenance["training_data"]["kimss_train_files"] == [f.name for f in files], (
        f"{path.name} was trained on other Kimss training files; {model.RETRAIN}")
    assert provenance["training_data"]["kimss_train_sha256"] == data_hash(*files), (
        f"{path.name} was trained on another version of {', '.join(f.name for f in files)}; {model.RETRAIN}")
    assert loaded.weights.shape == (len(names),) and np.all(np.isfinite(loaded.weights))


def test_an_artifact_for_other_features_is_refused_with_how_to_fix_it(tmp_path):
    data = json.loads(model.RANKER_FILE.read_text())
    data["features"] = data["features"][:-1] + ["something_else"]
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(data))
    with pytest.raises(model.ArtifactMismatch) as refused:
        model.load(path, RANKING_FEATURES, FEATURE_VERSION, MODEL)
    assert "something_else" in str(refused.value) and "bot.understanding.ranking.train" in str(refused.value)


def test_an_artifact_trained_with_another_embedding_model_is_refused(tmp_path):
    with pytest.raises(model.ArtifactMismatch) as refused:
        model.load(model.VERIFIER_FILE, VERIFIER_FEATURES, VERIFIER_VERSION, "intfloat/e5-small-v2")
    assert "e5-small-v2" in str(refused.value) and MODEL in str(refused.value)


def test_an_older_feature_version_is_refused(tmp_path):
    data = json.loads(model.VERIFIER_FILE.read_text())
    data["provenance"]["feature_version"] = "verifier-features-0"
    path = tmp_path / "verifier.json"
    path.write_text(json.dumps(data))
    with pytest.raises(model.ArtifactMismatch, match="verifier-features-0"):
        model.load(path, VERIFIER_FEATURES, VERIFIER_VERSION, MODEL)


def test_a_missing_artifact_says_how_to_make_it(tmp_path):
    with pytest.raises(model.ArtifactMismatch, match="missing"):
        model.load(tmp_path / "ranker.json", RANKING_FEATURES, FEATURE_VERSION, MODEL)


def test_the_artifacts_are_small():
    # The verifier carries its word table: ~400 words and ~1,000 section corrections (word_evidence.py), ~70 kB.
    assert model.RANKER_FILE.stat().st_size < 400_000 and model.VERIFIER_FILE.stat().st_size < 100_000
