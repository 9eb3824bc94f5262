"""The admin site's titles, and how its pages name people, levels and scores."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.levels import LEVEL_LABELS

admin.site.site_header = _("MLOps Maturity Assessment — administration")
admin.site.site_title = _("MLOps Maturity admin")
admin.site.index_title = _("Reviews, question banks and accounts")
# The review tables are wide; the sidebar would squeeze them at laptop widths, and the
# breadcrumbs and the index already lead everywhere.
admin.site.enable_nav_sidebar = False


def person(user) -> str:
    """How a user is named on review pages; accounts can be deleted."""
    if user is None:
        return gettext("(deleted account)")
    return user.get_full_name() or user.email or user.get_username()


def level_label(level: int | None) -> str:
    return "—" if level is None else f"{level} · {LEVEL_LABELS[level]}"


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"
