import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessment.management.commands.setup_demo import DEMO_PASSWORD
from assessment.models import Assessment, Organisation


@pytest.mark.django_db
def test_demo_accounts_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing with DEBUG off"):
        call_command("setup_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_setup_creates_accounts_and_two_submitted_assessments_to_compare_once(
    settings, bank, capsys, client
):
    settings.DEBUG = True
    call_command("setup_demo")
    call_command("setup_demo")
    output = capsys.readouterr().out
    assert "consultant@demo.example" in output
    consultant = User.objects.get(username="consultant@demo.example")
    assert consultant.is_staff and not consultant.is_superuser
    assert consultant.groups.filter(name="Consultants").exists()
    assert User.objects.get(username="admin@demo.example").is_superuser
    earlier, later = Assessment.objects.order_by("submitted_at")
    for demo in (earlier, later):
        assert demo.status == "submitted"
        assert demo.answered_count == bank.question_count
        assert demo.overall_level is not None
    assert earlier.organisation == later.organisation
    client.force_login(User.objects.get(username="respondent@demo.example"))
    page = client.get(reverse("assessment_results", args=[later.pk])).content.decode()
    assert f"Compared with <strong>{earlier.title}</strong>" in page
    # The action plan: one done since the earlier assessment, one due soon, one overdue.
    actions = earlier.organisation.actions.order_by("pk")
    assert [a.status for a in actions] == ["done", "in_progress", "not_started"]
    assert f"Actions done since {earlier.title}" in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Overdue" in dashboard and actions[1].title in dashboard


@pytest.mark.django_db
def test_resetting_the_demo_recreates_it_and_leaves_everything_else(settings, bank, alice):
    settings.DEBUG = True
    call_command("setup_demo")
    respondent = User.objects.get(username="respondent@demo.example")
    respondent.set_password("changed-by-someone-playing")
    respondent.save()
    Assessment.objects.filter(organisation__name="Demo Analytics Ltd").first().delete()
    call_command("setup_demo", reset=True)
    demo = Organisation.objects.get(name="Demo Analytics Ltd")
    assert demo.assessments.filter(status="submitted").count() == 2
    assert User.objects.get(username="respondent@demo.example").check_password(DEMO_PASSWORD)
    assert User.objects.filter(pk=alice.pk).exists()
    assert Organisation.objects.filter(pk=alice.membership.organisation_id).exists()
