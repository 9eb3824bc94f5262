"""The questionnaire's question markup: templates/jinja2/assessment/questions.html and
grid_rows.html, rendered with Django's Jinja2 backend.

A section page shows up to ~25 questions with 5–7 radios each; through the Django template
engine their markup costs more than the rest of the page together (docs/performance.md),
so these two partials are Jinja2 templates. The rest of the page is a Django template.
"""

from dataclasses import dataclass

from django.template import engines
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from assessment.forms.questionnaire import DONT_KNOW, NOT_APPLICABLE, QuestionRow, field_names
from assessment.levels import LEVEL_CHOICES
from assessment.models import COMMENT_MAX_LENGTH


def comment_count(length: int) -> tuple[str, bool]:
    """The count under a comment box, and whether the comment is over the limit."""
    values = {
        "length": f"{length:,}",
        "limit": f"{COMMENT_MAX_LENGTH:,}",
        "over": f"{length - COMMENT_MAX_LENGTH:,}",
    }
    if not length:
        return _("Up to %(limit)s characters") % values, False
    if length > COMMENT_MAX_LENGTH:
        return _("%(length)s of %(limit)s characters: %(over)s too many") % values, True
    return _("%(length)s of %(limit)s characters") % values, False


def conflict(row: QuestionRow) -> Markup:
    """What a colleague (or another tab) saved meanwhile; rare, so a Django template."""
    if not row.conflict:
        return Markup("")
    return Markup(render_to_string("assessment/_conflict.html", {"row": row}))  # noqa: S704


@dataclass(frozen=True)
class Option:
    value: Markup
    input_id: Markup
    label: Markup


@dataclass(frozen=True)
class PreparedQuestion:
    """A question's texts and ids, escaped once per process (published banks never change),
    so that a request's render only fills in what is checked, the comment and the revision."""

    pk: Markup
    name: Markup
    text: Markup
    help_text: Markup
    component_id: int
    component_title: Markup
    component_description: Markup
    options: tuple[Option, ...]  # the graded options, by level
    by_level: dict[int, Option]
    allows_not_applicable: bool


def prepare(question) -> PreparedQuestion:
    prepared = getattr(question, "_prepared_for_page", None)
    if prepared is None:
        name = field_names(question.pk).answer
        options = tuple(
            Option(escape(choice.pk), escape(f"{name}-{choice.pk}"), escape(choice.statement))
            for choice in question.choices_list
        )
        prepared = PreparedQuestion(
            pk=escape(question.pk),
            name=escape(name),
            text=escape(question.text),
            help_text=escape(question.help_text),
            component_id=question.component_id,
            component_title=escape(question.component.title),
            component_description=escape(question.component.description),
            options=options,
            by_level={
                choice.level: option
                for choice, option in zip(question.choices_list, options, strict=True)
            },
            allows_not_applicable=question.allows_not_applicable,
        )
        question._prepared_for_page = prepared
    return prepared


TEMPLATE_GLOBALS = {
    "comment_count": comment_count,
    "conflict": conflict,
    "prepare": prepare,
    "level_choices": LEVEL_CHOICES,
    "not_applicable": NOT_APPLICABLE,
    "dont_know": DONT_KNOW,
}


def carried_over_note(copied_from: str) -> str:
    """What a question whose answer was copied from an earlier assessment says."""
    if copied_from:
        return _("Carried over from “%(title)s” — confirm or change") % {"title": copied_from}
    return _("Carried over from the previous assessment — confirm or change")


def _texts(copied_from: str) -> dict[str, Markup]:
    """The page's words, translated once per render rather than once per question."""
    return {
        key: escape(text)
        for key, text in {
            "error": _("Error:"),
            "comment": _("Comment"),
            "comment_or_evidence": _("Comment or evidence"),
            "optional": _("(optional)"),
            "comment_for": _("Comment or evidence for:"),
            "not_applicable_to_us": _("Not applicable to us"),
            "not_applicable": _("Not applicable"),
            "dont_know": _("Don't know"),
            "dont_know_note": _(
                "(counts as Not in place, and goes on your list of things to find out)"
            ),
            "what_this_covers": _("What this covers"),
            # The help explains terms and edge cases; behind a disclosure, respondents who
            # need it open it and the others read the options only (issue 14: time).
            "what_this_means": _("What this means, and when it applies"),
            "other": _("Other"),
            "carried_over": carried_over_note(copied_from),
        }.items()
    }


def _render(
    template_name: str, rows: list[QuestionRow], editable: bool, copied_from: str
) -> SafeString:
    template = engines["jinja2"].get_template(template_name)
    context = {"rows": rows, "editable": editable, "text": _texts(copied_from)}
    return mark_safe(template.render(context))  # noqa: S308 — autoescaped


# ``copied_from``: the title of the assessment that carried-over answers came from.
def questions_markup(
    rows: list[QuestionRow], *, editable: bool, copied_from: str = ""
) -> SafeString:
    return _render("assessment/questions.html", rows, editable, copied_from)


def grid_markup(rows: list[QuestionRow], *, editable: bool, copied_from: str = "") -> SafeString:
    return _render("assessment/grid_rows.html", rows, editable, copied_from)
