"""Checks and clean-ups for short texts people type: names, titles, mail subjects."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line and paragraph separators break mail headers just as a newline does.
BREAKING_CATEGORIES = {"Cc", "Zl", "Zp"}


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(character) in BREAKING_CATEGORIES for character in text)


def reject_control_characters(value: str) -> None:
    """A field validator: names and titles are one line of printable text."""
    if has_control_characters(value):
        raise ValidationError(
            _("Use letters, digits, spaces and punctuation only: no line breaks or tabs."),
            code="control_characters",
        )


def one_line(text: str) -> str:
    """The text on one line: every run of whitespace or control characters becomes a space."""
    cleaned = "".join(
        " " if unicodedata.category(character) in BREAKING_CATEGORIES else character
        for character in text
    )
    return re.sub(r"\s+", " ", cleaned).strip()
