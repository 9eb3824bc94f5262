"""The action plan: actions created from a plan's workstream, edited with every change
recorded, reminders before they are due, the dashboard's due list, and the exports."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessment import services, tasks
from assessment.models import Action, ActionChange, Membership
from assessment.results import results_for
from assessment.structure import bank_structure
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


def fields(**overrides) -> services.ActionFields:
    values = {
        "title": "Version the training data",
        "components": (),
        "from_level": 1,
        "to_level": 3,
        "owner_id": None,
        "due_date": None,
        "status": Action.Status.NOT_STARTED,
        "note": "",
    }
    return services.ActionFields(**{**values, **overrides})


def posted(**overrides) -> dict:
    values = {
        "title": "Version the training data",
        "components": [],
        "from_level": "1",
        "to_level": "3",
        "owner": "",
        "due_date": "",
        "status": "not_started",
        "note": "",
        "revision": "",
    }
    return {**values, **overrides}


# --- Creating and editing --------------------------------------------------------------


def test_a_member_adds_an_action_and_its_creation_is_recorded(client, bob, org_a, bank):
    component = bank_structure(bank).components[0].slug
    client.force_login(bob)
    response = client.post(
        reverse("action_plan"),
        posted(owner=str(bob.pk), due_date="2027-01-15", components=[component]),
    )

    assert response["Location"] == reverse("action_plan")
    action = Action.objects.get(organisation=org_a)
    assert (action.title, action.components, action.owner, action.due_date) == (
        "Version the training data",
        [component],
        bob,
        date(2027, 1, 15),
    )
    (change,) = action.changes.all()
    assert change.created and change.changed_by == bob


def test_an_action_planned_from_a_workstream_starts_filled_in_from_it(client, alice, org_a, bank):
    assessment = factories.submitted(org_a, bank, alice)
    workstream = results_for(assessment).roadmap.workstreams[0]
    client.force_login(alice)
    url = reverse("action_plan") + f"?plan={assessment.pk}&workstream={workstream.slug}"

    page = client.get(url).content.decode()

    assert f'value="{workstream.title}"' in page
    checked = set(
        re.findall(r'<input type="checkbox" name="components" value="([^"]+)"[^>]* checked', page)
    )
    assert checked == {item.component for item in workstream.items}
    client.post(url, posted(title=workstream.title))
    assert Action.objects.get(organisation=org_a).planned_in == assessment


def test_the_results_page_offers_to_plan_an_action_per_workstream(client, alice, org_a, bank):
    assessment = factories.submitted(org_a, bank, alice)
    workstream = results_for(assessment).roadmap.workstreams[0]
    client.force_login(alice)

    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()

    assert f"?plan={assessment.pk}&amp;workstream={workstream.slug}" in page


def test_each_change_records_who_changed_what_from_what(client, alice, bob, org_a):
    action = services.create_action(organisation=org_a, user=alice, fields=fields())
    client.force_login(bob)

    client.post(
        reverse("action_edit", args=[action.pk]),
        posted(status="in_progress", owner=str(bob.pk), revision=str(action.revision)),
    )

    latest = ActionChange.objects.filter(action=action, created=False).get()
    assert latest.changed_by == bob
    assert latest.changes == {"owner": ["", "Bob"], "status": ["Not started", "In progress"]}
    page = client.get(reverse("action_edit", args=[action.pk])).content.decode()
    assert "Status: Not started → In progress" in page


def test_a_save_over_someone_elses_change_is_refused_and_keeps_what_was_typed(
    client, alice, bob, org_a
):
    action = services.create_action(organisation=org_a, user=alice, fields=fields())
    seen = action.revision
    services.update_action(
        action=action, user=alice, fields=fields(note="Alice's"), seen_revision=seen
    )
    client.force_login(bob)

    response = client.post(
        reverse("action_edit", args=[action.pk]),
        posted(title="Bob's title", revision=str(seen)),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else changed this action" in page and 'value="Bob&#x27;s title"' in page
    action.refresh_from_db()
    assert (action.title, action.note) == ("Version the training data", "Alice's")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": " "}, "This field is required"),
        ({"from_level": "3", "to_level": "1"}, "cannot be below the level it starts from"),
        ({"due_date": "31/02/2027"}, "Enter a valid date"),
        ({"status": "finished"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    client, alice, org_a, overrides, message
):
    client.force_login(alice)
    response = client.post(reverse("action_plan"), posted(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_the_owner_must_be_a_member_of_the_organisation(alice, carol, org_a):
    with pytest.raises(Exception, match="member of your organisation"):
        services.create_action(organisation=org_a, user=alice, fields=fields(owner_id=carol.pk))


def test_marking_an_action_done_stamps_when_and_reopening_clears_it(alice, org_a):
    action = services.create_action(organisation=org_a, user=alice, fields=fields())
    done = services.set_action_status(
        action=action, user=alice, status=Action.Status.DONE, seen_revision=action.revision
    )
    assert done.done_at is not None
    reopened = services.set_action_status(
        action=done, user=alice, status=Action.Status.IN_PROGRESS, seen_revision=done.revision
    )
    assert reopened.done_at is None


# --- Reminders ---------------------------------------------------------------------------


def test_a_reminder_is_queued_for_a_week_before_the_due_date(
    alice, bob, org_a, queued_tasks, django_capture_on_commit_callbacks
):
    due = timezone.localdate() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        action = services.create_action(
            organisation=org_a, user=alice, fields=fields(owner_id=bob.pk, due_date=due)
        )

    (queued,) = [r for r in queued_tasks if r.task.func is tasks.remind_action_owner.func]
    assert queued.args == [action.pk, due.isoformat()]
    assert queued.task.run_after == tasks.reminder_due_at(due)
    assert timezone.localtime(queued.task.run_after).date() == due - timedelta(days=7)


def test_the_reminder_emails_the_owner_once_with_a_link_to_the_action(alice, bob, org_a):
    due = TODAY + timedelta(days=7)
    action = factories.make_action(organisation=org_a, owner=bob, due_date=due)

    assert tasks.send_reminder(action_id=action.pk, due_date=due) is True
    assert tasks.send_reminder(action_id=action.pk, due_date=due) is False

    (message,) = mail.outbox
    assert message.to == ["bob@acme.example"]
    assert message.subject == "Due in a week: Version the training data"
    assert f"/actions/{action.pk}/" in message.body


@pytest.mark.parametrize(
    "change",
    ["done", "dropped", "moved", "reminders off", "left the organisation"],
)
def test_no_reminder_goes_out_when_it_no_longer_applies(alice, bob, org_a, change):
    due = TODAY + timedelta(days=7)
    action = factories.make_action(organisation=org_a, owner=bob, due_date=due)
    if change in ("done", "dropped"):
        Action.objects.filter(pk=action.pk).update(status=change)
    elif change == "moved":
        Action.objects.filter(pk=action.pk).update(due_date=due + timedelta(days=14))
    elif change == "reminders off":
        services.set_action_reminders(membership=bob.membership, enabled=False)
    else:
        Membership.objects.filter(user=bob).delete()

    assert tasks.send_reminder(action_id=action.pk, due_date=due) is False
    assert mail.outbox == []


def test_a_member_switches_reminders_off_on_the_action_plan_page(client, bob):
    client.force_login(bob)
    client.post(reverse("action_plan"), {"action": "reminders"})
    bob.membership.refresh_from_db()
    assert bob.membership.action_reminders is False
    client.post(reverse("action_plan"), {"action": "reminders", "action_reminders": "on"})
    bob.membership.refresh_from_db()
    assert bob.membership.action_reminders is True


# --- Dashboard, new assessment, results ----------------------------------------------------


def test_the_dashboard_lists_overdue_and_due_soon_actions(client, alice, org_a):
    today = timezone.localdate()
    factories.make_action(organisation=org_a, title="Late one", due_date=today - timedelta(days=1))
    factories.make_action(organisation=org_a, title="Soon one", due_date=today + timedelta(days=5))
    factories.make_action(
        organisation=org_a, title="Later one", due_date=today + timedelta(days=60)
    )
    factories.make_action(
        organisation=org_a, title="Done one", due_date=today - timedelta(days=3), status="done"
    )
    client.force_login(alice)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Late one" in page and "Soon one" in page
    assert "Later one" not in page and "Done one" not in page
    assert page.index("Overdue") < page.index("Late one") < page.index("Soon one")


def test_a_new_assessment_asks_per_open_action_whether_it_is_done(client, alice, org_a, bank):
    action = factories.make_action(organisation=org_a, title="Set up a model registry")
    factories.make_action(organisation=org_a, title="Finished already", status="done")
    assessment = factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)
    client.force_login(alice)
    overview = reverse("assessment_overview", args=[assessment.pk])

    page = client.get(overview).content.decode()
    assert "Set up a model registry" in page and "Finished already" not in page

    response = client.post(
        reverse("action_status", args=[action.pk]),
        {"status": "done", "revision": action.revision, "next": overview},
    )
    assert response["Location"] == overview
    action.refresh_from_db()
    assert action.status == Action.Status.DONE


def test_the_status_form_never_redirects_off_the_site(client, alice, org_a):
    action = factories.make_action(organisation=org_a)
    client.force_login(alice)
    response = client.post(
        reverse("action_status", args=[action.pk]),
        {"status": "in_progress", "revision": action.revision, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("action_plan")


def test_the_next_results_show_which_actions_moved_which_components(client, alice, org_a, bank):
    before = factories.submitted(org_a, bank, alice, title="Before")
    component = results_for(before).result.sections[0].components[0]
    action = services.create_action(
        organisation=org_a, user=alice, fields=fields(components=(component.slug,))
    )
    services.set_action_status(
        action=action, user=alice, status=Action.Status.DONE, seen_revision=action.revision
    )
    after = factories.submitted(org_a, bank, alice, title="After")
    client.force_login(alice)

    page = client.get(reverse("assessment_results", args=[after.pk])).content.decode()

    assert "Actions done since" in page
    assert "Version the training data" in page and component.title in page


# --- Exports -------------------------------------------------------------------------------


def test_the_action_plan_exports_as_csv_with_formulas_neutralised(client, alice, org_a):
    factories.make_action(organisation=org_a, title='=HYPERLINK("http://x")', note="+1")
    client.force_login(alice)

    response = client.get(reverse("action_export", args=["csv"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[0] == "Action"
    assert row[0] == '\'=HYPERLINK("http://x")' and row[header.index("Note")] == "'+1"


def test_the_action_plan_exports_as_an_xlsx_workbook_with_formulas_neutralised(
    client, alice, bob, org_a
):
    factories.make_action(
        organisation=org_a,
        title="@SUM(A1)",
        owner=bob,
        due_date=date(2027, 3, 1),
        note="a\x0bb",
        from_level=1,
        to_level=3,
    )
    client.force_login(alice)

    response = client.get(reverse("action_export", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[0] == "'@SUM(A1)"
    assert row[header.index("Owner")] == "Bob"
    assert row[header.index("Due date")].date() == date(2027, 3, 1)
    assert row[header.index("Note")] == "ab"
    assert (row[header.index("From level")], row[header.index("To level")]) == (
        "Manual",
        "Reproducible",
    )
    assert client.get("/actions/export.pdf").status_code == 404


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan", "edit", "status", "csv", "xlsx"])
def test_every_action_page_needs_a_login_and_hides_other_organisations(
    client, alice, carol, org_a, name
):
    action = factories.make_action(organisation=org_a)
    url = {
        "plan": reverse("action_plan"),
        "edit": reverse("action_edit", args=[action.pk]),
        "status": reverse("action_status", args=[action.pk]),
        "csv": reverse("action_export", args=["csv"]),
        "xlsx": reverse("action_export", args=["xlsx"]),
    }[name]
    send = client.post if name == "status" else client.get
    data = {"status": "done", "revision": action.revision} if name == "status" else None

    assert send(url, data)["Location"].startswith(reverse("login"))
    client.force_login(alice)
    assert send(url, data).status_code in (200, 302)
    if name in ("edit", "status"):
        client.force_login(carol)
        assert send(url, data).status_code == 404
    assert client.put(url).status_code == 405


def test_only_the_overview_reads_the_open_actions_not_the_section_or_review_pages(
    client, alice, org_a, bank
):
    factories.make_action(organisation=org_a)
    assessment = factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)
    section = assessment.bank.sections.first().slug
    client.force_login(alice)
    for name, args in (
        ("assessment_section", [assessment.pk, section]),
        ("assessment_review", [assessment.pk]),
    ):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=args)).status_code == 200
        assert not [q for q in captured.captured_queries if "assessment_action" in q["sql"]], name
