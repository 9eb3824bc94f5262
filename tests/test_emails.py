"""Every email goes through emails.send: three templates, a task, retries on failure."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from assessment import emails

CONTEXT = {"login_url": "http://testserver/login/", "reset_url": "http://testserver/reset/"}


def test_sending_queues_a_task_and_sends_nothing_in_the_request(queued_tasks):
    emails.send("signup-existing", to="dana@fbi.example", context=CONTEXT)
    assert mail.outbox == []
    (queued,) = queued_tasks
    assert queued.task.func is emails.deliver.func
    assert queued.args == ["signup-existing", "dana@fbi.example", CONTEXT]


def test_the_task_sends_a_subject_a_text_and_an_html_body():
    emails.deliver.call("signup-existing", "dana@fbi.example", CONTEXT)
    (message,) = mail.outbox
    assert message.subject == "You already have an MLOps Maturity Assessment account"
    assert "http://testserver/login/" in message.body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html" and 'href="http://testserver/login/"' in html


def test_a_failed_delivery_is_tried_again_later_and_logged_without_the_address(
    queued_tasks, caplog
):
    with mock.patch.object(
        EmailMultiAlternatives, "send", side_effect=smtplib.SMTPServerDisconnected("gone")
    ):
        emails.deliver.call("signup-existing", "dana@fbi.example", CONTEXT, 1)
    (retry,) = queued_tasks
    assert retry.args[-1] == 2
    assert retry.task.run_after > timezone.now()
    assert "SMTPServerDisconnected" in caplog.text and "dana@fbi.example" not in caplog.text


def test_after_the_last_attempt_the_failure_is_raised(queued_tasks, settings):
    settings.EMAIL_ATTEMPTS = 3
    with (
        mock.patch.object(EmailMultiAlternatives, "send", side_effect=OSError("refused")),
        pytest.raises(OSError),
    ):
        emails.deliver.call("signup-existing", "dana@fbi.example", CONTEXT, 3)
    assert queued_tasks == []
