"""The editable downloads of one assessment: the Word report and the results workbook.

Same access as results.json and the PDF: members of the owning organisation and
consultants; anyone else gets 404. Both are built on request: about a second for the report
(mostly drawing its charts), a tenth of that for the workbook. Like every response, they are
sent with ``Cache-Control: no-store`` (maturity_site/middleware.py).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from assessment import selectors
from assessment.action_exports import XLSX_TYPE
from assessment.reports.context import report_filename
from assessment.reports.docx import report_docx
from assessment.reports.workbook import results_workbook

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_safe
@login_required
def report_word(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    return attachment(report_docx(assessment), filename(assessment, "docx"), DOCX_TYPE)


@require_safe
@login_required
def results_xlsx(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    return attachment(results_workbook(assessment), filename(assessment, "xlsx"), XLSX_TYPE)


def filename(assessment, extension: str) -> str:
    """The PDF's name (organisation, date, "-draft" while provisional) with this extension."""
    return f"{report_filename(assessment).removesuffix('.pdf')}.{extension}"


def attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
