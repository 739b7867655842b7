"""The page at /, in a real browser: `rehabgraph serve`, then headless Chromium from the
distribution's packages (``apt-get install chromium``; `.ci/run` installs it) driven by
Playwright, as a person would use it: by mouse, by keyboard alone, and with a red flag.

Screenshots go to build/screenshots/ (test artefacts, not committed). Without Chromium or
Playwright the tests skip, except in CI (``REHABGRAPH_CI=1``), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlparse

import pytest

SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTER_KNEE = "right outer knee"
PLAN = "Your exercise plan"


def _missing(why: str) -> NoReturn:
    if os.environ.get("REHABGRAPH_CI") == "1":
        pytest.fail(f"{why} (REHABGRAPH_CI=1: the browser test must run)")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`rehabgraph serve` on a free port, as a person starts it."""
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rehabgraph",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("rehabgraph serve did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _missing("no Chromium: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing('no Playwright: pip install ".[test]"')
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


class Visit:
    """One browser tab on the service, recording every request it makes and every script
    error it meets."""

    def __init__(self, browser: Any, url: str) -> None:
        self.url = url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url[:-1])
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._only_the_service)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _only_the_service(self, route: Any) -> None:
        """Record each request; anything not for the service is refused, and fails the test."""
        self.requests.append(route.request.url)
        if urlparse(route.request.url).scheme in {"blob", "data"} or route.request.url.startswith(
            self.url
        ):
            route.continue_()
        else:
            route.abort()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def offline(self) -> None:
        """Every request stayed on the service (nothing from a CDN, no fonts, no telemetry)."""
        away = [
            u for u in self.requests if not u.startswith(self.url) and not u.startswith("blob:")
        ]
        assert not away, away
        assert self.requests, "no request was recorded"
        assert not self.errors, self.errors

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, server: str) -> Iterator[Visit]:
    v = Visit(browser, server)
    try:
        yield v
    finally:
        v.close()


_CONTRAST = """() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const bad = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || getComputedStyle(el).visibility === "hidden") continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color);
    const bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const px = parseFloat(style.fontSize);
    const large = px >= 24 || (Number(style.fontWeight) >= 700 && px >= 18.66);
    if (el.closest("svg") && !el.closest("svg").classList.contains("body-map")) continue;
    const text = el.textContent.trim().slice(0, 50);
    if (ratio < (large ? 3 : 4.5)) bad.push(`${el.tagName} ${ratio.toFixed(2)}: ${text}`);
  }
  return bad;
}"""

_UNNAMED = """() => [...document.querySelectorAll(
    "button, input, select, textarea, summary, a[href], [role=button], [tabindex='0']")]
  .filter((el) => el.getClientRects().length)
  .filter((el) => !((el.getAttribute("aria-label") || "")
    + (el.labels ? [...el.labels].map((l) => l.textContent).join(" ") : "")
    + (el.getAttribute("aria-labelledby") ? "x" : "")
    + el.textContent).trim())
  .map((el) => el.outerHTML.slice(0, 120))"""


def _accessible(page: Any) -> None:
    """Every control has a name; every visible text meets WCAG AA contrast."""
    assert page.evaluate(_UNNAMED) == []
    assert page.evaluate(_CONTRAST) == []


def _answer_all(page: Any, yes_to: str | None = None, *, keyboard: bool = False) -> list[str]:
    """Answer the questions as they come, "no" (or "yes" to ``yes_to``); the ids asked."""
    asked: list[str] = []
    for number in range(1, 60):
        page.wait_for_function(
            "() => document.getElementById('question-number') || "
            "!document.querySelector('[data-question-id]') && document.querySelector('h2')"
        )
        question = page.locator("[data-question-id]")
        if not question.count():
            return asked
        qid = question.get_attribute("data-question-id")
        asked.append(qid)
        answer = "Yes" if qid == yes_to else "No"
        assert page.locator("#question-number").inner_text() == f"Question {number}"
        if keyboard:  # the question's text has the focus: Tab to Yes, again to No
            assert page.evaluate("document.activeElement.id") == "question-text"
            page.keyboard.press("Tab")
            if answer == "No":
                page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == answer
            page.keyboard.press("Enter")
        else:
            page.get_by_role("button", name=answer, exact=True).click()
        page.wait_for_function(
            "n => { const q = document.getElementById('question-number');"
            " return !q || q.textContent !== `Question ${n}`; }",
            arg=number,
        )
    pytest.fail("more than 60 questions")


def _picture_loaded(page: Any, selector: str) -> None:
    image = page.locator(selector)
    image.wait_for()
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i?.complete && i.naturalWidth > 0; }",
        arg=selector,
    )


def _browse_to_vastus_lateralis(visit: Visit) -> None:
    """From the plan to the knowledge browser, to the vastus lateralis: its referral to the
    outer knee with its evidence and sources, its own sources, its neighbourhood picture."""
    page = visit.page
    page.get_by_role("link", name="Browse the knowledge").click()
    page.get_by_role("heading", name="The knowledge", level=2).wait_for()
    page.get_by_label("Find an entry by name").fill("vastus lateralis")
    visit.shot("4-the-knowledge")
    page.locator("details[data-kind='muscle']").get_by_role(
        "link", name="vastus lateralis", exact=True
    ).click()
    page.get_by_role("heading", name="vastus lateralis", level=2).wait_for()
    referral = (
        page.locator("table.links tr")
        .filter(has_text="refers pain to")
        .filter(has_text="outer knee")
    )
    assert referral.count() == 1
    assert "Myofascial Pain and Dysfunction" in referral.inner_text()
    assert "textbook" in referral.inner_text()  # the referral's evidence level
    assert (
        "Quadratus Vastus Medialis (VMO) (article)" in page.locator("ul.source-list").inner_text()
    )
    assert page.get_by_text("Evidence level: article.").is_visible()
    _picture_loaded(page, "figure.picture img")
    _accessible(page)
    visit.shot("5-vastus-lateralis")

    referral.get_by_role("link", name="outer knee").click()
    page.get_by_role("heading", name="outer knee", level=2).wait_for()
    assert page.locator("table.links").filter(has_text="vastus lateralis").count() == 1


def test_outer_knee_plan_and_its_knowledge(visit: Visit) -> None:
    """Click the right outer knee, answer every question no, read the plan with its pictures;
    then browse to the vastus lateralis and see its referral and sources."""
    page = visit.page
    page.goto(visit.url)
    knee = page.get_by_role("button", name=OUTER_KNEE, exact=True)
    knee.click()
    assert knee.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("checkbox", name=OUTER_KNEE, exact=True).is_checked()
    assert "You chose: right outer knee." in page.locator("#chosen").inner_text()
    _accessible(page)
    visit.shot("1-where-it-hurts")

    page.get_by_role("button", name="Next: safety questions").click()
    page.locator("#question-number").wait_for()
    visit.shot("2-a-safety-question")
    asked = _answer_all(page)
    assert "knee-injury" in asked  # the knee's questions were asked, one at a time

    page.get_by_role("heading", name=PLAN, level=2).wait_for()
    exercises = page.locator("ol.exercises > li")
    names = [exercises.nth(i).locator("h4").inner_text() for i in range(exercises.count())]
    assert any(n.startswith("VMO step-down (right side)") for n in names), names
    step_down = exercises.filter(has=page.locator("h4", has_text="VMO step-down"))
    assert "Stop if:" in step_down.inner_text()
    assert "Dose:" in step_down.inner_text()
    why = step_down.locator(".why").first.inner_text()
    assert "vastus lateralis" in why and "tight-muscle-refers-pain" in why
    assert "Sources:" in why
    assert page.get_by_role("note").filter(has_text="not a diagnosis").first.is_visible()
    assert "Myofascial Pain and Dysfunction" in page.locator("ol.source-list").inner_text()
    _picture_loaded(page, "img[alt^='Why this plan']")
    _picture_loaded(page, "img[alt^='A body map']")
    page.get_by_text("The JSON an app would store").click()
    assert '"status": "exercise"' in page.locator("pre.json").inner_text()
    page.get_by_role("button", name="Copy the JSON").click()
    page.wait_for_function("() => document.getElementById('status').textContent.includes('copied')")
    assert '"vmo-step-down"' in page.evaluate("navigator.clipboard.readText()")
    _accessible(page)
    visit.shot("3-the-plan")

    _browse_to_vastus_lateralis(visit)
    visit.offline()


def test_keyboard_alone(visit: Visit) -> None:
    """Tab to the right outer knee on the map, Enter; Tab on and answer every question."""
    page = visit.page
    page.goto(visit.url)
    page.get_by_role("button", name=OUTER_KNEE, exact=True).wait_for()
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == OUTER_KNEE:
            break
    else:
        pytest.fail("Tab never reached the right outer knee")
    visit.shot("6-keyboard-focus-on-the-knee")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    page.keyboard.press(" ")  # Space toggles too
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "false"
    page.keyboard.press("Enter")
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Next: safety questions":
            break
    else:
        pytest.fail("Tab never reached the Next button")
    page.keyboard.press("Enter")
    page.locator("#question-number").wait_for()
    _answer_all(page, keyboard=True)
    page.get_by_role("heading", name=PLAN, level=2).wait_for()
    assert page.evaluate("document.activeElement.textContent") == PLAN  # focus moved to it
    assert page.locator("ol.exercises").filter(has_text="VMO step-down").count() == 1
    visit.offline()


def test_a_red_flag_refers_with_no_exercises(visit: Visit) -> None:
    """From the list this time: a hot, swollen knee answered yes gives a referral, no plan."""
    page = visit.page
    page.goto(visit.url)
    page.get_by_role("checkbox", name=OUTER_KNEE, exact=True).check()
    assert (
        page.get_by_role("button", name=OUTER_KNEE, exact=True).get_attribute("aria-pressed")
        == "true"
    )
    page.get_by_role("button", name="Next: safety questions").click()
    asked = _answer_all(page, yes_to="hot-swollen-joint")
    assert asked[-1] == "hot-swollen-joint"
    page.get_by_role("heading", name="See a clinician first", level=2).wait_for()
    alert = page.locator("section.referral[role='alert']")
    assert "No exercises are suggested" in alert.inner_text()
    assert "Sources:" in alert.inner_text()
    assert page.locator("ol.exercises").count() == 0
    assert page.get_by_role("note").filter(has_text="not a diagnosis").first.is_visible()
    page.get_by_text("The JSON an app would store").click()
    assert '"status": "refer"' in page.locator("pre.json").inner_text()
    _accessible(page)
    visit.shot("7-a-red-flag")
    visit.offline()


def test_nothing_chosen_says_so(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.url)
    page.get_by_role("button", name="Next: safety questions").click()
    assert "Choose at least one place" in page.get_by_role("alert").inner_text()
    visit.offline()


def test_an_entry_of_every_kind_opens(visit: Visit) -> None:
    """The first entry of each kind in the index opens, named, readable, with no script error."""
    import httpx

    page = visit.page
    index = httpx.get(f"{visit.url}knowledge", timeout=10).json()
    for kind in index["kinds"]:
        first = kind["entries"][0]
        page.goto(f"{visit.url}#/knowledge/{kind['kind']}/{first['id']}")
        page.get_by_role("heading", name=first["name"], level=2, exact=True).wait_for()
        assert page.locator("nav.crumbs").inner_text().endswith(first["name"])
        _accessible(page)
    visit.offline()
