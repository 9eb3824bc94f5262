"""The action plan as CSV and as an editable XLSX workbook, formula-safe: text a spreadsheet
would run as a formula is neutralised as in the consultants' exports (exports.neutralise)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from assessment.exports import fields, neutralise, streaming_csv
from assessment.levels import LEVEL_LABELS
from assessment.models import Action

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMN_WIDTHS = (40, 30, 14, 14, 24, 12, 13, 50, 12, 12)


def header() -> list[str]:
    return [
        _("Action"),
        _("Components"),
        _("From level"),
        _("To level"),
        _("Owner"),
        _("Due date"),
        _("Status"),
        _("Note"),
        _("Created"),
        _("Done"),
    ]


def row(action: Action, titles: dict[str, str]) -> list:
    owner = action.owner
    return [
        action.title,
        ", ".join(titles.get(slug, slug) for slug in action.components),
        str(LEVEL_LABELS.get(action.from_level, "")),
        str(LEVEL_LABELS.get(action.to_level, "")),
        (owner.get_full_name() or owner.email) if owner else "",
        action.due_date,
        str(action.get_status_display()),
        action.note,
        timezone.localdate(action.created_at),
        timezone.localdate(action.done_at) if action.done_at else None,
    ]


def filename(extension: str) -> str:
    return f"action-plan-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def csv_response(actions: list[Action], titles: dict[str, str]):
    lines = (
        fields(*("" if value is None else _csv_value(value) for value in row(action, titles)))
        + "\r\n"
        for action in actions
    )
    return streaming_csv(header(), lines, filename("csv"))


def xlsx_response(actions: list[Action], titles: dict[str, str], organisation_name: str):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Action plan")
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(name="Calibri", bold=True)
    for action in actions:
        sheet.append([_xlsx_value(value) for value in row(action, titles)])
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column in (6, 9, 10):
            cells[column - 1].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = f"{_('Action plan')}: {organisation_name}"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename("xlsx")}"'
    response["Cache-Control"] = "no-store"
    return response


def _csv_value(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _xlsx_value(value):
    """Neutralised, without the control characters a workbook cannot hold."""
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
