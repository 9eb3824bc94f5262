"""The questionnaire's question markup: the question list and the pipeline grid's rows.

A section page shows up to ~25 questions with 5–7 radios each. This markup is the hot path
of the questionnaire (docs/performance.md): through the Django template engine it cost
about 20 ms a page, through Jinja2 1.5–3 ms, and built here from texts escaped once per
process about a tenth of that. So it is written in Python, in the same shape a template
would be: one fieldset and legend per question, labels bound to inputs, help and errors
linked with aria-describedby; the grid is a table row per question, each radio named by
its row's question and its own level and statement (aria-labelledby), so that it says
which question, which level and which statement it is at every width.

Every value written here is either escaped once per process by ``prepare`` (question
texts, option statements, ids), translated and escaped once per language
(``_translated_texts``), made of ids and fixed words, or escaped on the spot (what the
respondent typed, errors).
"""

from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessment.forms.questionnaire import DONT_KNOW, NOT_APPLICABLE, QuestionRow, field_names
from assessment.levels import LEVEL_CHOICES
from assessment.models import COMMENT_MAX_LENGTH


def _escaped(value) -> str:
    return escape(str(value))


def conflict(row: QuestionRow) -> str:
    """What a colleague (or another tab) saved meanwhile; rare, so a Django template."""
    if not row.conflict:
        return ""
    return render_to_string("assessment/_conflict.html", {"row": row})


@dataclass(frozen=True)
class Option:
    value: str
    input_id: str
    label: str


@dataclass(frozen=True)
class PreparedQuestion:
    """A question's texts and ids, escaped once per process (published banks never change),
    so that a request's render only fills in what is checked, the comment and the revision."""

    pk: str
    name: str
    comment_name: str
    revision_name: str
    text: str
    help_text: str
    component_id: int
    component_title: str
    component_description: str
    options: tuple[Option, ...]  # the graded options, by level
    by_level: dict[int, Option]
    allows_not_applicable: bool


def prepare(question) -> PreparedQuestion:
    prepared = getattr(question, "_prepared_markup", None)
    if prepared is None:
        names = field_names(question.pk)
        options = tuple(
            Option(
                _escaped(choice.pk),
                _escaped(f"{names.answer}-{choice.pk}"),
                _escaped(choice.statement),
            )
            for choice in question.choices_list
        )
        prepared = PreparedQuestion(
            pk=_escaped(question.pk),
            name=_escaped(names.answer),
            comment_name=_escaped(names.comment),
            revision_name=_escaped(names.revision),
            text=_escaped(question.text),
            help_text=_escaped(question.help_text),
            component_id=question.component_id,
            component_title=_escaped(question.component.title),
            component_description=_escaped(question.component.description),
            options=options,
            by_level={
                choice.level: option
                for choice, option in zip(question.choices_list, options, strict=True)
            },
            allows_not_applicable=question.allows_not_applicable,
        )
        question._prepared_markup = prepared
    return prepared


def carried_over_note(copied_from: str) -> str:
    """What a question whose answer was copied from an earlier assessment says."""
    if copied_from:
        return _("Carried over from “%(title)s” — confirm or change") % {"title": copied_from}
    return _("Carried over from the previous assessment — confirm or change")


@lru_cache(maxsize=256)
def _translated_texts(language: str, copied_from: str) -> dict[str, str]:
    """The page's words in ``language`` (the active one), translated and escaped once per
    process rather than once per question; ``copied_from`` is a title, so few per process."""
    return {
        key: _escaped(text)
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
            # Formatted per question with digits only, so escaped once here.
            "count_empty": _("Up to %(limit)s characters"),
            "count": _("%(length)s of %(limit)s characters"),
            "count_over": _("%(length)s of %(limit)s characters: %(over)s too many"),
        }.items()
    } | {level: _escaped(label) for level, label in LEVEL_CHOICES}


def _comment_count(length: int, text: dict[str, str]) -> tuple[str, bool]:
    """The count under a comment box, and whether the comment is over the limit."""
    values = {
        "length": f"{length:,}",
        "limit": f"{COMMENT_MAX_LENGTH:,}",
        "over": f"{length - COMMENT_MAX_LENGTH:,}",
    }
    if not length:
        return text["count_empty"] % values, False
    if length > COMMENT_MAX_LENGTH:
        return text["count_over"] % values, True
    return text["count"] % values, False


def _described_by(row: QuestionRow, q: PreparedQuestion) -> str:
    ids = []
    if row.carried_over:
        ids.append(f"carried-{q.pk}")
    if q.help_text:
        ids.append(f"help-{q.pk}")
    if row.error:
        ids.append(f"error-{q.pk}")
    return f' aria-describedby="{" ".join(ids)}"' if ids else ""


def _error(row: QuestionRow, q: PreparedQuestion, css: str, text: dict[str, str]) -> str:
    if not row.error:
        return ""
    return (
        f'<p id="error-{q.pk}" class="{css}" role="alert"><span class="visually-hidden">'
        f"{text['error']} </span>{_escaped(row.error)}</p>"
    )


def _carried(row: QuestionRow, q: PreparedQuestion, text: dict[str, str]) -> str:
    """An answer copied from an earlier assessment and not yet confirmed or changed: said
    in words (not only by colour), and named in the radios' aria-describedby."""
    if not row.carried_over:
        return ""
    return (
        f'<p id="carried-{q.pk}" class="carried-note small fw-normal mb-2 mt-1 px-2 py-1 '
        f'rounded border border-warning bg-warning-subtle text-warning-emphasis">'
        f"{text['carried_over']}</p>"
    )


def _comment(
    row: QuestionRow, q: PreparedQuestion, text: dict[str, str], editable: bool, compact: bool
) -> str:
    """The comment box. No maxlength: a browser would cut a pasted comment silently; the
    server refuses one that is too long and shows it again, whole, with its count (kept
    live by section.js). Read-only rather than disabled, so that text that can no longer be
    saved can be copied."""
    count, over = _comment_count(len(row.comment), text)
    if compact:
        opening = '<details class="comment-details mt-1 fw-normal"'
        summary = f'<summary class="small">{text["comment"]}</summary>'
        box = "form-control form-control-sm mt-1"
    else:
        opening = '<details class="comment-details mt-2"'
        summary = (
            f"<summary>{text['comment_or_evidence']} "
            f'<span class="small text-body-secondary">{text["optional"]}</span></summary>'
        )
        box = "form-control mt-2"
    return (
        f"{opening}{' open' if row.comment else ''}>{summary}"
        f'<label class="visually-hidden" for="{q.comment_name}">{text["comment_for"]} '
        f'{q.text}</label><textarea class="{box}" id="{q.comment_name}" '
        f'name="{q.comment_name}" rows="2" aria-describedby="count-{q.pk}'
        f'{f" error-{q.pk}" if row.error else ""}" data-count="count-{q.pk}"'
        f"{'' if editable else ' readonly'}>{_escaped(row.comment)}</textarea>"
        f'<p id="count-{q.pk}" class="char-count small '
        f'{"text-danger fw-semibold" if over else "text-body-secondary"}">{count}</p>'
        f'</details><input type="hidden" name="{q.revision_name}" value="{row.revision}">'
    )


def _question(row: QuestionRow, q: PreparedQuestion, text: dict[str, str], editable: bool) -> str:
    """One question of the list: a fieldset, its radios, "Not applicable" when the question
    allows it, "Don't know", and the comment box."""
    state = "" if editable else " disabled"
    described = _described_by(row, q)
    if row.error:
        css = " has-error"
    elif row.carried_over:
        css = " carried-over border-warning"
    else:
        css = ""
    parts = [
        f'<fieldset class="question{css}" id="q-{q.pk}"><legend>{q.text}</legend>',
        _carried(row, q, text),
    ]
    if q.help_text:
        parts.append(
            f'<details class="question-help small mb-2"><summary>{text["what_this_means"]}'
            f'</summary><p id="help-{q.pk}" class="text-body-secondary mb-0 mt-1">'
            f"{q.help_text}</p></details>"
        )
    parts.append(_error(row, q, "text-danger fw-semibold", text))
    parts.append(conflict(row))
    value = row.value
    for option in q.options:
        parts.append(
            f'<div class="option"><input class="form-check-input" type="radio" name="{q.name}" '
            f'id="{option.input_id}" value="{option.value}"'
            f"{' checked' if value == option.value else ''}{state}{described}>"
            f'<label for="{option.input_id}">{option.label}</label></div>'
        )
    parts.append('<div class="extra-options">')
    if q.allows_not_applicable:
        parts.append(
            f'<div class="option"><input class="form-check-input" type="radio" name="{q.name}" '
            f'id="{q.name}-na" value="{NOT_APPLICABLE}"'
            f"{' checked' if value == NOT_APPLICABLE else ''}{state}{described}>"
            f'<label for="{q.name}-na">{text["not_applicable_to_us"]}</label></div>'
        )
    parts.append(
        f'<div class="option"><input class="form-check-input" type="radio" name="{q.name}" '
        f'id="{q.name}-dk" value="{DONT_KNOW}"'
        f"{' checked' if value == DONT_KNOW else ''}{state}{described}>"
        f'<label for="{q.name}-dk">{text["dont_know"]} '
        f'<span class="text-body-secondary small">{text["dont_know_note"]}</span></label></div>'
        "\n</div>"
    )
    parts.append(_comment(row, q, text, editable=editable, compact=False))
    parts.append("</fieldset>")
    return "".join(parts)


def _grid_radio(
    q: PreparedQuestion, input_id: str, value: str, checked: bool, label: str, rest: str
) -> str:
    return (
        f'<label for="{input_id}"><input class="form-check-input" type="radio" name="{q.name}" '
        f'id="{input_id}" value="{value}"{" checked" if checked else ""}{rest[0]}'
        f' aria-labelledby="label-{q.pk} {input_id}-text"{rest[1]}> '
        f'<span id="{input_id}-text">{label}</span></label>'
    )


def _grid_row(row: QuestionRow, q: PreparedQuestion, text: dict[str, str], editable: bool) -> str:
    """One table row of the pipeline grid: the component and question, then a cell per
    level (empty where the question has no statement for it), then "Other"."""
    rest = ("" if editable else " disabled", _described_by(row, q))
    error_class = ' class="row-error"' if row.error else ""
    parts = [
        f'<tr id="q-{q.pk}"{error_class}><th scope="row">'
        f'<span id="label-{q.pk}"><span class="d-block">{q.component_title}</span> '
        f'<span class="d-block small fw-normal">{q.text}</span></span>',
        _carried(row, q, text),
    ]
    if q.help_text:
        parts.append(
            f'<details class="small fw-normal mt-1"><summary>{text["what_this_covers"]}'
            f'</summary><div id="help-{q.pk}" class="text-body-secondary">{q.help_text}'
            "</div></details>"
        )
    parts.append(_error(row, q, "text-danger small", text))
    parts.append(conflict(row))
    parts.append(_comment(row, q, text, editable=editable, compact=True))
    parts.append("</th>")
    value = row.value
    for level, _label in LEVEL_CHOICES:
        option = q.by_level.get(level)
        if option is None:
            parts.append("<td></td>")
            continue
        label = (
            f'<span class="grid-level">{text[level]}<span class="visually-hidden">:</span>'
            f"</span> {option.label}"
        )
        checked = value == option.value
        parts.append(
            f"<td>{_grid_radio(q, option.input_id, option.value, checked, label, rest)}</td>"
        )
    parts.append(f'<td data-level="{text["other"]}">')
    if q.allows_not_applicable:
        checked = value == NOT_APPLICABLE
        label = text["not_applicable"]
        parts.append(_grid_radio(q, f"{q.name}-na", NOT_APPLICABLE, checked, label, rest))
    checked = value == DONT_KNOW
    parts.append(_grid_radio(q, f"{q.name}-dk", DONT_KNOW, checked, text["dont_know"], rest))
    parts.append("</td></tr>")
    return "".join(parts)


# ``copied_from``: the title of the assessment that carried-over answers came from.
def questions_markup(
    rows: list[QuestionRow], *, editable: bool, copied_from: str = ""
) -> SafeString:
    """Every question of a section, under the heading of its component."""
    text = _translated_texts(get_language(), copied_from)
    parts = []
    component = None
    for row in rows:
        q = prepare(row.question)
        if q.component_id != component:
            component = q.component_id
            parts.append(f'<h2 class="h4 component-heading">{q.component_title}</h2>')
            if q.component_description:
                parts.append(f'<p class="text-body-secondary">{q.component_description}</p>')
        parts.append(_question(row, q, text, editable))
    return mark_safe("".join(parts))  # noqa: S308 — escaped as the module docstring says


def grid_markup(rows: list[QuestionRow], *, editable: bool, copied_from: str = "") -> SafeString:
    """The table rows of the pipeline grid, a row per question."""
    text = _translated_texts(get_language(), copied_from)
    rows_markup = "".join(_grid_row(row, prepare(row.question), text, editable) for row in rows)
    return mark_safe(rows_markup)  # noqa: S308 — escaped as the module docstring says
