"""A respondent's whole journey in a real browser, and the questionnaire without JavaScript,
on a phone, and from the keyboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from assessment.models import Answer, Assessment
from tests import factories
from tests.e2e.conftest import answer_section, horizontal_overflow, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "pipelines-in-production-42"


def choose_level(page, question_text: str, statement_index: int) -> None:
    fieldset = page.locator("fieldset.question", has_text=question_text)
    fieldset.locator("input[type=radio]").nth(statement_index).check()


def test_a_new_organisation_answers_over_two_sittings_submits_and_gets_its_report(
    bank, page, new_page
):
    page.goto("/")
    screenshot(page, "home")
    page.click("text=Start your assessment")
    page.fill("#id_first_name", "Priya")
    page.fill("#id_last_name", "Shah")
    page.fill("#id_email", "priya@fieldsense.example")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.fill("#id_organisation_name", "FieldSense Agritech")
    page.select_option("#id_sector", "agriculture")
    page.select_option("#id_size", "small")
    screenshot(page, "signup")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your email")
    confirmation = re.search(r"https?://[^/]+(/signup/confirm/\S+/)", mail.outbox[-1].body)[1]
    page.goto(confirmation)
    page.fill("#id_password", PASSWORD)
    page.click("text=Confirm and start")
    expect(page.locator("h1")).to_have_text("FieldSense Agritech")

    page.click("nav >> text=Team")
    page.fill("#id_email", "tom@fieldsense.example")
    page.click("text=Send invitation")
    expect(page.locator("body")).to_contain_text("Invitation sent to tom@fieldsense.example")
    invitation_link = re.search(r"https?://[^/]+(/invitations/\S+/)", mail.outbox[-1].body)[1]

    page.click("nav >> text=Assessments")
    screenshot(page, "dashboard")
    page.fill("#id_title", "Spring 2026")
    page.click("main button:has-text('Start')")
    page.click("text=Data management and pipeline")
    answer_section(page, 2)
    screenshot(page, "section")
    page.click("text=Save and continue")
    expect(page.locator("h1")).to_have_text("Model lifecycle")
    choose_level(page, "How are training runs and their results recorded?", 3)
    page.click("text=Save and exit")
    expect(page.locator("body")).to_contain_text("Your answers are saved")

    # Second sitting, after logging out and in again.
    page.click("text=Log out")
    log_in(page, "priya@fieldsense.example", PASSWORD)
    page.click("text=Spring 2026")
    expect(page.locator("body")).to_contain_text("5 of 10 questions answered")
    page.click("text=Model lifecycle")
    run_tracking = page.locator("fieldset.question", has_text="training runs and their results")
    assert run_tracking.locator("input[type=radio]").nth(3).is_checked()
    answer_section(page, 3)
    page.click("text=Save and continue")
    answer_section(page, 1)
    screenshot(page, "grid")
    page.click("text=Save and review")
    expect(page.locator("h1")).to_have_text("Review your answers")
    screenshot(page, "review")
    page.click("text=Submit assessment")

    expect(page.locator("body")).to_contain_text("Overall maturity")
    assert page.locator(".chart svg.chart-radar").count() == 1
    assert page.locator("table.heat tbody tr").count() > 0
    screenshot(page, "results")
    assessment = Assessment.objects.get(title="Spring 2026")
    assert assessment.status == "submitted"
    assert Answer.objects.filter(assessment=assessment).count() == 10

    with page.expect_download() as download_info:
        page.click("text=Download the PDF report")
    download = download_info.value
    assert download.suggested_filename.startswith("mlops-maturity-fieldsense-agritech-")
    pdf_text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "FieldSense Agritech" in pdf_text

    # The invited colleague joins and sees the same assessment.
    colleague = new_page()
    colleague.goto(invitation_link)
    colleague.fill("#id_first_name", "Tom")
    colleague.fill("#id_last_name", "Okafor")
    colleague.fill("#id_password1", PASSWORD)
    colleague.fill("#id_password2", PASSWORD)
    colleague.click("main button[type=submit]")
    expect(colleague.locator("body")).to_contain_text("Spring 2026")


@pytest.fixture
def respondent(org_a, alice, bank):
    return factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)


def test_the_questionnaire_works_without_javascript(respondent, new_page):
    page = new_page(javascript=False)
    log_in(page, "alice@acme.example", factories.PASSWORD)
    page.goto(f"/assessments/{respondent.pk}/sections/data-management/")
    answer_section(page, 1)
    page.click("text=Save and continue")
    expect(page.locator("h1")).to_have_text("Model lifecycle")
    assert Answer.objects.filter(assessment=respondent).count() == 4


def test_a_section_can_be_completed_with_the_keyboard_alone(respondent, page):
    log_in(page, "alice@acme.example", factories.PASSWORD)
    page.goto(f"/assessments/{respondent.pk}/sections/model-lifecycle/")
    page.locator("fieldset.question input[type=radio]").first.focus()
    for _ in range(4):  # one radio group per question: Space picks, Tab moves to the next group
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        while page.evaluate("document.activeElement.type") not in ("radio", "submit"):
            page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    while page.evaluate("document.activeElement.textContent.trim()") != "Save and continue":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sections/pipeline-grid/"))
    assert Answer.objects.filter(assessment=respondent).count() == 4


@pytest.mark.parametrize("path", ["/", "/signup/", "/login/", "/password-reset/"])
def test_nothing_overflows_a_phone_screen_before_logging_in(bank, new_page, path):
    page = new_page(width=390)
    page.goto(path)
    assert horizontal_overflow(page) == []
    screenshot(page, "phone-" + (path.strip("/").replace("/", "-") or "home"))


@pytest.mark.parametrize(
    "path",
    [
        "/assessments/",
        "/assessments/{id}/",
        "/assessments/{id}/sections/data-management/",
        "/assessments/{id}/sections/pipeline-grid/",
        "/assessments/{id}/review/",
        "/assessments/{id}/results/",
        "/team/",
    ],
)
def test_nothing_overflows_a_phone_screen(respondent, new_page, path):
    page = new_page(width=390)
    log_in(page, "alice@acme.example", factories.PASSWORD)
    page.goto(path.format(id=respondent.pk))
    assert horizontal_overflow(page) == []
    screenshot(page, "phone-" + (path.strip("/").replace("/", "-").replace("{id}", "a") or "home"))
