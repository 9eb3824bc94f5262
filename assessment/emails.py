"""Every email the application sends goes through `send`.

Each email is three templates under templates/emails/: `<name>-subject.txt`,
`<name>-body.txt` and `<name>-body.html`, rendered with the same context. `send` queues
the email as a task (the context must be plain JSON values), so a slow or failing mail
server never holds a request; a failed delivery is tried again later, a few times.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from assessment.text import one_line

logger = logging.getLogger(__name__)
FIRST_RETRY = timedelta(minutes=1)


def render(template_name: str, context: dict) -> tuple[str, str, str]:
    """Subject, text body and HTML body. The subject is forced onto one line: a name with a
    line break in it must never reach a mail header."""
    prefix = f"emails/{template_name}"
    subject = one_line(render_to_string(f"{prefix}-subject.txt", context))
    text = render_to_string(f"{prefix}-body.txt", context)
    html = render_to_string(f"{prefix}-body.html", context)
    return subject, text, html


def send(template_name: str, to: str, context: dict) -> None:
    deliver.enqueue(template_name, to, context)


def unsubscribe_headers(context: dict) -> dict[str, str]:
    """A notification's unsubscribe link as mail headers too (RFC 2369 and RFC 8058), so
    mail programs offer their own "Unsubscribe" and can switch it off in one click."""
    if not context.get("unsubscribe"):
        return {}
    return {
        "List-Unsubscribe": f"<{context['unsubscribe']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@task()
def deliver(template_name: str, to: str, context: dict, attempt: int = 1) -> None:
    subject, text, html = render(template_name, context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=unsubscribe_headers(context)
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        # The template name and the error class only: addresses and names are personal data.
        logger.warning(
            "email %s failed (attempt %d): %s", template_name, attempt, type(error).__name__
        )
        if attempt >= settings.EMAIL_ATTEMPTS or not deliver.get_backend().supports_defer:
            raise
        later = timezone.now() + FIRST_RETRY * 2 ** (attempt - 1)
        deliver.using(run_after=later).enqueue(template_name, to, context, attempt + 1)
        return
    logger.info("email %s sent", template_name)
