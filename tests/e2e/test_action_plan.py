"""Targets, the plan and the action plan in a real browser: from a result to actions with
owners and dates, and back at the next assessment to see what moved."""

import pytest
from playwright.sync_api import expect

from assessment import services
from assessment.models import Action, Assessment
from tests import factories
from tests.e2e.conftest import horizontal_overflow, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_targets_become_a_plan_then_actions_and_the_next_assessment_shows_what_moved(
    org_a, alice, bob, bank, page, new_page
):
    last_year = factories.submitted(org_a, bank, alice, title="Last year")
    log_in(page, alice.email, factories.PASSWORD)

    # Targets, from the results page.
    page.goto(f"/assessments/{last_year.pk}/results/")
    page.click("text=Set your targets")
    page.select_option("#id_ambition", "core")
    page.click("button[value=suggest]")
    page.click("button[value=save]")
    expect(page.locator("body")).to_contain_text("Targets saved")
    page.click("button[value=confirm]")
    expect(page.locator("body")).to_contain_text("Confirmed by Alice")

    # The plan is the gap to them, in workstreams; one becomes an action.
    page.goto(f"/assessments/{last_year.pk}/results/")
    first_horizon = page.locator("#horizon-1").locator("xpath=..")
    workstreams = first_horizon.locator("ol > li")
    assert 1 <= workstreams.count() <= 6
    title = workstreams.first.locator("strong").first.inner_text()
    workstreams.first.locator("text=Plan an action").click()
    expect(page.locator("#id_title")).to_have_value(title)
    page.select_option("#id_owner", str(bob.pk))
    page.fill("#id_due_date", "2027-03-31")
    screenshot(page, "action-new")
    page.click("button[value=create]")
    expect(page.locator("body")).to_contain_text(f"Action added: {title}")
    action = Action.objects.get(organisation=org_a)
    assert (action.owner, action.planned_in_id) == (bob, last_year.pk)
    screenshot(page, "action-plan")

    # Bob moves it on; the change is in its history.
    bob_page = new_page()
    log_in(bob_page, bob.email, factories.PASSWORD)
    bob_page.goto(f"/actions/{action.pk}/")
    bob_page.select_option("#id_status", "in_progress")
    bob_page.click("text=Save the action")
    expect(bob_page.locator("body")).to_contain_text("Status: Not started → In progress")

    # The next assessment asks whether it is done.
    page.goto("/assessments/")
    page.fill("#id_title", "This year")
    page.click("main form[action$='/assessments/new/'] button[type=submit]")
    expect(page.locator("#open-actions-heading")).to_be_visible()
    page.select_option(f"#status-{action.pk}", "done")
    page.click("#open-actions-heading >> xpath=.. >> button:has-text('Update')")
    expect(page.locator("body")).to_contain_text("is now done")
    this_year = Assessment.objects.get(title="This year")
    factories.answer_all(this_year, dict.fromkeys(factories.SAMPLE_LEVELS, 4))
    services.submit_assessment(assessment=this_year, user=alice)

    page.goto(f"/assessments/{this_year.pk}/results/")
    expect(page.locator("body")).to_contain_text("Actions done since Last year")
    expect(page.locator("body")).to_contain_text(title)
    screenshot(page, "results-with-actions")

    phone = new_page(width=390)
    log_in(phone, alice.email, factories.PASSWORD)
    for path in ("/actions/", f"/actions/{action.pk}/", "/assessments/"):
        phone.goto(path)
        assert horizontal_overflow(phone) == [], path
        screenshot(phone, path.strip("/").replace("/", "-") or "home")
