"""A consultant reviews a submission end to end in the admin, and the respondent resubmits."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from assessment import services
from assessment.models import Assessment, Question, ReviewEvent
from tests import factories
from tests.e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def submitted(org_a, alice, bank):
    assessment = factories.make_assessment(organisation=org_a, bank=bank, title="Autumn review")
    for question in Question.objects.filter(component__section__bank=bank):
        factories.answer(assessment, question.slug, 2, comment="Runbook in the wiki")
    return services.submit_assessment(assessment=assessment, user=alice)


def admin_log_in(page, user) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("input[type=submit]")


def test_a_consultant_requests_changes_the_respondent_resubmits_and_it_is_marked_reviewed(
    submitted, consultant, new_page
):
    reviewer = new_page()
    admin_log_in(reviewer, consultant)
    reviewer.goto("/admin/assessment/assessment/")
    reviewer.click("#changelist-filter >> text=Submitted")
    screenshot(reviewer, "admin-changelist")
    reviewer.click("text=Autumn review")
    expect(reviewer.locator("body")).to_contain_text("Acme Analytics")
    expect(reviewer.locator("body")).to_contain_text(
        "Runbook in the wiki"
    )  # the answers, read-only
    screenshot(reviewer, "admin-change")
    reviewer.click("button:has-text('Start review')")
    expect(reviewer.locator("body")).to_contain_text("Review started.")
    reviewer.click("text=Request changes…")
    reviewer.fill("textarea[name=message]", "Please explain your monitoring answers.")
    screenshot(reviewer, "admin-request-changes")
    reviewer.click("input[type=submit]")
    expect(reviewer.locator("body")).to_contain_text("Changes requested")

    respondent = new_page()
    log_in(respondent, "alice@acme.example", factories.PASSWORD)
    expect(respondent.locator("body")).to_contain_text("Please explain your monitoring answers.")
    respondent.click("text=Edit and resubmit")
    respondent.click("text=Data management and pipeline")
    respondent.locator("fieldset.question").first.locator("input[type=radio]").nth(3).check()
    respondent.click("text=Save and exit")
    respondent.goto(f"/assessments/{submitted.pk}/review/")
    respondent.click("text=Submit assessment")
    expect(respondent.locator("body")).to_contain_text("Overall maturity")
    # A resubmission goes straight back to its reviewer (issue 17).
    assert Assessment.objects.get(pk=submitted.pk).status == "in_review"

    reviewer.goto(f"/admin/assessment/assessment/{submitted.pk}/change/")
    reviewer.click("text=Mark reviewed…")
    reviewer.fill("textarea[name=message]", "A solid base: invest in monitoring next.")
    reviewer.click("input[type=submit]")
    expect(reviewer.locator("body")).to_contain_text("Marked reviewed")
    history = list(
        ReviewEvent.objects.filter(assessment=submitted).values_list("to_status", flat=True)
    )
    assert history == [
        "submitted",
        "in_review",
        "changes_requested",
        "in_review",
        "reviewed",
    ]

    respondent.goto(f"/assessments/{submitted.pk}/results/")
    expect(respondent.locator("body")).to_contain_text("A solid base: invest in monitoring next.")
    with respondent.expect_download() as download_info:
        respondent.click("text=Download the PDF report")
    text = "".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert "A solid base: invest in monitoring next." in re.sub(r"\s+", " ", text)
