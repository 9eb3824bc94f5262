from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timeuntil

from assessment.domain.scoring import round_score
from assessment.levels import LEVEL_LABELS

register = template.Library()


@register.simple_tag
def level_badge(level, label=None):
    if level is None:
        return format_html('<span class="level-badge level-none">{}</span>', "Not scored")
    return format_html(
        '<span class="level-badge level-{}">{}</span>', level, label or LEVEL_LABELS[level]
    )


@register.filter
def score(value) -> str:
    """One decimal, halves rounded up as docs/scoring.md says (2.25 → 2.3, not 2.2)."""
    return "–" if value is None else f"{round_score(value, places=1):.1f}"


@register.filter
def percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


@register.filter
def duration(value: timedelta | None) -> str:
    """A length of time in words ("15 minutes", "1 hour, 30 minutes")."""
    if not value:
        return ""
    now = timezone.now()
    return timeuntil(now + value, now)
