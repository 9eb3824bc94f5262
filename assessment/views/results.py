"""Results: the page, results.json and the PDF report."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessment import (
    results,
    selectors,
    tasks,
)
from assessment.models import StoredReport
from assessment.reports.context import report_filename, report_html
from assessment.reports.rendering import ReportTimeout, render_pdf
from assessment.results_page import results_content as results_page_content

REPORT_REFRESH_SECONDS = 3


@require_safe
@login_required
def results_page(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    content = results_page_content(request, assessment)
    return render(
        request, "assessment/results.html", {"assessment": assessment, "content": content}
    )


@require_safe
@login_required
def results_json(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    return JsonResponse(results.results_document(assessment))


@require_safe
@login_required
def report_pdf(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    report = tasks.request_report(assessment)
    if report.state == StoredReport.State.READY:
        response = FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=report_filename(assessment),
            content_type="application/pdf",
        )
        return response
    if report.state == StoredReport.State.RENDERING:
        response = render(
            request,
            "assessment/report_preparing.html",
            {"assessment": assessment, "refresh_seconds": REPORT_REFRESH_SECONDS},
            status=202,
        )
        response["Refresh"] = str(REPORT_REFRESH_SECONDS)
        return response
    return not_ready(request)


@require_safe
@login_required
def board_report_pdf(request, assessment_id: int):
    """The board report alone (at most six pages): rendered on request, in about a second;
    the full report with its annex is the stored one above."""
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    try:
        pdf = render_pdf(report_html(assessment, board_only=True))
    except ReportTimeout:
        return not_ready(request)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = report_filename(assessment).replace("mlops-maturity-", "mlops-board-report-", 1)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def not_ready(request):
    response = render(
        request,
        "_error.html",
        {
            "code": 503,
            "heading": _("The report is not ready"),
            "explanation": _(
                "Preparing this report took too long. Please try again in a minute; your "
                "results page shows the same figures meanwhile."
            ),
        },
        status=503,
    )
    response["Retry-After"] = str(settings.REPORT_RETRY_SECONDS)
    return response
