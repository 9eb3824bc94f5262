"""The questionnaire's question markup, built in Python rather than in templates.

A section page shows up to ~25 questions with 5–7 radios each. Through the template engine
that is about 20 ms a page; here the escaped text of every question is prepared once per
process (published banks never change) and a request only fills in which option is
checked, the comment and the revision. The markup is the same the templates would write:
one fieldset and legend per question, labels bound to inputs, help and errors linked with
aria-describedby; the grid is a table with one radiogroup per row.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessment.forms import DONT_KNOW, NOT_APPLICABLE, QuestionRow
from assessment.models import COMMENT_MAX_LENGTH, LEVEL_CHOICES, Question


@dataclass(frozen=True)
class Option:
    value: str
    input_id: str
    label: str  # escaped


@dataclass(frozen=True)
class PreparedQuestion:
    pk: int
    text: str  # all text fields escaped
    help_text: str
    component_id: int
    component_title: str
    component_description: str
    options: tuple[Option, ...]  # the graded options, by level
    extras: tuple[Option, ...]  # "Not applicable" (when allowed) and "Don't know"
    levels: tuple[int, ...]


def prepare(question: Question) -> PreparedQuestion:
    """Escape a question's texts once; the result is kept on the (cached) question."""
    prepared = getattr(question, "_prepared_markup", None)
    if prepared is None:
        pk = question.pk
        extras = []
        if question.allows_not_applicable:
            extras.append(Option(NOT_APPLICABLE, f"q{pk}-na", "Not applicable"))
        extras.append(Option(DONT_KNOW, f"q{pk}-dk", "Don't know"))
        prepared = PreparedQuestion(
            pk=pk,
            text=escape(question.text),
            help_text=escape(question.help_text),
            component_id=question.component_id,
            component_title=escape(question.component.title),
            component_description=escape(question.component.description),
            options=tuple(
                Option(str(choice.pk), f"q{pk}-{choice.pk}", escape(choice.statement))
                for choice in question.choices_list
            ),
            extras=tuple(extras),
            levels=tuple(choice.level for choice in question.choices_list),
        )
        question._prepared_markup = prepared
    return prepared


def _radio(q: PreparedQuestion, option: Option, row: QuestionRow, state: str, described: str):
    checked = " checked" if row.value == option.value else ""
    return (
        f'<input class="form-check-input" type="radio" name="q{q.pk}" id="{option.input_id}" '
        f'value="{option.value}"{checked}{state}{described}>'
    )


def _described_by(q: PreparedQuestion, row: QuestionRow) -> str:
    ids = [f"help-{q.pk}"] if q.help_text else []
    if row.error:
        ids.append(f"error-{q.pk}")
    return f' aria-describedby="{" ".join(ids)}"' if ids else ""


def _error(q: PreparedQuestion, row: QuestionRow, css: str) -> str:
    if not row.error:
        return ""
    return (
        f'<p id="error-{q.pk}" class="{css}" role="alert">'
        f'<span class="visually-hidden">Error: </span>{escape(row.error)}</p>'
    )


def _conflict(row: QuestionRow) -> str:
    return render_to_string("assessment/_conflict.html", {"row": row}) if row.conflict else ""


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


def _comment(q: PreparedQuestion, row: QuestionRow, editable: bool, *, compact: bool) -> str:
    # No maxlength: a browser would cut a pasted comment silently; the server refuses one
    # that is too long and shows it again, whole, with its count (kept live by section.js).
    is_open = " open" if row.comment else ""
    summary = (
        _("Comment")
        if compact
        else _("Comment or evidence")
        + f' <span class="small text-body-secondary">{_("(optional)")}</span>'
    )
    css = "form-control form-control-sm mt-1" if compact else "form-control mt-2"
    details_css = "mt-1 fw-normal" if compact else "mt-2"
    summary_attributes = ' class="small"' if compact else ""
    count, over = comment_count(len(row.comment))
    count_css = "char-count small " + ("text-danger fw-semibold" if over else "text-body-secondary")
    described = f"count-{q.pk}" + (f" error-{q.pk}" if row.error else "")
    # Read-only rather than disabled, so that text that can no longer be saved can be copied.
    state = "" if editable else " readonly"
    return (
        f'<details class="{details_css}"{is_open}>'
        f"<summary{summary_attributes}>{summary}</summary>"
        f'<label class="visually-hidden" for="c{q.pk}">'
        f"{_('Comment or evidence for:')} {q.text}</label>"
        f'<textarea class="{css}" id="c{q.pk}" name="c{q.pk}" rows="2" '
        f'aria-describedby="{described}" data-count="count-{q.pk}"{state}>'
        f"{escape(row.comment)}</textarea>"
        f'<p id="count-{q.pk}" class="{count_css}">{count}</p></details>'
        f'<input type="hidden" name="r{q.pk}" value="{row.revision}">'
    )


def question_fieldset(row: QuestionRow, *, editable: bool) -> str:
    q = prepare(row.question)
    state = "" if editable else " disabled"
    described = _described_by(q, row)
    parts = [
        f'<fieldset class="question{" has-error" if row.error else ""}" id="q-{q.pk}">',
        f"<legend>{q.text}</legend>",
    ]
    if q.help_text:
        parts.append(f'<p id="help-{q.pk}" class="small text-body-secondary">{q.help_text}</p>')
    parts.append(_error(q, row, "text-danger fw-semibold"))
    parts.append(_conflict(row))
    for option in q.options:
        parts.append(
            f'<div class="option">{_radio(q, option, row, state, described)}'
            f'<label for="{option.input_id}">{option.label}</label></div>'
        )
    parts.append('<div class="extra-options">')
    for option in q.extras:
        label = option.label
        if option.value == NOT_APPLICABLE:
            label = "Not applicable to us"
        else:
            label += (
                ' <span class="text-body-secondary small">(counts as Not in place, and goes '
                "on your list of things to find out)</span>"
            )
        parts.append(
            f'<div class="option">{_radio(q, option, row, state, "")}'
            f'<label for="{option.input_id}">{label}</label></div>'
        )
    parts.append("</div>")
    parts.append(_comment(q, row, editable, compact=False))
    parts.append("</fieldset>")
    return "".join(parts)


def questions_markup(rows: list[QuestionRow], *, editable: bool) -> SafeString:
    """Every question of a section, under the heading of its component."""
    parts = []
    component_id = None
    for row in rows:
        q = prepare(row.question)
        if q.component_id != component_id:
            component_id = q.component_id
            parts.append(f'<h2 class="h4 component-heading">{q.component_title}</h2>')
            if q.component_description:
                parts.append(f'<p class="text-body-secondary">{q.component_description}</p>')
        parts.append(question_fieldset(row, editable=editable))
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def grid_markup(rows: list[QuestionRow], *, editable: bool) -> SafeString:
    """The table rows of the pipeline grid: one radiogroup per component, a cell per level."""
    state = "" if editable else " disabled"
    parts = []
    for row in rows:
        q = prepare(row.question)
        described = f' aria-describedby="help-{q.pk}"' if q.help_text else ""
        error_class = ' class="row-error"' if row.error else ""
        parts.append(
            f'<tr id="q-{q.pk}" role="radiogroup" aria-labelledby="label-{q.pk}"{error_class}>'
            '<th scope="row">'
            f'<span id="label-{q.pk}" class="d-block">{q.component_title}</span>'
            f'<span class="d-block small fw-normal">{q.text}</span>'
        )
        if q.help_text:
            parts.append(
                '<details class="small fw-normal mt-1"><summary>What this covers</summary>'
                f'<div id="help-{q.pk}" class="text-body-secondary">{q.help_text}</div></details>'
            )
        parts.append(_error(q, row, "text-danger small"))
        parts.append(_conflict(row))
        parts.append(_comment(q, row, editable, compact=True))
        parts.append("</th>")
        by_level = dict(zip(q.levels, q.options, strict=True))
        for level, level_label in LEVEL_CHOICES:
            parts.append(f'<td data-level="{level_label}">')
            option = by_level.get(level)
            if option is not None:
                parts.append(
                    f'<label for="{option.input_id}">{_radio(q, option, row, state, described)} '
                    f"{option.label}</label>"
                )
            parts.append("</td>")
        parts.append('<td data-level="Other">')
        for option in q.extras:
            parts.append(
                f'<label for="{option.input_id}">{_radio(q, option, row, state, "")} '
                f"{option.label}</label>"
            )
        parts.append("</td></tr>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
