"""The Word report's chapters after the executive summary (docx.py has the cover and the
summary): the charts and section table, the plan, the action plan, the method and every
answer. Each reads the report's context and writes into the document."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessment import action_exports, charts, selectors
from assessment.domain.outcome import round_score
from assessment.domain.scoring import NOT_APPLICABLE, RULE_V1
from assessment.models import Action, Assessment
from assessment.reports import word

# The action plan's columns, as action_exports.header() and row() give them.
ACTION_COLUMNS = (0, 1, 4, 5, 6)  # action, components, owner, due date, status
ACTION_WIDTHS = (4.4, 5.0, 2.8, 2.3, 2.5)
RADAR_WIDTH_CM = 12.5
HEATMAP_WIDTH_CM = 14.0
ANNEX_WIDTHS = [1.4, 5.5, 5.1, 5.0]  # "10.12" on one line


def at_a_glance(document, context: dict) -> None:
    document.add_page_break()
    document.add_heading(_("At a glance"), level=1)
    word.chart(document, context["radar"], _("Maturity level by section"), width_cm=RADAR_WIDTH_CM)
    document.add_heading(_("Maturity by section"), level=2)
    previous_scores = {row["title"]: row["previous_score"] for row in context["comparison_rows"]}
    rows = []
    for part in context["parts"]:
        section = part["result"]
        previous = (
            f"{level_text(part['previous_level'], part['previous_label'])} "
            f"({score(previous_scores.get(section.title))})"
            if part["previous_level"] is not None
            else "–"
        )
        rows.append(
            [
                f"{part['number']}. {section.title}",
                level_text(section.level, section.label),
                score(section.score),
                previous,
                level_text(part["target_level"], part["target_label"]),
            ]
        )
    word.table(
        document,
        [_("Section"), _("Level"), _("Score"), _("Previous"), _("Target")],
        rows,
        [5.2, 3.1, 1.4, 4.1, 3.2],
    )
    if not context["comparison"]:
        word.paragraph(document, _("There is no previous submitted assessment to compare with."))
    document.add_page_break()
    document.add_heading(_("Level of every component"), level=2)
    # The board report's two columns of sections, one picture each.
    for number, column in enumerate(context["board_heat"], start=1):
        caption = _("Level of every component, part %(number)d of %(count)d") % {
            "number": number,
            "count": len(context["board_heat"]),
        }
        svg = charts.grouped_heatmap(
            [(title, [(row.title, row.level) for row in rows]) for title, rows in column],
            title=caption,
            tooltips=False,
        )
        word.chart(document, svg, caption, width_cm=HEATMAP_WIDTH_CM)


def improvement_plan(document, context: dict) -> None:
    document.add_page_break()
    document.add_heading(_("Improvement plan"), level=1)
    if context["targets_suggested"]:
        intro = _(
            "No targets were set, so this plan closes the gap to the targets suggested for "
            "the organisation's ambition."
        )
    else:
        intro = _("Every component below its target, grouped into workstreams that move together.")
    word.paragraph(
        document,
        intro + " " + _("Foundations that hold the overall level back come first."),
    )
    for horizon in context["roadmap"].horizons:
        document.add_heading(horizon.title, level=2)
        if not horizon.workstreams:
            word.paragraph(document, _("Nothing in this horizon."))
        for workstream in horizon.workstreams:
            title = workstream.title
            if workstream.holds_gate:
                title += " — " + _("holds the overall level back")
            document.add_heading(title, level=3)
            word.table(
                document,
                [_("Component"), _("Now"), _("Target"), _("Next step")],
                [
                    [item.title, item.current_label, item.target_label, item.next_step]
                    for item in workstream.items
                ],
                [4.0, 2.7, 2.7, 7.6],
            )
    if context["to_find_out"]:
        document.add_heading(_("What to find out"), level=2)
        word.paragraph(
            document,
            _(
                "These questions were answered “Don't know”. They count as Not in place "
                "until someone finds out, so finding out is a step of its own."
            ),
        )
        for item in context["to_find_out"]:
            word.paragraph(document, f"{item['text']} ({item['component']})", style="List Bullet")


def action_plan(document, context: dict) -> None:
    """The organisation's open and done actions (dropped ones are left out)."""
    document.add_heading(_("Action plan"), level=1)
    organisation = context["assessment"].organisation
    actions = [
        action
        for action in selectors.organisation_actions(organisation)
        if action.status != Action.Status.DROPPED
    ]
    if not actions:
        word.paragraph(
            document,
            _(
                "No actions yet: members turn the plan's workstreams into actions on the "
                "action plan page."
            ),
        )
        return
    word.paragraph(
        document,
        _("The organisation's actions across assessments, open ones first, by due date."),
    )
    titles = {component.slug: component.title for component in context["structure"].components}
    header = action_exports.header()
    rows = []
    for action in actions:
        values = action_exports.row(action, titles)
        rows.append([_action_value(values[index]) for index in ACTION_COLUMNS])
    word.table(document, [header[index] for index in ACTION_COLUMNS], rows, list(ACTION_WIDTHS))


def _action_value(value) -> str:
    if value is None:
        return ""
    return date_format(value, "j M Y") if hasattr(value, "isoformat") else str(value)


def method(document, context: dict) -> None:
    result = context["result"]
    assessment = context["assessment"]
    document.add_heading(_("Method and confidence"), level=1)
    document.add_heading(_("How levels are computed"), level=2)
    for line in rule_lines(result.scoring_rule):
        word.paragraph(document, line, style="List Bullet")
    document.add_heading(_("What the levels rest on"), level=2)
    not_applicable = sum(1 for answer in result.answers if answer.status == NOT_APPLICABLE)
    respondents = sorted(
        {
            answer.answered_by.get_full_name() or answer.answered_by.email
            for answer in context["answers"].values()
            if answer.answered_by
        }
    )
    rows = [
        [
            _("Question bank"),
            _("%(title)s, version %(version)s")
            % {"title": assessment.bank.title, "version": assessment.bank.version},
        ],
        [_("Scoring rule"), result.scoring_rule],
        [
            _("Questions answered"),
            _("%(answered)s of %(total)s")
            % {"answered": result.completeness.answered, "total": result.completeness.total},
        ],
        [_("Don't know"), str(len(result.dont_know))],
        [_("Not applicable"), str(not_applicable)],
        [_("Answered by"), ", ".join(respondents) or "–"],
        [_("Review status"), status(assessment)],
    ]
    if context["left_out"]:
        rows.append([_("Left out (does not apply)"), ", ".join(context["left_out"])])
    word.table(document, [_("Fact"), _("Value")], rows, [5.0, 12.0])


def rule_lines(rule: str) -> list[str]:
    """The scoring rule in five lines (docs/scoring.md has it in full)."""
    if rule == RULE_V1:
        level = _(
            "A component's, a section's and the overall level is the mean of its parts' "
            "levels, rounded down, and at most one above its weakest part."
        )
    else:
        level = _(
            "A component's, a section's and the overall level is the whole level nearest "
            "to its score, and at most one above its weakest part."
        )
    return [
        _("Each answer is a level from 0 (Not in place) to 4 (Automated)."),
        _("“Don't know” counts as 0; “Not applicable” is left out."),
        _("A score is the mean of its parts' scores, from questions up to the overall score."),
        level,
        _(
            "The foundation gate: while any foundation component is below Repeatable, the "
            "overall level is at most Repeatable."
        ),
    ]


def annex(document, context: dict) -> None:
    document.add_page_break()
    document.add_heading(_("Annex: every answer"), level=1)
    word.paragraph(
        document,
        _(
            "Every question, with the statement chosen, “Not applicable” or “Don't know”, "
            "the comments written with the answers and the reviewer's notes on them."
        ),
    )
    for section in context["appendix"]:
        document.add_heading(f"{section['number']}. {section['title']}", level=2)
        table = word.table(
            document, [_("No."), _("Question"), _("Answer"), _("Comment")], [], ANNEX_WIDTHS
        )
        for component in section["components"]:
            word.spanning_row(table, component["title"])
            for question in component["questions"]:
                cells = word.add_row(
                    table,
                    [
                        question["number"],
                        question["text"],
                        answer_text(question),
                        question["comment"],
                    ],
                )
                for note in question["notes"]:
                    word.paragraph(
                        cells[3], note.text, style=word.TABLE_TEXT, lead=_("Reviewer's note:")
                    )
        word.set_widths(table, ANNEX_WIDTHS)


def answer_text(question: dict) -> str:
    if question["status"] == "answered":
        return f"{question['level']} · {question['label']}: {question['statement']}"
    if question["status"] == NOT_APPLICABLE:
        return _("Not applicable")
    if question["status"] == "dont_know":
        return _("Don't know (counts as Not in place)")
    return _("Not answered yet")


def status(assessment: Assessment) -> str:
    """The status, and who reviewed it when once reviewed."""
    if assessment.status == Assessment.Status.REVIEWED and assessment.reviewed_at:
        values = {
            "date": day(assessment.reviewed_at),
            "name": assessment.reviewed_by.get_full_name() if assessment.reviewed_by else "",
        }
        if values["name"]:
            return _("Reviewed by %(name)s on %(date)s") % values
        return _("Reviewed on %(date)s") % values
    return str(assessment.get_status_display())


def day(moment, format_name: str = "j F Y") -> str:
    """A moment's date where the organisation is (TIME_ZONE), as the PDF shows it."""
    return date_format(timezone.localtime(moment), format_name)


def level_text(level: int | None, label) -> str:
    return "–" if level is None else f"{level} · {label}"


def score(value: float | None) -> str:
    """One decimal, halves rounded up, as on the page and in the PDF."""
    return "–" if value is None else f"{round_score(value, places=1):.1f}"
