"""A team assessment in three browsers: three colleagues answer on their own, the owner
compares their answers, agrees the answers of record and submits; the results and the
consultant's admin page show the spread and the agreed answers."""

import pytest
from playwright.sync_api import expect

from assessment.models import Answer, Assessment, Question
from tests import factories
from tests.e2e.conftest import answer_section, horizontal_overflow, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECTIONS = ("data-management", "model-lifecycle", "pipeline-grid")


def answer_everything(page, assessment_id: int, level: int) -> None:
    for slug in SECTIONS:
        page.goto(f"/assessments/{assessment_id}/sections/{slug}/")
        expect(page.locator("body")).to_contain_text("these are your own answers")
        answer_section(page, level)
        page.locator("main button[type=submit]", has_text="Save").first.click()
    page.goto(f"/assessments/{assessment_id}/review/")
    page.click("text=I have finished my answers")
    expect(page.locator("body")).to_contain_text("your answers are marked as finished")


def test_three_colleagues_answer_on_their_own_then_the_owner_agrees_and_submits(
    org_a, alice, bob, bank, consultant, new_page
):
    dana = factories.make_user("dana@acme.example", organisation=org_a, first_name="Dana")
    alice_page = new_page()
    log_in(alice_page, alice.email, factories.PASSWORD)
    alice_page.goto("/assessments/")
    alice_page.fill("#id_title", "Team view 2026")
    alice_page.check("input[name=mode][value=team]")
    alice_page.check(f"input[name=participants][value='{bob.pk}']")
    alice_page.check(f"input[name=participants][value='{dana.pk}']")
    alice_page.click("main form[action$='/assessments/new/'] button[type=submit]")
    expect(alice_page.locator("#team-panel-heading")).to_be_visible()
    assessment = Assessment.objects.get(title="Team view 2026")

    for user, level in ((bob, 3), (dana, 1)):
        colleague = new_page()
        log_in(colleague, user.email, factories.PASSWORD)
        answer_everything(colleague, assessment.pk, level)
        expect(colleague.locator("body")).not_to_contain_text("Compare the answers")
    answer_everything(alice_page, assessment.pk, 2)

    # Everyone has finished: the owner compares, changes one answer of record, and submits.
    alice_page.goto(f"/assessments/{assessment.pk}/")
    alice_page.click("text=Compare and agree the answers")
    expect(alice_page.locator("h1")).to_have_text("Compare and agree the answers")
    expect(alice_page.locator(".calibration-questions")).to_contain_text("2 levels apart")
    screenshot(alice_page, "calibration")
    versions = Question.objects.get(component__section__bank=bank, slug="training-data-versions")
    alice_page.select_option(f"#a{versions.pk}", str(versions.choices.get(level=3).pk))
    alice_page.fill(f"#n{versions.pk}", "The fraud model's data is versioned; we go with Bob.")
    alice_page.click("text=Save the agreed answers")
    expect(alice_page.locator("body")).to_contain_text("Agreed answers saved")
    alice_page.click("text=Submit the agreed answers")
    expect(alice_page.locator("body")).to_contain_text("How the team answered")
    expect(alice_page.locator("body")).to_contain_text("3 people answered on their own")
    record = Answer.objects.get(assessment=assessment, question=versions)
    assert record.choice.level == 3
    assert Answer.objects.filter(assessment=assessment, choice__level=2).count() == (
        Question.objects.filter(component__section__bank=bank).count() - 1
    )

    narrow = new_page(width=390)
    log_in(narrow, alice.email, factories.PASSWORD)
    narrow.goto(f"/assessments/{assessment.pk}/calibration/")
    assert horizontal_overflow(narrow) == []
    screenshot(narrow, "calibration")

    admin_page = new_page()
    log_in(admin_page, consultant.email, factories.PASSWORD)
    admin_page.goto(f"/admin/assessment/assessment/{assessment.pk}/change/")
    summary = admin_page.locator(".team-summary")
    expect(summary).to_contain_text("Where the team disagreed most")
    expect(summary).to_contain_text("Participant 1")
    expect(summary).not_to_contain_text("Dana")
    summary.scroll_into_view_if_needed()
    screenshot(admin_page, "admin-team")
    results_page = new_page(width=390)
    log_in(results_page, bob.email, factories.PASSWORD)
    results_page.goto(f"/assessments/{assessment.pk}/results/")
    assert horizontal_overflow(results_page) == []
    screenshot(results_page, "results-team")
