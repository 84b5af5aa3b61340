"""Incremental indexing, full rebuilds, and publishing that readers never see half-done."""

import shutil
import threading

import pytest

from bot.assistant import Assistant
from bot.errors import IndexBusy, ModelMismatch
from indexer.build import build_index
from indexer.embedding import load_embeddings, resolve_model_path
from indexer.store import VectorStore
from tests.conftest import make_settings

EDITED = "No system can be guaranteed to be completely secure."


@pytest.fixture(scope="session")
def other_model(tmp_path_factory):
    """The same weights under another path: to the index, a different embedding model."""
    target = tmp_path_factory.mktemp("models") / "other-minilm"
    shutil.copytree(resolve_model_path(None), target)
    return load_embeddings(str(target))


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_first_build_then_no_change_computes_nothing(settings, embeddings):
    first = build_index(settings, embeddings=embeddings)
    assert first.published and first.embeddings_computed == first.records == 22
    assert first.documents["added"] == ["privacy-policy.md"] and first.sections["added"] == 5
    again = build_index(settings, embeddings=embeddings)
    assert (again.published, again.embeddings_computed) == (False, 0)
    assert again.documents["unchanged"] == ["privacy-policy.md"] and again.sections["unchanged"] == 5
    assert "Embeddings computed: 0" in again.summary()


def test_editing_one_sentence_re_embeds_only_what_changed(settings, embeddings):
    build_index(settings, embeddings=embeddings)
    _edit(settings.knowledge_dir / "privacy-policy.md", EDITED, "No system can be guaranteed to be entirely secure.")
    report = build_index(settings, embeddings=embeddings)
    # the Security Measures chunk and the one edited sentence; its three other sentences are reused
    assert report.embeddings_computed == 2
    assert report.documents["changed"] == ["privacy-policy.md"]
    assert report.sections == {"added": 0, "changed": 1, "removed": 0, "unchanged": 4}
    answer = Assistant.from_settings(settings, embeddings=embeddings).ask("Can you promise my data is 100% secure?")
    assert "entirely secure" in answer.answer and "completely secure" not in answer.answer


def test_removed_sections_and_documents_disappear_from_answers(settings, embeddings):
    extra = settings.knowledge_dir / "retention.md"
    extra.write_text("---\ntitle: Data Retention Standard\nupdated: 2026-05-01\n---\n# Data Retention Standard\n"
                     "## Retention periods\nKimss AI retains account records for twelve months after an account closes.\n")
    build_index(settings, embeddings=embeddings)
    assistant = Assistant.from_settings(settings, embeddings=embeddings)
    answer = assistant.ask("How long are account records retained after closing?")
    assert answer.citations[0].title == "Data Retention Standard"

    extra.unlink()
    report = build_index(settings, embeddings=embeddings)
    assert report.documents["removed"] == ["retention.md"] and report.sections["removed"] == 1
    assistant.retriever.current(force_check=True)
    answer = assistant.ask("How long are account records retained after closing?")
    assert all(c.title != "Data Retention Standard" for c in answer.citations)
    assert "twelve months" not in answer.answer


def test_dry_run_reports_but_writes_nothing(settings, embeddings):
    build_index(settings, embeddings=embeddings)
    store = VectorStore.from_settings(settings)
    before = store.active().collection
    _edit(settings.knowledge_dir / "privacy-policy.md", EDITED, "Nothing is perfectly secure.")
    report = build_index(settings, embeddings=embeddings, dry_run=True)
    assert report.dry_run and not report.published and report.embeddings_computed == 2
    assert "Dry run: nothing was written." in report.summary()
    assert store.active().collection == before


def test_changing_the_model_forces_a_full_rebuild_and_old_index_is_refused(settings, embeddings, other_model):
    build_index(settings, embeddings=embeddings)
    report = build_index(settings, embeddings=other_model)
    assert report.full_rebuild_reason.startswith("embedding model changed")
    assert report.embeddings_computed == report.records == 22
    with pytest.raises(ModelMismatch, match=r"built with .*other-minilm.*privacy-bot index --full"):
        Assistant.from_settings(settings, embeddings=embeddings).ask("What data do you collect?")


def test_full_flag_re_embeds_everything(settings, embeddings):
    build_index(settings, embeddings=embeddings)
    report = build_index(settings, embeddings=embeddings, full=True)
    assert report.published and report.embeddings_computed == 22
    assert report.full_rebuild_reason == "requested with --full"


def test_a_second_refresh_at_the_same_time_is_refused(settings, embeddings):
    from indexer.build import _build_lock

    with _build_lock(settings.data_dir, dry_run=False):
        with pytest.raises(IndexBusy, match="another index refresh is running"):
            build_index(settings, embeddings=embeddings)


def test_answers_keep_coming_while_refreshes_publish(settings, embeddings):
    build_index(settings, embeddings=embeddings)
    assistant = Assistant.from_settings(settings, embeddings=embeddings)
    errors, answers, stop = [], [], threading.Event()

    def ask_forever():
        while not stop.is_set():
            try:
                answers.append(assistant.ask("How do you keep my information safe?"))
                assistant.retriever._checked_at = 0  # look at the pointer every time: worst case
            except Exception as error:  # the assertion below reports any error a reader saw
                errors.append(error)

    reader = threading.Thread(target=ask_forever)
    reader.start()
    policy = settings.knowledge_dir / "policy-extra.md"
    for n in range(4):
        policy.write_text(f"# Extra\n## Note {n}\nRevision {n} of an extra note about office plants.\n")
        assert build_index(settings, embeddings=embeddings).published
    stop.set()
    reader.join()
    assert errors == []
    assert len(answers) > 4 and all(a.covered and a.citations[0].section == "Security Measures" for a in answers)
    store = VectorStore.from_settings(settings)
    names = {c.name for c in store.client.list_collections()}
    assert names == {"kimss-privacy-registry", store.active().collection}  # old builds are removed
