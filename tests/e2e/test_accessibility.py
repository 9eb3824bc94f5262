"""axe-core on every page type: no serious or critical WCAG 2.2 A/AA violation."""

import pytest

from tests import factories
from tests.e2e.conftest import AXE_SCRIPT, axe_violations, log_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not AXE_SCRIPT.exists(), reason="axe-core is not installed: run `npm ci` (.ci/run does)"
    ),
]

RESPONDENT_PAGES = [
    "/assessments/",
    "/assessments/{draft}/",
    "/assessments/{draft}/sections/data-management/",
    "/assessments/{draft}/sections/pipeline-grid/",
    "/assessments/{draft}/review/",
    "/assessments/{submitted}/results/",
    "/team/",
]


@pytest.mark.parametrize(
    "path", ["/", "/signup/", "/login/", "/?stage=exploring&repeated_use=no&needs_upkeep=no"]
)
def test_public_pages_have_no_serious_accessibility_violations(bank, new_page, path):
    page = new_page(bypass_csp=True)
    page.goto(path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", RESPONDENT_PAGES)
def test_respondent_pages_have_no_serious_accessibility_violations(
    assessments, new_page, path, width
):
    page = new_page(width=width, bypass_csp=True)
    log_in(page, "alice@acme.example", factories.PASSWORD)
    page.goto(path.format(**assessments))
    assert axe_violations(page) == []


def test_a_page_with_errors_has_no_serious_accessibility_violations(assessments, new_page):
    page = new_page(bypass_csp=True)
    log_in(page, "alice@acme.example", factories.PASSWORD)
    page.goto("/assessments/{draft}/sections/data-management/".format(**assessments))
    page.locator("textarea").first.evaluate("e => e.closest('details').open = true")
    page.locator("textarea").first.fill("a comment without an answer")
    page.click("text=Save and continue")
    assert "need" in page.content()
    assert axe_violations(page) == []


def test_the_admin_changelist_has_no_serious_accessibility_violations(
    assessments, consultant, new_page
):
    page = new_page(bypass_csp=True)
    page.goto("/admin/login/")
    page.fill("#id_username", consultant.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/assessment/assessment/")
    assert axe_violations(page) == []
