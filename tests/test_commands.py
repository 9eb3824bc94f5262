import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.models import Assessment


@pytest.mark.django_db
def test_demo_accounts_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing with DEBUG off"):
        call_command("setup_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_setup_creates_accounts_and_a_submitted_assessment_once(settings, bank, capsys):
    settings.DEBUG = True
    call_command("setup_demo")
    call_command("setup_demo")
    output = capsys.readouterr().out
    assert "consultant@demo.example" in output
    consultant = User.objects.get(username="consultant@demo.example")
    assert consultant.is_staff and not consultant.is_superuser
    assert consultant.groups.filter(name="Consultants").exists()
    assert User.objects.get(username="admin@demo.example").is_superuser
    demo = Assessment.objects.get()
    assert demo.status == "submitted"
    assert demo.answered_count == bank.question_count
    assert demo.result_snapshot["overall"]["label"] is not None
