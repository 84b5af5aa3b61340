"""The same index and ask path against a real Chroma server started with `chroma run`."""

import pytest

from bot.assistant import Assistant
from bot.errors import StoreUnavailable
from indexer.build import build_index
from indexer.store import VectorStore
from tests.conftest import make_settings
from tests.servers import chroma_server, free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with chroma_server(tmp_path_factory.mktemp("chroma-server") / "db") as port:
        yield port


def test_index_and_ask_through_a_chroma_server(tmp_path, knowledge_copy, embeddings, server):
    settings = make_settings(tmp_path / "data", knowledge_copy, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(server))
    first = build_index(settings, embeddings=embeddings)
    assert first.published and first.embeddings_computed == 22
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store

    assistant = Assistant.from_settings(settings, embeddings=embeddings)
    answer = assistant.ask("How do you keep my information safe?")
    assert answer.covered and answer.citations[0].section == "Security Measures"
    customer = assistant.ask("Where should I send a privacy question?", audience="customer")
    assert customer.citations[0].section == "Contact Information" and customer.audience == "customer"

    policy = knowledge_copy / "privacy-policy.md"
    policy.write_text(policy.read_text().replace("completely secure", "entirely secure"))
    second = build_index(settings, embeddings=embeddings)
    assert second.embeddings_computed == 2 and second.sections["changed"] == 1
    assistant.retriever.current(force_check=True)
    assert "entirely secure" in assistant.ask("Can you promise my data is 100% secure?").answer
    names = {c.name for c in VectorStore.from_settings(settings).client.list_collections()}
    assert names == {"kimss-privacy-registry", second.collection}


def test_unreachable_server_names_host_and_port(tmp_path, knowledge_copy):
    port = free_port()
    settings = make_settings(tmp_path / "data", knowledge_copy, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port))
    with pytest.raises(StoreUnavailable, match=rf"Chroma server at 127\.0\.0\.1:{port}"):
        VectorStore.from_settings(settings)
