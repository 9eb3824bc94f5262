"""A cohort's dashboard as CSV (the organisations) and as an XLSX workbook (the
organisations, and the levels per component), formula-safe like every other export."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessment.action_exports import XLSX_TYPE
from assessment.cohort_dashboard import Dashboard
from assessment.exports import fields, streaming_csv
from assessment.levels import LEVEL_LABELS, LEVELS
from assessment.reports.workbook import safe, sheet

ORGANISATION_WIDTHS = (36, 20, 12, 20, 10, 16, 20, 12)


def organisation_header() -> list[str]:
    return [
        _("Organisation"),
        _("State"),
        _("Answered (%)"),
        _("Last activity"),
        _("Level"),
        _("Level name"),
        _("Submitted"),
        _("Assessment id"),
    ]


def organisation_rows(dashboard: Dashboard) -> list[list]:
    rows = []
    for row in dashboard.rows:
        assessment = row.assessment
        submitted = assessment.submitted_at if assessment is not None else None
        rows.append(
            [
                row.organisation.name,
                row.state_label,
                row.percent_answered,
                _local(row.last_activity),
                row.level,
                "" if row.level is None else str(LEVEL_LABELS[row.level]),
                _local(submitted),
                assessment.pk if assessment is not None else None,
            ]
        )
    return rows


def heatmap_header() -> list[str]:
    return (
        [_("Component")]
        + [f"{level} · {LEVEL_LABELS[level]}" for level in LEVELS]
        + [_("Nothing scored")]
    )


def heatmap_rows(dashboard: Dashboard) -> list[list]:
    return [[row.section, row.component, *row.counts, row.unscored] for row in dashboard.heatmap]


def filename(dashboard: Dashboard, extension: str) -> str:
    name = slugify(dashboard.cohort.name) or "cohort"
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def csv_response(dashboard: Dashboard):
    lines = (
        fields(*("" if value is None else value for value in row)) + "\r\n"
        for row in organisation_rows(dashboard)
    )
    return streaming_csv(organisation_header(), lines, filename(dashboard, "csv"))


def xlsx_response(dashboard: Dashboard) -> HttpResponse:
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet(
        workbook,
        _("Organisations"),
        organisation_header(),
        organisation_rows(dashboard),
        ORGANISATION_WIDTHS,
    )
    sheet(
        workbook,
        _("Levels by component"),
        heatmap_header(),
        heatmap_rows(dashboard),
        (30, 40, *(14 for _level in LEVELS), 14),
    )
    workbook.properties.title = safe(_("Cohort: %(name)s") % {"name": dashboard.cohort.name})
    workbook.properties.creator = "MLOps Maturity Assessment"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(dashboard, "xlsx")}"'
    response["Cache-Control"] = "no-store"
    return response


def _local(moment):
    """A time in the site's zone without its offset, which spreadsheets cannot hold; ISO
    text in the CSV."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)
