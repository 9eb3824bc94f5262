"""The results as an editable XLSX workbook (openpyxl), for consultants to work in: sections,
components, every answer and the action plan, a sheet each.

Everything comes from ``results.results_for`` (nothing is scored again here). Every sheet
has a bold header row that stays in view, an autofilter and set column widths. Text that a
spreadsheet would run as a formula is neutralised as in the other exports
(``exports.neutralise``), and the control characters a workbook cannot hold are removed.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from assessment import action_exports, selectors
from assessment.domain.outcome import round_score
from assessment.exports import neutralise
from assessment.levels import LEVEL_LABELS
from assessment.models import Answer, Assessment
from assessment.results import Results, results_for

# Excel holds at most 32,767 characters in a cell.
CELL_MAX_CHARS = 32767
DATE_FORMAT = "yyyy-mm-dd"
SCORE_FORMAT = "0.00"
# Row heights for wrapped text: characters of 11 pt Calibri a unit of column width holds
# (a unit is one "0"; text averages narrower), points a line, and Excel's tallest row.
CHARACTERS_PER_WIDTH = 1.1
LINE_HEIGHT = 15
MAX_ROW_HEIGHT = 409
# The workbook's own font (openpyxl's default), in bold: Font(bold=True) alone names no font.
HEADER_FONT = Font(name="Calibri", size=11, bold=True)


def results_workbook(assessment: Assessment) -> bytes:
    results = results_for(assessment)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet(workbook, _("Sections"), *sections_sheet(results))
    sheet(workbook, _("Components"), *components_sheet(results))
    sheet(workbook, _("Answers"), *answers_sheet(results))
    sheet(workbook, _("Action plan"), *actions_sheet(results))
    workbook.properties.title = safe(
        _("MLOps maturity results: %(organisation)s")
        % {"organisation": assessment.organisation.name}
    )
    workbook.properties.creator = "MLOps Maturity Assessment"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], widths) -> None:
    """A sheet: the header row in bold and frozen, an autofilter over it all, the widths
    set, long text wrapped, dates shown as dates; printed landscape to the page's width."""
    worksheet = workbook.create_sheet(title)
    worksheet.append(header)
    for cell in worksheet[1]:
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    for values in rows:
        worksheet.append([safe(value) for value in values])
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.row_dimensions[1].height = _height(header, widths)
    for cells in worksheet.iter_rows(min_row=2):
        worksheet.row_dimensions[cells[0].row].height = _height(
            [cell.value for cell in cells], widths
        )
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, float):
                cell.number_format = SCORE_FORMAT
    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = worksheet.dimensions
    # Printed: landscape, as wide as the page, the header row on every page.
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.page_setup.fitToWidth, worksheet.page_setup.fitToHeight = 1, 0
    worksheet.print_title_rows = "1:1"
    worksheet.print_options.gridLines = True


def _height(values: list, widths) -> float:
    """A row's height in points, for its longest wrapped text: spreadsheets do not grow a
    row to fit wrapped text by themselves (LibreOffice does not, Excel not always)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            per_line = max(1, int(width * CHARACTERS_PER_WIDTH))
            lines = max(lines, sum(-(-len(line) // per_line) or 1 for line in value.splitlines()))
    return min(LINE_HEIGHT * lines + 2, MAX_ROW_HEIGHT)


def safe(value):
    """A value a spreadsheet shows as it is: text never runs as a formula, and holds none
    of the characters a workbook refuses."""
    if isinstance(value, Promise):  # a lazy translation, such as a level's label
        value = str(value)
    value = neutralise(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX_CHARS]
    return value


def sections_sheet(results: Results):
    header = [
        _("Section"),
        _("Level"),
        _("Level name"),
        _("Score"),
        _("Previous level"),
        _("Previous level name"),
        _("Previous score"),
        _("Target level"),
        _("Target level name"),
        _("Why this level"),
    ]
    previous = results.comparison.result if results.comparison else None
    rows = []
    for part in results.sections:
        section = part["result"]
        rows.append(
            [
                section.title,
                section.level,
                section.label,
                round_score(section.score),
                part["previous_level"],
                part["previous_label"],
                _previous_score(previous, section.slug),
                part["target_level"],
                part["target_label"],
                part["explanation"],
            ]
        )
    return header, rows, (36, 8, 14, 8, 10, 16, 10, 10, 16, 60)


def _previous_score(previous, slug: str) -> float | None:
    if previous is None:
        return None
    try:
        return round_score(previous.section(slug).score)
    except KeyError:  # not in the previous assessment's bank
        return None


def components_sheet(results: Results):
    header = [
        _("Section"),
        _("Component"),
        _("Foundation"),
        _("Score"),
        _("Level"),
        _("Level name"),
        _("Previous level"),
        _("Previous level name"),
        _("Target level"),
        _("Target level name"),
        _("Why this level"),
    ]
    rows = [
        [
            part["result"].title,
            row.result.title,
            _("Yes") if row.result.foundation else _("No"),
            round_score(row.result.score),
            row.result.level,
            row.result.label,
            row.previous_level,
            row.previous_label,
            row.target_level,
            row.target_label,
            row.explanation,
        ]
        for part in results.sections
        for row in part["components"]
    ]
    return header, rows, (30, 36, 11, 8, 8, 14, 10, 16, 10, 16, 60)


def answers_sheet(results: Results):
    """Every question of the sections shown, answered or not, in the bank's order."""
    header = [
        _("Section"),
        _("Component"),
        _("Question"),
        _("Status"),
        _("Level"),
        _("Level name"),
        _("Statement"),
        _("Comment"),
        _("Answered by"),
        _("Answered on"),
    ]
    rows = []
    for part in results.sections:
        section = results.structure.section(part["result"].slug)
        for component in section.components_list:
            for question in component.questions_list:
                answer = results.answers.get(question.pk)
                rows.append([section.title, component.title, question.text, *_answer(answer)])
    return header, rows, (26, 28, 50, 14, 8, 14, 50, 50, 22, 12)


def _answer(answer: Answer | None) -> list:
    if answer is None:
        return [_("Not answered yet"), None, None, "", "", "", None]
    level = answer.choice.level if answer.choice else None
    person = answer.answered_by
    return [
        str(answer.get_status_display()),
        level,
        LEVEL_LABELS.get(level),
        answer.choice.statement if answer.choice else "",
        answer.comment,
        (person.get_full_name() or person.email) if person else "",
        timezone.localdate(answer.updated_at),
    ]


def actions_sheet(results: Results):
    """The organisation's action plan, as its own export lays it out."""
    actions = selectors.organisation_actions(results.assessment.organisation)
    titles = {component.slug: component.title for component in results.structure.components}
    rows = [action_exports.row(action, titles) for action in actions]
    return action_exports.header(), rows, action_exports.COLUMN_WIDTHS
