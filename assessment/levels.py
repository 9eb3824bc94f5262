"""The maturity levels: numbers, labels and what each means. The single source for every
page, the report, the exports and the admin."""

from django.utils.translation import gettext_lazy as _

LEVELS = (0, 1, 2, 3, 4)
MIN_LEVEL, MAX_LEVEL = LEVELS[0], LEVELS[-1]

LEVEL_LABELS = {
    0: _("Not in place"),
    1: _("Manual"),
    2: _("Repeatable"),
    3: _("Reproducible"),
    4: _("Automated"),
}
LEVEL_CHOICES = list(LEVEL_LABELS.items())

# What a level means for a practice (DESIGN.md "Levels").
LEVEL_MEANINGS = {
    0: _("Does not exist, or nobody can say."),
    1: _("Done by hand, case by case; depends on individuals."),
    2: _("A documented procedure, version control, scripts that people start."),
    3: _(
        "Versioned, orchestrated pipelines or CI/CD, tracked artefacts; people approve the "
        "key steps."
    ),
    4: _(
        "Triggered automatically with validation gates, alerts and rollback; people handle "
        "the exceptions."
    ),
}


def level_label(level: int) -> str:
    """The label as a plain string in the active language, for data that is stored or sent
    as JSON (a lazy translation is neither)."""
    return str(LEVEL_LABELS[level])
