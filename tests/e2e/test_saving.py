"""No way of leaving a section page loses what was typed on it: without JavaScript every
link off the page is a button that saves first; with it, answers are also saved in the
background, the page says when, and leaving while a save is pending or failed asks first."""

import re

import pytest
from playwright.sync_api import expect

from assessment.models import Answer, Assessment
from tests import factories
from tests.e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SAVED_AT = re.compile(r"^Saved at \d\d:\d\d$")


@pytest.fixture
def draft(org_a, alice, bank):
    return factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)


def open_section(page, assessment, slug="data-management"):
    log_in(page, "alice@acme.example", factories.PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/sections/{slug}/")


def lineage(page):
    return page.locator("fieldset.question", has_text="trace a production prediction")


def saved(assessment) -> dict:
    return {
        answer.question.slug: (answer.choice.level if answer.choice else answer.status)
        for answer in Answer.objects.filter(assessment=assessment).select_related(
            "question", "choice"
        )
    }


def test_without_javascript_the_breadcrumb_saves_before_leaving(draft, new_page):
    page = new_page(javascript=False)
    open_section(page, draft)
    lineage(page).locator("input[type=radio]").nth(2).check()
    page.get_by_role("navigation", name="Breadcrumb").get_by_text("Assessments").click()
    expect(page.locator("h1")).to_have_text("Acme Analytics")
    assert saved(draft) == {"data-lineage": 2}

    page.goto(f"/assessments/{draft.pk}/sections/data-management/")
    lineage(page).locator("input[type=radio]").nth(3).check()
    page.get_by_role("navigation", name="Breadcrumb").get_by_text(draft.title).click()
    expect(page.locator("h1")).to_contain_text(draft.title)
    assert saved(draft) == {"data-lineage": 3}


def test_without_javascript_the_top_navigation_saves_before_leaving(draft, new_page):
    page = new_page(javascript=False)
    open_section(page, draft)
    lineage(page).locator("input[type=radio]").nth(1).check()
    page.get_by_role("navigation", name="Main").get_by_text("Team").click()
    expect(page).to_have_url(re.compile(r"/team/$"))
    assert saved(draft) == {"data-lineage": 1}

    page.goto(f"/assessments/{draft.pk}/sections/data-management/")
    lineage(page).locator("textarea").evaluate("box => box.closest('details').open = true")
    lineage(page).locator("textarea").fill("Lineage is in the wiki")
    page.get_by_role("navigation", name="Main").get_by_text("Log out").click()
    expect(page.locator("body")).to_contain_text("Your answers are saved, and you are logged out.")
    assert Answer.objects.get(question__slug="data-lineage").comment == "Lineage is in the wiki"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_change_is_saved_in_the_background_and_the_page_says_when(draft, new_page, width):
    page = new_page(width=width)
    open_section(page, draft)
    status = page.locator("#save-status")
    lineage(page).locator("input[type=radio]").nth(2).check()
    expect(status).to_have_text(SAVED_AT)
    assert status.get_attribute("aria-live") == "polite"
    assert saved(draft) == {"data-lineage": 2}
    screenshot(page, "section-saved")

    # The page took the new revision: changing the answer again is no stale-page conflict,
    # in the background or by the button.
    lineage(page).locator("input[type=radio]").nth(4).check()
    expect(status).to_have_text(SAVED_AT)
    assert saved(draft) == {"data-lineage": 4}
    lineage(page).locator("input[type=radio]").nth(0).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text("Model lifecycle")
    assert saved(draft) == {"data-lineage": 0}


def test_leaving_while_a_save_is_pending_or_failed_asks_first(draft, new_page):
    page = new_page()
    open_section(page, draft)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    lineage(page).locator("input[type=radio]").nth(2).check()
    page.close(run_before_unload=True)  # within the save's delay: it is still pending
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed()
    expect(page.locator("#save-status")).to_have_text(SAVED_AT)

    # Saved: the page lets go without asking.
    page.evaluate("location.href = '/assessments/'")
    expect(page.locator("h1")).to_have_text("Acme Analytics")
    assert dialogs == ["beforeunload"]

    # A save the server refuses (the assessment was submitted meanwhile) keeps asking.
    page.goto(f"/assessments/{draft.pk}/sections/data-management/")
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)
    lineage(page).locator("input[type=radio]").nth(3).check()
    expect(page.locator("#save-status")).to_contain_text("can no longer be changed")
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload", "beforeunload"]
    assert saved(draft) == {"data-lineage": 2}


def test_a_comment_counts_its_characters_and_one_over_the_limit_is_refused_whole(draft, new_page):
    page = new_page()
    open_section(page, draft)
    box = lineage(page).locator("textarea")
    count = lineage(page).locator(".char-count")
    expect(count).to_have_text("Up to 4,000 characters")
    box.evaluate("box => box.closest('details').open = true")
    box.fill("Evidence in the runbook")
    expect(count).to_have_text("23 of 4,000 characters")
    lineage(page).locator("input[type=radio]").nth(1).check()
    expect(page.locator("#save-status")).to_have_text(SAVED_AT)

    pasted = "x" * 4010
    box.fill(pasted)  # as a paste: nothing cuts it
    expect(count).to_have_text("4,010 of 4,000 characters: 10 too many")
    expect(page.locator("#save-status")).to_contain_text("needs attention")
    assert Answer.objects.get(question__slug="data-lineage").comment == "Evidence in the runbook"
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text("this one has 4,010")
    assert lineage(page).locator("textarea").input_value() == pasted
    assert lineage(page).locator("details.comment-details").get_attribute("open") is not None


def test_enter_in_a_field_saves_and_stays_rather_than_following_the_header(draft, new_page):
    """Enter submits with the first button of the form in the page, and the header's
    buttons come first: a hidden plain "Save" button comes before them."""
    page = new_page(javascript=False)
    open_section(page, draft)
    radio = lineage(page).locator("input[type=radio]").nth(2)
    radio.check()
    radio.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Saved.")
    assert page.url.endswith(f"/assessments/{draft.pk}/sections/data-management/")
    assert saved(draft) == {"data-lineage": 2}
