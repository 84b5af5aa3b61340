"""How the web chat looks to a person, in headless Chromium at a phone's width (360 px) and a desktop's
(1280 px): screenshots (kept under the test's tmp dir, or WEB_CHAT_SCREENSHOTS when set), layout
facts measured in the page (nothing wider than the screen, the controls on screen, the question box
always reachable), visible keyboard focus, the greeting's suggestions, and axe-core (bundled by the
PyPI package axe-playwright-python) finding no serious or critical violation."""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

import pytest

from bot.answer import Escalation
from tests.customers.chromium import chromium  # noqa: F401  (fixture)
from tests.customers.conftest import SUPPORT_CHANNEL

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(360, 740), (1280, 800)]
CHAT_HTML = ROOT / "bot" / "web" / "static" / "chat.html"


@pytest.fixture
def chat(start_service, recording_assistant):
    return start_service(recording_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL,
                         KNOWLEDGE_DIR=str(ROOT / "knowledge"))


def screenshot(page, tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("WEB_CHAT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    width, height = struct.unpack(">II", path.read_bytes()[16:24])  # the PNG's IHDR
    assert (width, height) == (page.viewport_size["width"], page.viewport_size["height"])
    return path


def overflowing(page) -> list[str]:
    """Elements reaching past the right edge of the window (and the page's own horizontal scroll)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth, out = [];
        if (document.documentElement.scrollWidth > width) out.push("page scrolls sideways: " +
            document.documentElement.scrollWidth + " > " + width);
        for (const node of document.querySelectorAll("main *")) {
            const box = node.getBoundingClientRect();
            if (box.width && (box.right > width + 0.5 || box.left < -0.5))
                out.push(node.tagName + "." + node.className + " " + Math.round(box.left) + ".." + Math.round(box.right));
        }
        return out;
    }""")


def assert_on_screen(page, locator) -> None:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None, f"{locator} is not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], f"{locator} is cut at the sides: {box}"
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], f"{locator} is off screen: {box}"


@pytest.mark.parametrize("width, height", SIZES, ids=[f"{w}px" for w, _ in SIZES])
def test_the_chat_fits_the_screen_from_phone_to_desktop(chat, recording_assistant, chromium, tmp_path, width, height):
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": width, "height": height})
    page.goto(chat.url + "/")
    # The greeting: the assistant's name, what it does, the full policy, suggestions, Contact support.
    expect(page.get_by_role("heading", name="Kimss Privacy Assistant")).to_be_visible()
    expect(page.get_by_text("Hi, I'm the Kimss Privacy Assistant.")).to_be_visible()
    suggestions = page.get_by_role("group", name="Try asking").get_by_role("button")
    expect(suggestions).to_have_count(4)
    for control in [page.get_by_role("heading", name="Kimss Privacy Assistant"),
                    page.get_by_role("button", name="Contact support"),
                    page.get_by_role("link", name="Privacy Policy, updated April 30, 2026"),
                    *[suggestions.nth(i) for i in range(4)],
                    page.get_by_label("Your question"), page.get_by_role("button", name="Ask")]:
        assert_on_screen(page, control)
    assert overflowing(page) == []
    screenshot(page, tmp_path, f"greeting-{width}")

    # A suggestion asks at once; the answer, its source link and 👍/👎 show, the question box stays put.
    first = suggestions.first.inner_text()
    suggestions.first.click()
    answer = page.get_by_role("article", name="Answer")
    expect(answer).to_contain_text("safeguards")
    assert recording_assistant.asked == [(first, "customer")]
    expect(page.get_by_role("group", name="Try asking")).to_have_count(0)
    for control in [answer.get_by_role("link", name=re.compile("Security Measures")),
                    answer.get_by_role("button", name="Helpful", exact=True),
                    answer.get_by_role("button", name="Not helpful", exact=True),
                    page.get_by_label("Your question"), page.get_by_role("button", name="Ask")]:
        control.scroll_into_view_if_needed()
        assert_on_screen(page, control)
    assert overflowing(page) == []
    screenshot(page, tmp_path, f"answer-{width}")

    # A long word-less question (a pasted token, a URL) must not push the page sideways either.
    page.get_by_label("Your question").fill("x" * 300)
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("article", name="Answer")).to_have_count(2)
    assert overflowing(page) == []

    page.get_by_role("button", name="Contact support").click()
    panel = page.get_by_role("region", name="Contact support")
    for control in [panel.get_by_label("Email (optional, so they can reach you)"),
                    panel.get_by_role("button", name="Send to the privacy team"),
                    page.get_by_label("Your question")]:
        assert_on_screen(page, control)
    assert overflowing(page) == []
    screenshot(page, tmp_path, f"support-{width}")


def test_keyboard_focus_is_always_visible(chat, chromium):
    """Tab through the whole page: every stop is a control a person needs, and each shows a 3 px outline."""
    page = chromium.new_page(viewport={"width": 360, "height": 740})
    page.goto(chat.url + "/")
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => {
            const node = document.activeElement, style = getComputedStyle(node);
            return {name: (node.getAttribute("aria-label") || node.textContent || node.id).trim(),
                    tag: node.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }""")
        if stop["tag"] == "BODY":
            break
        stops.append(stop)
    names = [s["name"] for s in stops]
    assert names[:3] == ["Contact support", "Privacy Policy, updated April 30, 2026",
                         "What information do you collect about me?"]
    assert "question" in names and "Ask" in names  # the textarea (by id), then its button
    invisible = [s for s in stops if s["outline"] == "none" or s["width"] < 2]
    assert invisible == []


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in results.response["violations"]]


@pytest.mark.parametrize("width, height", SIZES, ids=[f"{w}px" for w, _ in SIZES])
def test_axe_finds_no_serious_or_critical_violation(chat, recording_assistant, chromium, width, height):
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": width, "height": height})
    page.goto(chat.url + "/")
    found = {"greeting": axe_violations(page)}
    page.get_by_label("Your question").fill("How is my data protected?")
    page.get_by_label("Your question").press("Enter")
    expect(page.get_by_role("article", name="Answer")).to_be_visible()
    page.get_by_role("button", name="Not helpful", exact=True).click()
    expect(page.get_by_role("button", name="Ask the privacy team")).to_be_visible()
    recording_assistant.escalation = Escalation("data_request")  # an answer with a reference, too
    page.get_by_label("Your question").fill("Please delete my data")
    page.get_by_label("Your question").press("Enter")
    expect(page.locator("[data-reference]")).to_have_count(1)
    page.get_by_role("button", name="Contact support").click()
    found["answers and support panel"] = axe_violations(page)
    for state, violations in found.items():
        print(f"axe {width}px {state}: {violations or 'no violations'}")
    serious = {state: [v for v in violations if v["impact"] in ("serious", "critical")]
               for state, violations in found.items()}
    assert serious == {state: [] for state in found}


def test_the_suggested_questions_are_answered_from_the_policy(shipped_assistant):
    """Each suggestion is a question the real assistant answers (covered, quoted, no hand-off)."""
    suggestions = re.findall(r'<button type="button" class="suggestion">([^<]+)</button>', CHAT_HTML.read_text())
    assert 3 <= len(suggestions) <= 4
    for question in suggestions:
        answer = shipped_assistant.ask(question, audience="customer")
        # "How can I contact the privacy team?" is a process question: answered, with the hand-off offered (issue 10).
        assert answer.covered and answer.citations and answer.escalation is None and not answer.escalates, question
