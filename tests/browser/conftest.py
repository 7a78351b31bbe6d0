"""Real headless Chromium (Debian's /usr/bin/chromium, never a downloaded one) driving the
staff pages on pytest-django's live server, through Playwright's sync API.

One browser per module, a fresh context (cookies, viewport) per test. Without Chromium or
Playwright the browser tests skip, unless CRM_REQUIRE_SERVICES=1 (CI installs Chromium):
then they fail. Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import services_required

# Playwright's sync API keeps an asyncio loop in this thread; Django then refuses ORM calls
# from the test itself unless told that they are safe (they are: the loop never runs Django).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "demo"  # DEMO_PASSWORD's default, which the test settings keep
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    reason = _unavailable()
    if reason:
        if services_required():
            pytest.fail(f"CRM_REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live server's address, the demo organisation loaded."""
    from crm.demo import load_demo

    load_demo()
    return live_server.url


@pytest.fixture
def new_context(browser):
    """``new_context(viewport=DESKTOP)``: a fresh browser profile, closed after the test."""
    contexts = []

    def make(viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def shot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page, site: str, username: str = "MPAdministrator", *, before=None) -> None:
    """Through the sign-in form, from a staff page; lands on My queue."""
    page.goto(site + "/requests/")
    assert page.url.startswith(site + "/accounts/login/?next=/requests/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    if before:
        before(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/requests/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "My queue"


# Every visible input, select and textarea without a label or an accessible name.
UNLABELLED_JS = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden')
  .filter(el => {
    const labelled = Array.from(el.labels || []).some(l => l.textContent.trim());
    return !labelled && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby');
  })
  .map(el => el.name || el.id || el.outerHTML)"""
# aria-describedby pointing at ids that are not on the page.
DANGLING_JS = """() => Array.from(document.querySelectorAll('[aria-describedby]'))
  .flatMap(el => el.getAttribute('aria-describedby').split(/\\s+/)
    .filter(id => !document.getElementById(id)).map(id => `${el.name} -> ${id}`))"""
# Labels pointing at nothing (a group of checkboxes needs a fieldset and legend instead).
ORPHAN_LABELS_JS = """() => Array.from(document.querySelectorAll('label[for]'))
  .filter(l => !l.htmlFor || !document.getElementById(l.htmlFor))
  .map(l => l.textContent.trim())"""
OVERFLOW_JS = """() => {
  const root = document.scrollingElement;
  return {scroll: root.scrollWidth, client: root.clientWidth};
}"""


def assert_labelled(page) -> None:
    """Every form control has a label (or an accessible name), every label and description
    points at something, and the one stylesheet and htmx are loaded."""
    assert page.evaluate(UNLABELLED_JS) == [], page.url
    assert page.evaluate(DANGLING_JS) == [], page.url
    assert page.evaluate(ORPHAN_LABELS_JS) == [], page.url
    assert page.evaluate("() => document.styleSheets[0].cssRules.length") > 50
    assert page.evaluate("() => typeof window.htmx") == "object"


def assert_no_horizontal_overflow(page) -> None:
    sizes = page.evaluate(OVERFLOW_JS)
    assert sizes["scroll"] <= sizes["client"] + 1, (page.url, sizes)
