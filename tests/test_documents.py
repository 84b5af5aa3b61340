"""Reading knowledge documents: front matter, headings, .txt and .html, and bad files."""

from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from indexer.chunks import document_records, split_sentences
from indexer.documents import load_knowledge, parse_document
from tests.conftest import FIXTURES, KNOWLEDGE, make_settings


def test_shipped_policy_has_front_matter_and_sections():
    result = load_knowledge(KNOWLEDGE)
    assert result.warnings == []
    [policy] = result.documents
    assert (policy.title, policy.audience, policy.updated) == ("Privacy Policy", "public", "2026-04-30")
    assert [s.title for s in policy.sections] == [
        "How Kimss AI handles information", "Data Collection", "Usage", "Security Measures", "Contact Information",
    ]


def _words(text: str) -> list[str]:
    return text.replace("•", "").replace("- ", " ").split()


def test_knowledge_copy_matches_the_customers_original_text():
    """knowledge/ holds the customer's document word for word, as the .txt parser reads the original."""
    original = parse_document("privacy-policy.txt", (FIXTURES / "privacy-policy.txt").read_text(), ".txt")
    [copy] = load_knowledge(KNOWLEDGE).documents
    assert original.title == copy.title and original.updated == copy.updated
    assert [s.heading_path for s in original.sections] == [s.heading_path for s in copy.sections]
    for a, b in zip(original.sections, copy.sections):
        assert _words(a.text) == _words(b.text)


def test_plain_text_headings_are_short_lines_standing_alone():
    doc = parse_document("notes.txt", "Staff Handbook\n\nRetention\n\nWe keep records for six years.\n\n"
                         "A long first line that ends with a full stop is a paragraph.\n\nLast updated: May 2, 2026\n", ".txt")
    assert doc.title == "Staff Handbook" and doc.updated == "2026-05-02"
    assert [(s.title, s.text) for s in doc.sections] == [
        ("Retention", "We keep records for six years.\n\nA long first line that ends with a full stop is a paragraph."),
    ]


def test_html_documents_use_headings_and_meta_tags():
    html = """<html><head><title>Cookie Notice</title><meta name="audience" content="internal">
    <meta name="updated" content="2026-01-15"><link rel="canonical" href="https://kimss.example/cookies"></head>
    <body><nav>Home | About</nav><h1>Cookie Notice</h1><h2>Essential cookies</h2><p>We set a session cookie.</p>
    <ul><li>Login state</li><li>CSRF token</li></ul><script>alert(1)</script></body></html>"""
    doc = parse_document("cookies.html", html, ".html")
    assert (doc.title, doc.audience, doc.updated, doc.url) == (
        "Cookie Notice", "internal", "2026-01-15", "https://kimss.example/cookies")
    [section] = doc.sections
    assert section.heading_path == ("Cookie Notice", "Essential cookies")
    assert "alert" not in section.text and "Home" not in section.text
    assert [s for s, _ in split_sentences(section.text)] == ["We set a session cookie.", "Login state", "CSRF token"]


def test_list_items_keep_their_lead_in():
    pairs = split_sentences("Information is used for:\n\n- Billing.\n- Support.\n\nAfter the list. Second one.")
    assert pairs == [("Information is used for:", ""), ("Billing.", "Information is used for:"),
                     ("Support.", "Information is used for:"), ("After the list.", ""), ("Second one.", "")]


def test_records_carry_citation_metadata_and_stable_ids():
    [policy] = load_knowledge(KNOWLEDGE).documents
    records = document_records(policy)
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids))
    assert ids == [r.id for r in document_records(load_knowledge(KNOWLEDGE).documents[0])]
    chunk = next(r for r in records if r.metadata["section"] == "Security Measures" and r.metadata["unit"] == "chunk")
    assert chunk.text.startswith("Privacy Policy > Security Measures\n")
    for key in ("document", "title", "section", "url", "audience", "updated", "content_hash"):
        assert key in chunk.metadata
    assert chunk.metadata["document"] == "privacy-policy.md" and chunk.metadata["updated"] == "2026-04-30"


def test_url_gets_the_section_anchor(tmp_path):
    (tmp_path / "p.md").write_text("---\ntitle: P\nurl: https://kimss.example/privacy\n---\n# P\n## Data Collection\nText.\n")
    [doc] = load_knowledge(tmp_path).documents
    [record, *_] = document_records(doc)
    assert record.metadata["url"] == "https://kimss.example/privacy#data-collection"


def test_long_sections_are_split_with_overlap(tmp_path):
    sentences = [f"Sentence number {i} talks about retention of records for audits." for i in range(60)]
    (tmp_path / "long.md").write_text("# Long\n## Retention\n" + " ".join(sentences) + "\n")
    [doc] = load_knowledge(tmp_path).documents
    chunks = [r.metadata["body"] for r in document_records(doc) if r.metadata["unit"] == "chunk"]
    assert len(chunks) >= 3 and all(len(c) <= 900 for c in chunks)
    assert chunks[0][-60:].split()[-1] in chunks[1]  # the overlap repeats the boundary text


def test_bad_files_are_named_and_the_rest_still_load(tmp_path):
    (tmp_path / "good.md").write_text("# Good\n## Part\nFine text.\n")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 policy\n\nD\xe9tails here.".encode("latin-1"))
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\n# X\nText.\n")
    (tmp_path / "secret.md").write_text("---\naudience: staff-only\n---\n# S\nText.\n")
    (tmp_path / "empty.md").write_text("---\ntitle: Nothing\n---\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    result = load_knowledge(tmp_path)
    assert [d.key for d in result.documents] == ["good.md"]
    joined = "\n".join(result.warnings)
    assert "latin1.txt: skipped, not UTF-8" in joined
    assert "broken.md: skipped, front matter is not valid YAML" in joined
    assert "secret.md: skipped, audience must be 'public' or 'internal'" in joined
    assert "empty.md: skipped, no text to index" in joined
    assert "image.png" not in joined


def test_missing_or_empty_knowledge_dir_is_a_clear_error(tmp_path, embeddings):
    from indexer.build import build_index

    settings = make_settings(tmp_path / "data", tmp_path / "nowhere")
    with pytest.raises(KnowledgeError, match="does not exist"):
        build_index(settings, embeddings=embeddings)
    (tmp_path / "empty").mkdir()
    with pytest.raises(KnowledgeError, match="no documents to index"):
        build_index(settings, knowledge_dir=tmp_path / "empty", embeddings=embeddings)
