"""The consultancy's name, logo and accent colour on reports, set in the admin; the logo
checked on upload and read only from storage by the report's fetcher."""

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import ReportBranding
from assessment.models.branding import validate_logo
from assessment.reports.context import report_context, report_html
from assessment.reports.fetcher import BRANDING_LOGO_BASE, FetchRefused, fetch_resource
from assessment.reports.rendering import render_pdf
from tests import factories
from tests.test_report import pages_text

pytestmark = pytest.mark.django_db

SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
    b'<rect width="40" height="10" fill="#084"/></svg>'
)


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00\x80\x40" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_the_name_logo_and_accent_appear_on_the_cover_and_in_the_running_header(org_a, bank, alice):
    assessment_a = factories.submitted(org_a, bank, alice)
    ReportBranding.objects.create(
        name="Northbridge Advisory", logo=upload("logo.svg", SVG_LOGO), accent="#6a1b4d"
    )

    html = report_html(assessment_a)
    pdf_text = render_pdf(html)

    assert 'data-brand="Northbridge Advisory · "' in html
    assert ".cover-band { background: #6a1b4d; }" in html
    logo_url = report_context(assessment_a)["branding"]["logo_url"]
    assert logo_url.startswith(BRANDING_LOGO_BASE) and f'src="{logo_url}"' in html
    assert pdf_text.startswith(b"%PDF")
    pages = pages_text(pdf_text)
    assert "Northbridge Advisory" in pages[0]
    assert all("Northbridge Advisory · MLOps maturity report" in page for page in pages[1:])


def test_without_branding_the_report_keeps_the_products_own_look(assessment_a):
    html = report_html(assessment_a)
    assert report_context(assessment_a)["branding"] is None
    assert "data-brand" not in html and "cover-logo" not in html


def test_the_fetcher_serves_only_the_brandings_own_logo_from_storage(assessment_a):
    with pytest.raises(FetchRefused):
        fetch_resource(BRANDING_LOGO_BASE + "1")
    ReportBranding.objects.create(logo=upload("logo.png", png(4, 2)))

    resource = fetch_resource(BRANDING_LOGO_BASE + "anything")

    assert resource.content_type == "image/png" and resource.body.startswith(b"\x89PNG")
    with pytest.raises(FetchRefused):
        fetch_resource("https://report.invalid/branding/../static/css/report.css")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.gif", b"GIF89a", "PNG or an SVG"),
        ("logo.png", b"not a png", "not a PNG"),
        ("logo.png", png(5000, 10), "at most 4000"),
        ("logo.svg", b"<html></html>", "not an SVG"),
        ("logo.svg", b'<!DOCTYPE svg [<!ENTITY x "y">]><svg/>', "DOCTYPE"),
        ("logo.svg", b'<svg><image href="file:///etc/passwd"/></svg>', "links to other files"),
        ("logo.svg", b"<svg>" + b" " * (600 * 1024) + b"</svg>", "at most 512 KB"),
    ],
)
def test_a_logo_that_is_not_a_small_clean_png_or_svg_is_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_logo(upload(name, content))


def test_an_accent_too_light_for_white_text_is_refused():
    branding = ReportBranding(accent="#ffd966")
    with pytest.raises(ValidationError, match="contrast"):
        branding.full_clean()
    ReportBranding(accent="#1d4e89").full_clean()


def test_administrators_set_it_once_in_the_admin_and_consultants_cannot(
    client, superuser, consultant
):
    client.force_login(superuser)
    add = reverse("admin:assessment_reportbranding_add")
    response = client.post(add, {"name": "Northbridge", "accent": "#6a1b4d"})
    assert response.status_code == 302
    assert ReportBranding.objects.get().name == "Northbridge"
    assert client.get(add).status_code == 403  # one row for the site
    client.force_login(consultant)
    assert client.get(reverse("admin:assessment_reportbranding_changelist")).status_code == 403
