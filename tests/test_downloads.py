"""The Word report and the results workbook are downloaded like the PDF: by members of the
owning organisation and consultants, named like the PDF, linked from the admin."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from assessment.views.downloads import DOCX_TYPE, XLSX_TYPE
from tests import factories

pytestmark = pytest.mark.django_db

DOWNLOADS = [
    ("assessment_report_docx", DOCX_TYPE, "docx", "Word report"),
    ("assessment_results_xlsx", XLSX_TYPE, "xlsx", "Results workbook"),
]


def opens(extension: str, content: bytes) -> bool:
    if extension == "docx":
        return bool(Document(io.BytesIO(content)).paragraphs)
    return bool(load_workbook(io.BytesIO(content)).sheetnames)


@pytest.fixture
def submitted(org_a, bank, alice):
    return factories.submitted(org_a, bank, alice)


@pytest.mark.parametrize(("name", "content_type", "extension", "link"), DOWNLOADS)
@pytest.mark.parametrize("who", ["alice", "bob", "consultant"])
def test_members_and_consultants_download_it_named_like_the_pdf(
    client, submitted, who, request, name, content_type, extension, link
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse(name, args=[submitted.pk]))

    day = timezone.localdate(submitted.submitted_at).isoformat()
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="mlops-maturity-acme-analytics-{day}.{extension}"'
    )
    assert "no-store" in response["Cache-Control"]
    assert opens(extension, response.content)


@pytest.mark.parametrize(("name", "content_type", "extension", "link"), DOWNLOADS)
def test_the_admin_review_page_links_to_it(
    client, submitted, consultant, name, content_type, extension, link
):
    client.force_login(consultant)

    page = client.get(reverse("admin:assessment_assessment_change", args=[submitted.pk]))

    assert f'<a href="{reverse(name, args=[submitted.pk])}">{link}</a>' in page.content.decode()


@pytest.mark.parametrize(("name", "content_type", "extension", "link"), DOWNLOADS)
def test_anonymous_visitors_log_in_others_get_404_and_only_get_is_allowed(
    client, submitted, alice, carol, name, content_type, extension, link
):
    url = reverse(name, args=[submitted.pk])

    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(carol)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.post(url).status_code == 405
