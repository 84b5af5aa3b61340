"""The web chat page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
and its endpoints over HTTP: session, same-origin, headers, WEB_CHAT_ENABLED."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.answer import Escalation
from tests.customers.chromium import chromium  # noqa: F401  (fixture)
from tests.customers.conftest import SUPPORT_CHANNEL
from tests.escalation.conftest import records, wait_support_posts
from tests.slack.fakes import POLICY_URL
from tests.slack.harness import SUPPORT_URL

XSS = '<img src=x onerror="window.__xss = 1">'


@pytest.fixture
def chat(start_service, recording_assistant):
    return start_service(recording_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)


@pytest.fixture
def browser(chromium):
    return chromium  # Debian's chromium under Playwright, launched once per module (tests/customers/chromium.py)


def test_ask_see_the_cited_answer_and_contact_support_in_chromium(chat, standin, recording_assistant, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(chat.url + "/")
    expect(page).to_have_title("Kimss AI privacy questions")

    # Keyboard only: Tab reaches the labelled box, Enter sends.
    question = page.get_by_label("Your question")
    tab_to(page, question)
    page.keyboard.type("How is my data protected?")
    page.keyboard.press("Enter")

    answer = page.get_by_role("article", name="Answer")
    expect(answer).to_contain_text("administrative, technical, and organizational safeguards")
    link = answer.get_by_role("link", name="Security Measures — Privacy Policy, updated April 30, 2026")
    expect(link).to_have_attribute("href", f"{POLICY_URL}#security-measures")
    expect(answer.locator("blockquote")).to_have_count(1)
    assert recording_assistant.asked == [("How is my data protected?", "customer")]

    # Contact support, the conversation's one action: the hand-off is recorded, posted to the support
    # channel, and its reference shown. No form sits under the answer.
    expect(answer.get_by_role("button", name="Contact support")).to_have_count(0)
    page.get_by_role("button", name="Contact support").click()
    panel = page.get_by_role("region", name="Contact support")
    email = panel.get_by_label("Email (optional, so they can reach you)")
    expect(email).to_be_focused()
    page.keyboard.type("pat@acme.example")
    page.keyboard.press("Tab")
    expect(panel.get_by_role("button", name="Send to the privacy team")).to_be_focused()
    page.keyboard.press("Enter")
    reference = panel.locator("[data-reference]")
    expect(reference).to_contain_text("Reference: PRV-")
    shown = reference.get_attribute("data-reference")
    [record] = records(chat.settings)
    assert record.reference == shown and record.audience == "customer" and record.asker.email == "pat@acme.example"
    assert record.reply_to.kind == "web" and record.question == "How is my data protected?"
    [post] = wait_support_posts(standin)
    assert shown in post.dump()
    expect(page.get_by_role("status")).to_contain_text(shown)
    # SUPPORT_URL in the acknowledgement is a link.
    expect(panel.locator("[data-reference] + p").get_by_role("link", name=SUPPORT_URL)).to_have_attribute(
        "href", SUPPORT_URL)
    # Escape closes the panel and gives focus back to the button that opened it.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(page.get_by_role("button", name="Contact support")).to_be_focused()
    assert errors == []


def tab_to(page, locator, limit: int = 20) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_question_and_answer_text_are_never_parsed_as_html(chat, recording_assistant, browser):
    from playwright.sync_api import expect

    recording_assistant.echo = True  # the answer repeats the question, markup and all
    page = browser.new_page()
    page.goto(chat.url + "/")
    page.get_by_label("Your question").fill(XSS)
    page.get_by_role("button", name="Ask").click()
    answer = page.get_by_role("article", name="Answer")
    expect(answer).to_contain_text(XSS)
    expect(page.locator("#log img")).to_have_count(0)
    assert page.evaluate("window.__xss") is None


def test_an_answer_that_escalates_shows_its_reference_at_once(chat, recording_assistant, browser):
    from playwright.sync_api import expect

    recording_assistant.escalation = Escalation("data_request")
    page = browser.new_page()
    page.goto(chat.url + "/")
    page.get_by_label("Your question").fill("Please delete my data")
    page.get_by_label("Your question").press("Enter")
    answer = page.get_by_role("article", name="Answer")
    expect(answer.locator("[data-reference]")).to_contain_text("PRV-")
    expect(answer.get_by_role("button", name="Contact support")).to_have_count(0)
    [record] = records(chat.settings)
    assert record.reason == "data_request" and answer.locator("[data-reference]").get_attribute(
        "data-reference") == record.reference


def test_the_page_works_inside_an_iframe_on_another_port(chat, browser):
    """Embedded as a support site would embed it (frame-ancestors '*' by default)."""
    from playwright.sync_api import expect

    host_page = f'<!doctype html><title>Support</title><iframe src="{chat.url}/" title="Privacy chat" ' \
                f'width="600" height="500"></iframe>'.encode()

    class Host(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(host_page)))
            self.end_headers()
            self.wfile.write(host_page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        frame = page.frame_locator('iframe[title="Privacy chat"]')
        frame.get_by_label("Your question").fill("How is my data protected?")
        frame.get_by_role("button", name="Ask").click()
        expect(frame.get_by_role("article", name="Answer")).to_contain_text("safeguards")
    finally:
        server.shutdown()
        server.server_close()


# ---- over HTTP ------------------------------------------------------------------------------------
def test_the_page_sets_a_signed_session_and_the_framing_policy(chat):
    page = chat.http.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors *" in csp and "script-src 'self'" in csp
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("kimss_chat=") and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Authorization" not in page.text and "token" not in page.text.lower()
    script = chat.http.get("/chat/static/chat.js").text
    assert "innerHTML" not in script and "textContent" in script


def test_the_chat_endpoints_need_the_session_and_the_same_origin(chat, recording_assistant):
    import httpx

    fresh = httpx.Client(base_url=chat.url)
    try:
        no_session = fresh.post("/chat/ask", json={"question": "Hi?"})
        assert no_session.status_code == 401 and no_session.json()["error"] == "no_session"
        with httpx.Client(base_url=chat.url, cookies={"kimss_chat": "abc.def"}) as forger:
            assert forger.post("/chat/ask", json={"question": "Hi?"}).status_code == 401
        fresh.get("/")  # now it has a session
        other_site = fresh.post("/chat/ask", json={"question": "Hi?"}, headers={"Origin": "https://evil.example"})
        assert other_site.status_code == 403
        form = fresh.post("/chat/ask", content=b"question=Hi", headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert form.status_code == 415
        assert recording_assistant.asked == []
        ok = fresh.post("/chat/ask", json={"question": "Hi?"}, headers={"Origin": chat.url})
        assert ok.status_code == 200 and ok.json()["audience"] == "customer"
        unknown = fresh.post("/chat/support", json={"answer_id": "not-mine"})
        assert unknown.status_code == 422
    finally:
        fresh.close()


def test_the_chat_is_rate_limited_per_session(start_service, recording_assistant):
    import httpx

    service = start_service(recording_assistant, API_RATE_PER_MINUTE="1")
    first, second = httpx.Client(base_url=service.url), httpx.Client(base_url=service.url)
    try:
        for client in (first, second):
            client.get("/")
        assert first.post("/chat/ask", json={"question": "One?"}).status_code == 200
        limited = first.post("/chat/ask", json={"question": "Two?"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert second.post("/chat/ask", json={"question": "Other visitor?"}).status_code == 200
    finally:
        first.close()
        second.close()


def test_web_chat_enabled_false_turns_the_page_off(start_service, recording_assistant):
    service = start_service(recording_assistant, WEB_CHAT_ENABLED="false", WEB_CHAT_FRAME_ANCESTORS="'self'")
    assert service.http.get("/").status_code == 404
    assert service.http.post("/chat/ask", json={"question": "Hi?"}).status_code == 404
    assert service.http.get("/healthz").status_code == 200


def test_frame_ancestors_comes_from_the_setting(start_service, recording_assistant):
    service = start_service(recording_assistant, WEB_CHAT_FRAME_ANCESTORS="https://support.kimss.example")
    csp = service.http.get("/").headers["content-security-policy"]
    assert csp.endswith("frame-ancestors https://support.kimss.example")


def test_the_static_files_ship_with_the_package():
    import tomllib

    import bot.web

    static = Path(bot.web.__file__).parent / "static"
    assert {p.name for p in static.iterdir()} >= {"chat.html", "chat.js", "chat.css"}
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert "static/*" in pyproject["tool"]["setuptools"]["package-data"]["bot.web"]
