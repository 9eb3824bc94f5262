"""The PDF report: contents, safety (fetcher, escaping, deadline), stored files, access.

WeasyPrint takes about a second per report, so this file renders five PDFs in all and
checks as much as it can on each.
"""

import io
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessment import services, tasks
from assessment.bank import load_bank, read_bank_file
from assessment.models import Answer, Assessment, ConsultantNote, Organisation, StoredReport
from assessment.reports.context import (
    AUTHOR,
    MAX_COMMENT_CHARS,
    MAX_SUMMARY_CHARS,
    report_context,
    report_filename,
    report_html,
)
from assessment.reports.fetcher import STATIC_BASE, FetchRefused, fetch_resource, url_fetcher
from assessment.reports.rendering import PDF_VARIANT, ReportTimeout, deadline, layout, render_pdf
from assessment.reports.stored import claim_report, content_key
from assessment.results import results_for
from tests import factories
from tests.held_back import HELD_BACK, held_back_assessment
from tests.realistic import realistic_v2_assessment

# The sample bank: question slug -> level (None: "Don't know", "na": Not applicable).
ANSWERS = {
    "training-data-versions": 2,
    "data-lineage": 1,
    "data-validation-checks": 3,
    "feature-store": "na",
    "run-tracking": 3,
    "rerun-training": None,
    "drift-monitoring": 1,
    "retraining": 2,
    "grid-deployment-automation": 4,
    "grid-rollback-automation": 3,
}
SECTION_TITLES = ["Data management and pipeline", "Model lifecycle", "Pipeline automation grid"]
PROVISIONAL = "Provisional — not submitted"


def answer_all(assessment, answers=ANSWERS, *, comment="Checked with the data team."):
    for slug, level in answers.items():
        if level == "na":
            factories.answer(assessment, slug, status=Answer.Status.NOT_APPLICABLE, comment=comment)
        else:
            factories.answer(assessment, slug, level, comment=comment)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with whitespace collapsed, so wrapped lines read as one."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def stored_pdf(assessment) -> bytes:
    """The report as a download gets it: rendered (here, at once) and read from storage."""
    report = tasks.request_report(assessment)
    with report.file.open("rb") as file:
        return file.read()


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def consultant(db):
    user = factories.make_user(
        "morgan@consult.example", first_name="Morgan", last_name="Reyes", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


@pytest.fixture
def submitted(assessment_a, alice):
    answer_all(assessment_a)
    return services.submit_assessment(assessment=assessment_a, user=alice)


@pytest.fixture
def reviewed(org_a, bank, alice, consultant, submitted):
    """Submitted and reviewed, with a previous assessment to compare with, and notes."""
    previous = factories.make_assessment(
        organisation=org_a, bank=bank, created_by=alice, title="MLOps maturity 2025"
    )
    answer_all(previous, {slug: 1 if level != "na" else "na" for slug, level in ANSWERS.items()})
    services.submit_assessment(assessment=previous, user=alice)
    Assessment.objects.filter(pk=previous.pk).update(
        submitted_at=timezone.now() - timedelta(days=365)
    )
    services.review_transition(assessment=submitted, to_status="in_review", consultant=consultant)
    lineage = Answer.objects.get(assessment=submitted, question__slug="data-lineage")
    for text, shared, answer in [
        ("Lineage is the gap to close first.", True, lineage),
        ("Strong experiment tracking overall.", True, None),
        ("Internal: double-check the grid answers.", False, None),
    ]:
        services.add_consultant_note(
            assessment=submitted, author=consultant, text=text, shared=shared, answer=answer
        )
    return services.review_transition(
        assessment=submitted,
        to_status="reviewed",
        consultant=consultant,
        message="A solid base; monitoring needs investment this year.",
    )


# --- Contents ----------------------------------------------------------------------


def test_the_report_holds_every_part_of_a_reviewed_assessment(reviewed):
    assessment = Assessment.objects.select_related("organisation", "bank").get(pk=reviewed.pk)
    context = report_context(assessment)
    pdf = stored_pdf(assessment)
    pages = pages_text(pdf)
    text = " ".join(pages)
    reader = PdfReader(io.BytesIO(pdf))

    assert pdf.startswith(b"%PDF-")
    assert 6 <= len(pages) <= 20
    day = timezone.localdate(assessment.submitted_at).isoformat()
    assert report_filename(assessment) == f"mlops-maturity-acme-analytics-{day}.pdf"

    # Cover and summary.
    assert "Acme Analytics" in pages[0]
    assert f"Level {context['result'].overall.level}" in pages[0]
    assert "sample-1" in pages[0]
    assert "Reviewed" in pages[0]
    assert "Executive summary" in text
    for item in context["roadmap"].top(3):
        assert flat(item.next_step) in text
    # One part per section, each component with its level, meaning and next step.
    for part in context["parts"]:
        assert part["result"].title in text
        for row in part["components"]:
            # Its row reads: title, [FOUNDATION], [n "Don't know"], level label, score.
            assert re.search(
                re.escape(row.result.title)
                + r"(?: FOUNDATION)?(?: \d+ “Don't know”)? "
                + re.escape(row.result.label)
                + rf" score {row.result.score:.1f}",
                text,
            ), row.result.title
            assert flat(row.current.looks_like) in text
    for title in SECTION_TITLES:
        assert text.count(title) >= 3  # contents, section part, appendix
    # The roadmap in three horizons, and what to find out.
    for horizon in ("Next 90 days", "Next 6 months", "Next 12 months"):
        assert horizon in text
    for item in context["roadmap"].items:
        assert item.title in text
        assert flat(item.next_step) in text
    assert "What to find out" in text
    assert flat(context["roadmap"].to_find_out[0].text) in text
    # Comparison with the previous assessment.
    assert "Comparison with the previous assessment" in text
    assert "MLOps maturity 2025" in text
    # Appendix: every question, the chosen statement, N/A, Don't know, comments.
    for section in context["appendix"]:
        for component in section["components"]:
            for question in component["questions"]:
                assert flat(question["text"]) in text
                if question["statement"]:
                    assert flat(question["statement"]) in text
    assert "Not applicable" in text
    assert "Don't know" in text
    assert text.count("Checked with the data team.") == len(ANSWERS)
    # Consultant review: the summary and shared notes, never private ones.
    assert "A solid base; monitoring needs investment this year." in text
    assert "Lineage is the gap to close first." in text
    assert "Strong experiment tracking overall." in text
    assert "Internal: double-check" not in text

    # Running header and page numbers on every page but the cover; no draft mark.
    for number, page in enumerate(pages[1:], start=2):
        assert "Acme Analytics" in page
        assert f"Page {number} of {len(pages)}" in page
    assert not any("Provisional" in page for page in pages)

    # The contents (on the annex's first page) give the page each part starts on.
    at = next(index for index, page in enumerate(pages) if "Contents" in page)
    contents = pages[at]
    for title in ("Executive summary", "Improvement plan", "Appendix: every answer"):
        number = int(re.search(re.escape(title) + r"[ .]*(\d+)", contents).group(1))
        first = next(
            index for index, page in enumerate(pages, start=1) if title in page and index != at + 1
        )
        assert first == number, f"{title} starts on page {first}, the contents say {number}"

    # Metadata, language and tags.
    assert reader.metadata.title == "MLOps maturity report: Acme Analytics"
    assert reader.metadata.author == AUTHOR
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    # Charts are vector drawings: no raster image anywhere. No emoji font either: named
    # in the font stack, it would draw digits as bitmaps.
    assert all(not page.images for page in reader.pages)
    fonts = _font_names(pdf)
    assert any("Noto-Sans" in font for font in fonts), fonts
    assert not any("Emoji" in font for font in fonts), fonts


def test_the_heatmap_of_the_whole_v2_bank_fits_one_page_in_two_balanced_columns(org_a, alice):
    v2 = load_bank(data=read_bank_file(factories.FIXTURES / "question_bank_v2.yaml")).bank
    assessment = factories.make_assessment(organisation=org_a, bank=v2, created_by=alice)

    context = report_context(assessment)
    left, right = context["board_heat"]

    heights = [sum(len(rows) + 1 for _, rows in column) for column in (left, right)]
    assert abs(heights[0] - heights[1]) <= max(len(rows) for _, rows in left + right) + 1
    assert [title for title, _ in left + right] == [
        f"{part['number']}. {part['result'].title}" for part in context["parts"]
    ]
    pages = pages_text(render_pdf(report_html(assessment, board_only=True)))
    (page,) = [page for page in pages if "Level of every component" in page]
    assert all(row.title in page for _, rows in left + right for row in rows)


def test_a_draft_is_marked_provisional_on_every_page(assessment_a):
    factories.answer(assessment_a, "training-data-versions", 2, comment="First go.")
    factories.answer(assessment_a, "run-tracking", 1)
    pages = pages_text(stored_pdf(assessment_a))

    assert len(pages) >= 5
    assert all(PROVISIONAL in page for page in pages)
    assert "2 of 10 questions" in pages[0]
    assert "Not answered yet" in " ".join(pages)
    assert report_filename(assessment_a).endswith("-draft.pdf")


def test_what_respondents_type_is_escaped_and_any_script_fits_the_page(org_a, bank, alice):
    long_name = ("Ωmega Αναλυτική 数据科学 شركة البيانات " + "Very Long Name Ltd " * 10)[:200]
    Organisation.objects.filter(pk=org_a.pk).update(name=long_name)
    org_a.refresh_from_db()
    assert len(org_a.name) == 200
    assessment = factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)
    hostile = {
        "training-data-versions": "<script>alert(1)</script><b>bold?</b>",
        "data-lineage": "<style>body { display: none }</style> still visible",
        "data-validation-checks": '<img src="file:///etc/passwd"> &amp; "quotes"',
        "run-tracking": "数据版本由平台团队管理。 Ελληνικά δεδομένα. البيانات محفوظة. 🚀✅",
        "drift-monitoring": "x" * 3990,
    }
    for slug, level in ANSWERS.items():
        comment = hostile.get(slug, "")
        if level == "na":
            factories.answer(assessment, slug, status=Answer.Status.NOT_APPLICABLE)
        else:
            factories.answer(assessment, slug, level, comment=comment)

    html = report_html(assessment)
    assert "<script>alert" not in html and "<style>body { display" not in html
    document = layout(html)
    _assert_nothing_overflows(document)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    pages = pages_text(pdf)
    text = " ".join(pages)
    squeezed = "".join(text.split())

    assert "<script>alert(1)</script><b>bold?</b>" in text
    assert "<style>body { display: none }</style> still visible" in text
    assert '<img src="file:///etc/passwd"> &amp; "quotes"' in text
    assert "root:" not in text
    assert "数据版本由平台团队管理。" in squeezed
    assert "Ελληνικά δεδομένα." in text
    assert re.search(r"[\u0600-\u06ff\ufb50-\ufeff]", text), "Arabic text is missing"
    # All of the longest possible word, though it may run on over a page break.
    assert sum(len(run) for run in re.findall(r"x{20,}", squeezed)) == 3990
    assert "Ωmega Αναλυτική 数据科学" in text
    fonts = _font_names(pdf)
    assert any("CJK" in font for font in fonts), fonts
    assert any("Arabic" in font for font in fonts), fonts
    assert any("Emoji" in font for font in fonts), fonts


def _assert_nothing_overflows(document) -> None:
    """Every box lies within its page, horizontally: no text runs off the paper."""
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.margin_width()
        for box in page_box.descendants():
            if not hasattr(box, "position_x") or box.width is None:
                continue
            if getattr(box, "element_tag", "") == "svg" or getattr(box, "is_for_root_element", 0):
                continue
            left_edge = box.position_x
            right_edge = box.position_x + box.margin_width()
            assert left_edge >= -0.5 and right_edge <= right + 0.5, (
                f"page {number}: {type(box).__name__} {getattr(box, 'element_tag', '')} "
                f"from {left_edge:.0f} to {right_edge:.0f}px, page is {right:.0f}px wide"
            )


def _font_names(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page.get("/Resources", {}).get("/Font", {}).values()
    }


# --- Safety ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "http://127.0.0.1:1/x.css",
        "http://localhost/static/css/report.css",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[::1]/x.css",
        "https://example.com/x.css",
        "http://report.invalid/static/css/report.css",  # http, not https
        "ftp://example.com/x.css",
        "gopher://127.0.0.1:6379/_INFO",
        "https://report.invalid.example.com/static/css/report.css",
        "https://user@report.invalid/static/css/report.css",
        "https://report.invalid:8443/static/css/report.css",
        "https://report.invalid/etc/passwd",
        "https://report.invalid/static/../../../etc/passwd",
        "https://report.invalid/static/%2e%2e/%2e%2e/maturity_site/settings.py",
        "https://report.invalid/static/css/%2e%2e%2f%2e%2e%2fmaturity_site%2fsettings.py",
        "https://report.invalid/static/..%5c..%5cmaturity_site%5csettings.py",
        "https://report.invalid/static//etc/passwd",
        "https://report.invalid/static/%2fetc%2fpasswd",
        "https://report.invalid/static/css/report.css%00.svg",
        "https://report.invalid/static/css/report.css?x=1",
        "https://report.invalid/static/css/missing.css",
        "https://report.invalid/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "javascript:alert(1)",
        "static/css/report.css",
    ],
)
def test_the_fetcher_refuses_anything_but_the_apps_static_files(url):
    with pytest.raises(FetchRefused):
        fetch_resource(url)
    with pytest.raises(FetchRefused):
        url_fetcher().fetch(url)


def test_the_fetcher_serves_static_files_and_data_uris():
    stylesheet = url_fetcher().fetch(STATIC_BASE + "css/report.css")
    assert stylesheet.content_type == "text/css"
    assert b"@page" in stylesheet.read()
    logo = fetch_resource(STATIC_BASE + "images/logo.svg")
    assert logo.content_type == "image/svg+xml" and logo.body.startswith(b"<svg")
    data = fetch_resource("data:text/plain;base64,aGVsbG8=")
    assert (data.body, data.content_type) == (b"hello", "text/plain")


def test_a_static_file_linked_out_of_the_static_directories_is_refused(tmp_path, settings):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    static = tmp_path / "static"
    static.mkdir()
    (static / "link.css").symlink_to(secret)
    settings.STATICFILES_DIRS = [static]
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        with pytest.raises(FetchRefused):
            fetch_resource(STATIC_BASE + "link.css")
    finally:
        finders.get_finder.cache_clear()


class _CountingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        type(self).requests.append(self.path)
        body = b"body::after { content: 'LEAKED-OVER-HTTP' }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_rendering_hostile_html_fetches_nothing(tmp_path, monkeypatch):
    secret = tmp_path / "secret.css"
    secret.write_text("body::after { content: 'LEAKED-FROM-DISK' }")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    _CountingHandler.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    asked = []
    real_fetch = fetch_resource

    def spy(url):
        asked.append(url)
        return real_fetch(url)

    monkeypatch.setattr("assessment.reports.fetcher.fetch_resource", spy)
    local = f"http://127.0.0.1:{port}"
    html = f"""<!doctype html><html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="{local}/x.css">
      <link rel="stylesheet" href="{secret.as_uri()}">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url("{local}/import.css");
        @font-face {{ font-family: X; src: url("{local}/font.woff2"); }}
        p {{ background: url("http://169.254.169.254/latest/meta-data/"); }}</style>
      </head><body><p>Safe text</p>
      <img src="file:///etc/passwd" alt="passwd">
      <img src="{local}/pixel.png" alt="pixel">
      <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
        <image href="{local}/svg-image.png" width="10" height="10"/></svg>
      </body></html>"""
    try:
        started = time.monotonic()
        pdf = render_pdf(html)
    finally:
        server.shutdown()
        server.server_close()

    assert _CountingHandler.requests == []
    text = " ".join(pages_text(pdf))
    assert "Safe text" in text
    assert "LEAKED" not in text and "root:" not in text
    assert {f"{local}/x.css", secret.as_uri(), "file:///etc/passwd"} <= set(asked)
    assert any("169.254.169.254" in url for url in asked)
    assert time.monotonic() - started < 20  # refused at once, nothing waited on a socket


def test_a_render_past_its_deadline_is_stopped_and_the_next_one_works():
    code = (
        "import django; django.setup()\n"
        "from assessment.reports.rendering import ReportTimeout, render_pdf\n"
        "try:\n"
        "    render_pdf('<p>' + 'Many words here. ' * 20000 + '</p>', timeout=0.5)\n"
        "except ReportTimeout:\n"
        "    print('stopped')\n"
        "assert render_pdf('<p>Fine</p>').startswith(b'%PDF')\n"
        "print('ok')\n"
    )
    result = _run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["stopped", "ok"]


def test_the_deadline_stops_python_work_in_the_main_thread_and_restores_the_alarm():
    before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(ReportTimeout), deadline(0.2):
        while time.monotonic() - started < 10:
            pass
    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_a_render_runs_to_its_end():
    outcome = []

    def render_in_a_thread():
        with deadline(0.05):
            time.sleep(0.2)
        outcome.append("finished")

    thread = threading.Thread(target=render_in_a_thread)
    thread.start()
    thread.join(5)
    assert outcome == ["finished"]


def test_typed_text_is_cut_to_a_bounded_size(assessment_a, consultant):
    factories.answer(assessment_a, "training-data-versions", 2, comment="y" * 50_000)
    Assessment.objects.filter(pk=assessment_a.pk).update(
        status="reviewed", review_summary="z" * 50_000
    )
    assessment_a.refresh_from_db()
    services.add_consultant_note(
        assessment=assessment_a, author=consultant, text="n" * 50_000, shared=True
    )
    context = report_context(assessment_a)

    comment = context["appendix"][0]["components"][0]["questions"][0]["comment"]
    assert len(comment) == MAX_COMMENT_CHARS and comment.endswith("…")
    assert len(context["review_summary"]) == MAX_SUMMARY_CHARS
    assert len(context["notes"][0].text) == MAX_COMMENT_CHARS


def test_importing_the_report_module_does_not_load_weasyprint():
    code = (
        "import sys, django; django.setup(); import assessment.tasks, assessment.urls; "
        "assert 'weasyprint' not in sys.modules, 'weasyprint imported'; print('ok')"
    )
    result = _run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _run_python(code: str) -> subprocess.CompletedProcess:
    """A fresh interpreter, as a worker process starts."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(settings.BASE_DIR),
        env={
            "DJANGO_SETTINGS_MODULE": "maturity_site.settings",
            "TESTING": "true",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- File name and stored files ----------------------------------------------------


def test_the_file_name_is_plain_ascii(org_a, bank, alice):
    assessment = factories.make_assessment(organisation=org_a, bank=bank, created_by=alice)
    today = timezone.localdate().isoformat()
    assert report_filename(assessment) == f"mlops-maturity-acme-analytics-{today}-draft.pdf"
    org_a.name = "数据科学 «Ltd»"
    assert report_filename(assessment) == f"mlops-maturity-ltd-{today}-draft.pdf"
    org_a.name = "数据科学"
    assert report_filename(assessment) == f"mlops-maturity-organisation-{today}-draft.pdf"
    org_a.name = 'Quote" Inc\r\nX-Header: 1'
    assert re.fullmatch(r"mlops-maturity-[a-z0-9-]+\.pdf", report_filename(assessment))


def key_of(assessment) -> str:
    fresh = Assessment.objects.select_related("organisation", "bank").get(pk=assessment.pk)
    return content_key(report_html(fresh))


def test_the_content_key_follows_everything_the_report_shows(assessment_a, alice, consultant):
    draft_key = key_of(assessment_a)
    factories.answer(assessment_a, "training-data-versions", 2)
    assert key_of(assessment_a) != draft_key
    answer_all(
        assessment_a,
        {slug: level for slug, level in ANSWERS.items() if slug != "training-data-versions"},
    )
    submitted = services.submit_assessment(assessment=assessment_a, user=alice)
    key = key_of(submitted)
    assert key == key_of(submitted)  # the same content, the same key

    services.add_consultant_note(
        assessment=submitted, author=consultant, text="Private.", shared=False
    )
    assert key_of(submitted) == key  # private notes are not in the report
    note = services.add_consultant_note(
        assessment=submitted, author=consultant, text="Shared.", shared=True
    )
    shared_key = key_of(submitted)
    assert shared_key != key
    ConsultantNote.objects.filter(pk=note.pk).update(text="Edited.")
    assert key_of(submitted) != shared_key
    edited_key = key_of(submitted)
    Organisation.objects.filter(pk=submitted.organisation_id).update(name="Acme Renamed")
    assert key_of(submitted) != edited_key


def stored_reports(assessment) -> list[StoredReport]:
    return list(StoredReport.objects.filter(assessment=assessment))


def refuse_to_render(html, **options):
    raise AssertionError("the report was rendered again")


# --- The view ----------------------------------------------------------------------


def test_members_and_consultants_download_the_stored_pdf_and_repeats_render_nothing(
    client, submitted, bob, consultant, monkeypatch
):
    url = reverse("assessment_report", args=[submitted.pk])
    client.force_login(bob)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localdate(submitted.submitted_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="mlops-maturity-acme-analytics-{day}.pdf"'
    )
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF-")
    (stored,) = stored_reports(submitted)
    assert stored.state == StoredReport.State.READY and stored.size == len(pdf)
    assert default_storage.exists(stored.file.name)

    monkeypatch.setattr("assessment.reports.stored.render_pdf", refuse_to_render)
    again = client.get(url)
    assert again.status_code == 200 and b"".join(again.streaming_content) == pdf
    client.force_login(consultant)
    assert b"".join(client.get(url).streaming_content) == pdf


def test_a_draft_is_rendered_again_when_what_it_shows_changes_and_the_old_file_goes(
    client, alice, assessment_a, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        "assessment.reports.stored.render_pdf", lambda html: calls.append(html) or b"%PDF-stub"
    )
    client.force_login(alice)
    url = reverse("assessment_report", args=[assessment_a.pk])
    client.get(url)
    (first,) = stored_reports(assessment_a)
    client.get(url)
    assert len(calls) == 1  # nothing changed: the stored file is served
    factories.answer(assessment_a, "training-data-versions", 3, comment="Changed my mind")
    client.get(url)
    assert len(calls) == 2 and "Changed my mind" in calls[1]
    (second,) = stored_reports(assessment_a)
    assert second.pk != first.pk
    assert not default_storage.exists(first.file.name)


def test_the_report_is_refused_to_everyone_else(client, assessment_a, carol, alice, monkeypatch):
    monkeypatch.setattr("assessment.reports.stored.render_pdf", lambda html: b"%PDF-stub")
    url = reverse("assessment_report", args=[assessment_a.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))

    client.force_login(carol)
    assert client.get(url).status_code == 404
    assert not stored_reports(assessment_a)  # refused before anything was drawn

    client.force_login(alice)
    assert client.post(url).status_code == 405
    assert client.get(url).status_code == 200


def test_a_report_that_takes_too_long_gets_a_friendly_retry_page_and_is_tried_again_later(
    client, alice, assessment_a, monkeypatch, settings
):
    calls = []

    def too_slow(html):
        calls.append(html)
        raise ReportTimeout("past the deadline")

    monkeypatch.setattr("assessment.reports.stored.render_pdf", too_slow)
    client.force_login(alice)
    url = reverse("assessment_report", args=[assessment_a.pk])
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "The report is not ready" in response.content.decode()
    assert client.get(url).status_code == 503 and len(calls) == 1  # not at once
    settings.REPORT_RETRY_SECONDS = 0
    client.get(url)
    assert len(calls) == 2


def test_with_a_worker_a_download_waits_on_a_page_that_refreshes_itself_until_it_is_ready(
    client, alice, submitted, queued_tasks
):
    client.force_login(alice)
    url = reverse("assessment_report", args=[submitted.pk])
    waiting = client.get(url)
    assert waiting.status_code == 202
    html = waiting.content.decode()
    assert "Your report is being prepared" in html
    assert '<meta http-equiv="refresh" content="3">' in html and waiting["Refresh"] == "3"
    assert client.get(url).status_code == 202
    (queued,) = queued_tasks  # the second visit did not queue a second render
    assert queued.task.func is tasks.render_report.func

    tasks.render_report.call(*queued.args)  # what the worker does
    ready = client.get(url)
    assert ready.status_code == 200
    assert b"".join(ready.streaming_content).startswith(b"%PDF-")


def test_a_render_that_died_with_its_worker_is_claimed_again(submitted, settings):
    first = claim_report(submitted)
    assert first.render and not claim_report(submitted).render  # one claim at a time
    StoredReport.objects.filter(pk=first.report.pk).update(
        requested_at=timezone.now() - timedelta(seconds=2 * settings.REPORT_RENDER_TIMEOUT + 1)
    )
    again = claim_report(submitted)
    assert again.render and again.report.pk == first.report.pk


def test_content_that_changed_after_the_claim_is_rendered_under_its_own_key(
    submitted, consultant, monkeypatch
):
    monkeypatch.setattr(
        "assessment.reports.stored.render_pdf", lambda html: b"%PDF-" + html[-9:].encode()
    )
    claim = claim_report(submitted)
    services.add_consultant_note(
        assessment=submitted, author=consultant, text="Shared late.", shared=True
    )
    tasks.render_report.call(claim.report.pk)
    (stored,) = stored_reports(submitted)
    assert stored.content_key == key_of(submitted) != claim.report.content_key
    assert stored.state == StoredReport.State.READY


# --- Prepared ahead of the first download ------------------------------------------


@pytest.fixture
def renders(settings, monkeypatch):
    """Reports prepared on submit and review, drawn by a stand-in for WeasyPrint."""
    settings.REPORT_PREPARE = True
    drawn = []
    monkeypatch.setattr(
        "assessment.reports.stored.render_pdf",
        lambda html: drawn.append(html) or b"%PDF-prepared",
    )
    return drawn


def test_submitting_prepares_the_report_so_the_first_download_finds_it_ready(
    client, renders, assessment_a, alice, django_capture_on_commit_callbacks, monkeypatch
):
    answer_all(assessment_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_assessment(assessment=assessment_a, user=alice)
    assert len(renders) == 1
    monkeypatch.setattr("assessment.reports.stored.render_pdf", refuse_to_render)
    client.force_login(alice)
    response = client.get(reverse("assessment_report", args=[assessment_a.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-prepared"


def test_a_review_and_a_shared_note_prepare_the_changed_report_and_a_private_note_does_not(
    renders, submitted, consultant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_transition(
            assessment=submitted, to_status="in_review", consultant=consultant
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.add_consultant_note(
            assessment=submitted, author=consultant, text="Internal only.", shared=False
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.add_consultant_note(
            assessment=submitted, author=consultant, text="Shared with the team.", shared=True
        )
    assert len(renders) == 2
    assert "Shared with the team." in renders[1] and "Internal only." not in renders[1]


def test_with_the_setting_off_nothing_is_prepared(
    settings, renders, assessment_a, alice, django_capture_on_commit_callbacks
):
    settings.REPORT_PREPARE = False
    answer_all(assessment_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_assessment(assessment=assessment_a, user=alice)
    assert renders == [] and not stored_reports(assessment_a)


def test_a_failed_render_is_logged_and_marked_so_the_download_explains(
    settings, submitted, monkeypatch, caplog
):
    def broken(html, **options):
        raise RuntimeError("out of memory")

    monkeypatch.setattr("assessment.reports.stored.render_pdf", broken)
    tasks.prepare_report.enqueue(submitted.pk)
    assert "out of memory" in caplog.text
    (stored,) = stored_reports(submitted)
    assert stored.state == StoredReport.State.FAILED


def test_the_report_says_why_a_level_was_held_back(org_a, alice):
    text = " ".join(pages_text(stored_pdf(held_back_assessment(org_a, alice))))
    assert flat(HELD_BACK) in text
    assert "Why this level:" in text


# --- The board report --------------------------------------------------------------


def test_the_board_report_alone_is_at_most_six_pages_with_the_verdict_and_decisions(
    client, alice, reviewed
):
    client.force_login(alice)
    response = client.get(reverse("assessment_board_report", args=[reviewed.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert "mlops-board-report-acme-analytics" in response["Content-Disposition"]
    pages = pages_text(response.content)
    assert len(pages) <= 6
    text = " ".join(pages)
    assert "CONFIDENTIAL" in text.upper()
    for heading in (
        "Executive summary",
        "The consultant's verdict",
        "A solid base; monitoring needs investment this year.",
        "What changed since last time",
        "Three priorities",
        "Decisions for the board",
        "Maturity at a glance",
        "The next 90 days",
        "Method and confidence",
    ):
        assert heading in text, heading
    assert "Appendix: every answer" not in text and "Annex" not in text


def test_the_full_report_puts_the_board_report_first_then_the_annex(reviewed):
    pages = pages_text(stored_pdf(reviewed))

    method = next(i for i, p in enumerate(pages) if "Method and confidence" in p)
    annex = next(i for i, p in enumerate(pages) if "Contents" in p)
    results_by_section = next(
        i for i in range(annex + 1, len(pages)) if "Results by section" in pages[i]
    )
    every_answer = next(
        i for i in range(annex + 1, len(pages)) if "Appendix: every answer" in pages[i]
    )
    assert method < annex < results_by_section < every_answer
    assert "Annex" in pages[annex]
    # The steps are printed once: in the annex's plan, not in the board pages.
    board = " ".join(pages[: method + 1])
    annex_plan = " ".join(pages[annex:])
    step = results_for(reviewed).roadmap.items[0].next_step
    assert flat(step) not in board and flat(step) in annex_plan


def test_a_realistic_v2_board_report_with_everything_in_it_stays_within_six_pages(
    org_a, alice, bob, consultant
):
    reviewed = realistic_v2_assessment(org_a, alice, bob, consultant)

    pages = pages_text(render_pdf(report_html(reviewed, board_only=True)))

    assert len(pages) <= 6
    text = " ".join(pages)
    assert "The consultant's verdict" in text and "Decisions for the board" in text
    assert "Owner: Bob" in text
