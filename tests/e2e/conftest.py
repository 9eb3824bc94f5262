"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

They are skipped, with the reason, where Chromium or Playwright is missing; `.ci/run`
installs Chromium so that CI always runs them.
"""

import os
import shutil
from pathlib import Path

import pytest

from assessment import services
from assessment.models import Question
from tests import factories

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def pytest_collection_modifyitems(config, items):
    reason = None
    if sync_playwright is None:
        reason = "Playwright for Python is not installed (make install installs it)"
    elif CHROMIUM is None:
        reason = "Chromium is not installed: apt-get install chromium (.ci/run does this)"
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous and safe. Set only while a browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(width: int = 1280, javascript: bool = True, bypass_csp: bool = False):
        # bypass_csp only lets the accessibility checker inject axe-core into the page.
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
            base_url=live_server.url,
            accept_downloads=True,
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def assessments(org_a, alice, bank):
    """A submitted assessment, every question answered with a comment, and a draft after it
    (ids by "submitted" and "draft"), for tests that visit every page type."""
    submitted = factories.make_assessment(organisation=org_a, bank=bank, title="Last year")
    for index, question in enumerate(Question.objects.filter(component__section__bank=bank)):
        factories.answer(submitted, question.slug, index % 5, comment="Evidence: runbook v2")
    submitted = services.submit_assessment(assessment=submitted, user=alice)
    draft = factories.make_assessment(organisation=org_a, bank=bank, title="This year")
    factories.answer(draft, "data-lineage", 2)
    return {"draft": draft.pk, "submitted": submitted.pk}


def log_in(page, email: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def answer_section(page, level: int) -> None:
    """Choose the option at `level` (0–4) for every question shown on the section page."""
    for question in page.locator("fieldset.question").all():
        question.locator("input[type=radio]").nth(level).check()
    for row in page.locator("table.grid-table tbody tr").all():
        row.locator("input[type=radio]").nth(level).check()


def screenshot(page, name: str) -> None:
    if SCREENSHOTS_DIR:
        Path(SCREENSHOTS_DIR).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(SCREENSHOTS_DIR) / f"{name}-{width}.png"), full_page=True)


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations against WCAG 2.x A and AA."""
    page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def horizontal_overflow(page) -> list[str]:
    """Elements sticking out of the viewport, if the page itself scrolls sideways.

    A wide table inside its own scrolling container does not count: the page does not move.
    """
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            if (root.scrollWidth <= root.clientWidth) return [];
            return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
                .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className);
        }"""
    )
