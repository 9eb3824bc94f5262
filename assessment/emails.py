"""Every email the application sends goes through `send`.

Each email is three templates under templates/emails/: `<name>-subject.txt`,
`<name>-body.txt` and `<name>-body.html`, rendered with the same context.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from assessment.text import one_line

logger = logging.getLogger(__name__)


def render(template_name: str, context: dict) -> tuple[str, str, str]:
    """Subject, text body and HTML body. The subject is forced onto one line: a name with a
    line break in it must never reach a mail header."""
    prefix = f"emails/{template_name}"
    subject = one_line(render_to_string(f"{prefix}-subject.txt", context))
    text = render_to_string(f"{prefix}-body.txt", context)
    html = render_to_string(f"{prefix}-body.html", context)
    return subject, text, html


def send(template_name: str, to: str, context: dict) -> None:
    subject, text, html = render(template_name, context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
    # The template name only: addresses and names are personal data.
    logger.info("email sent", extra={"template": template_name})
