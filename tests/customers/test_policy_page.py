"""The full policy behind the chat's "Full policy" link: /policy renders the public documents of
knowledge/ as a page (escaped, with the citations' anchors), never an internal one; a published
`url` in front matter wins; SUPPORT_URL and citations become links only when they are safe."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.answer import Answer, Citation
from tests.customers.chromium import chromium  # noqa: F401  (fixture)
from tests.slack.fakes import FakeAssistant

ROOT = Path(__file__).resolve().parents[2]
CANARY = "ZEBRA-RUNBOOK-7731"
RUNBOOK = f"""---
title: Incident Runbook
audience: internal
---
# Incident Runbook

## Paging
On-call engineers page {CANARY} before touching customer data.
"""
MARKUP = '## Cookies <img src=x onerror="window.__xss=1">\n\nWe set <script>window.__xss=2</script> no cookies.\n'


@pytest.fixture
def knowledge(tmp_path) -> Path:
    directory = tmp_path / "knowledge"
    directory.mkdir()
    shutil.copy(ROOT / "knowledge" / "privacy-policy.md", directory)
    (directory / "runbook.md").write_text(RUNBOOK)
    return directory


class UnpublishedPolicyAssistant(FakeAssistant):
    """Cites Security Measures of a policy that has no published url (the shipped one's case)."""

    def ask(self, question: str, audience: str = "employee") -> Answer:
        answer = super().ask(question, audience)
        citation = Citation(1, "privacy-policy.md", "Privacy Policy", "Security Measures", "…", None, "2026-04-30", .7)
        return Answer(answer.question, answer.answer, True, .9, audience, [citation])


def test_the_policy_page_shows_the_public_policy_with_section_anchors(start_service, knowledge):
    service = start_service(FakeAssistant(), KNOWLEDGE_DIR=str(knowledge))
    index = service.http.get("/policy", follow_redirects=False)
    assert index.status_code == 302 and index.headers["location"] == "/policy/privacy-policy"
    page = service.http.get("/policy/privacy-policy")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<h1 id="top">Privacy Policy</h1>' in page.text and "Last updated April 30, 2026" in page.text
    assert re.search(r'<section id="security-measures"[^>]*>\s*<h2[^>]*>Security Measures</h2>', page.text)
    assert "<li>Providing access to Kimss AI features, workspaces, agents, and account settings.</li>" in page.text
    policy_text = (ROOT / "knowledge" / "privacy-policy.md").read_text()
    assert "Kimss AI applies administrative, technical, and organizational safeguards" in policy_text
    assert "Kimss AI applies administrative, technical, and organizational safeguards" in page.text


def test_internal_documents_are_never_served(start_service, knowledge):
    service = start_service(FakeAssistant(), KNOWLEDGE_DIR=str(knowledge))
    runbook = service.http.get("/policy/runbook")
    missing = service.http.get("/policy/no-such-document")
    assert runbook.status_code == missing.status_code == 404 and runbook.text == missing.text
    for path in ("/", "/policy/privacy-policy", "/policy/runbook"):
        assert CANARY not in service.http.get(path, follow_redirects=True).text
    # With two public documents /policy lists them, and still not the internal one.
    (knowledge / "cookies.md").write_text("---\ntitle: Cookie Notice\n---\n# Cookie Notice\n\n## Cookies\n\nNone.\n")
    listing = service.http.get("/policy")
    assert listing.status_code == 200 and "Cookie Notice" in listing.text and "Incident Runbook" not in listing.text


def test_document_text_is_escaped_on_the_page(start_service, knowledge, chromium):
    policy = knowledge / "privacy-policy.md"
    policy.write_text(policy.read_text() + "\n" + MARKUP)
    service = start_service(FakeAssistant(), KNOWLEDGE_DIR=str(knowledge))
    page = chromium.new_page()
    page.goto(service.url + "/policy/privacy-policy")
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.get_by_role("heading", name='Cookies <img src=x onerror="window.__xss=1">').is_visible()


def test_the_chat_links_the_full_policy_and_unpublished_citations_to_this_page(start_service, knowledge, chromium):
    from playwright.sync_api import expect

    service = start_service(UnpublishedPolicyAssistant(), KNOWLEDGE_DIR=str(knowledge))
    page = chromium.new_page()
    page.goto(service.url + "/")
    full = page.get_by_role("link", name="Privacy Policy, updated April 30, 2026")
    expect(full).to_have_attribute("href", "/policy/privacy-policy")
    page.get_by_label("Your question").fill("How is my data protected?")
    page.get_by_label("Your question").press("Enter")
    citation = page.get_by_role("link", name="Security Measures — Privacy Policy, updated April 30, 2026")
    expect(citation).to_have_attribute("href", "/policy/privacy-policy#security-measures")
    with page.context.expect_page() as new_tab:  # the policy opens in a new tab, at the cited section
        citation.click()
    policy_tab = new_tab.value
    policy_tab.wait_for_load_state()
    assert policy_tab.url.endswith("/policy/privacy-policy#security-measures")
    expect(policy_tab.get_by_role("heading", name="Security Measures")).to_be_in_viewport()


def test_a_published_url_wins_over_the_page(start_service, knowledge):
    policy = knowledge / "privacy-policy.md"
    policy.write_text(policy.read_text().replace('url: ""', 'url: "https://kimss.example/privacy"'))
    service = start_service(FakeAssistant(), KNOWLEDGE_DIR=str(knowledge))
    page = service.http.get("/").text
    assert '<a id="policy-link" href="https://kimss.example/privacy">Privacy Policy, updated April 30, 2026</a>' in page


def test_no_public_document_means_no_policy_link(start_service, tmp_path):
    empty = tmp_path / "empty-knowledge"
    empty.mkdir()
    service = start_service(FakeAssistant(), KNOWLEDGE_DIR=str(empty))
    assert 'id="policy-link"' not in service.http.get("/").text
    assert service.http.get("/policy").status_code == 404


@pytest.mark.parametrize("support_url, linked", [
    ("https://help.kimss.example/privacy", True), ("/app/support", True),
    ("javascript:alert(1)", False), ("//evil.example/x", False),
])
def test_support_url_is_a_link_only_when_safe(start_service, knowledge, support_url, linked):
    service = start_service(FakeAssistant(), KNOWLEDGE_DIR=str(knowledge), SUPPORT_URL=support_url)
    page = service.http.get("/").text
    assert (f'<a class="support-link" href="{support_url}">{support_url}</a>' in page) is linked
    assert f'href="{support_url}"' in page if linked else f'href="{support_url}"' not in page
