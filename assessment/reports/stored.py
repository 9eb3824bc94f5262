"""Rendered reports as files in Django's storage, one row per content they were drawn from.

A download asks for the report of the assessment as it is now: the report's HTML is built
(tens of milliseconds), its digest is the content key, and a stored file with that key is
served by whichever process gets the request. Otherwise one process claims the render (a
unique row per assessment and key, so two never render the same content) and a worker
renders it; every other request sees it being prepared.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessment.models import Assessment, StoredReport
from assessment.reports.context import report_html
from assessment.reports.rendering import ReportError, render_pdf

logger = logging.getLogger(__name__)
STYLESHEET = "css/report.css"
State = StoredReport.State


@cache
def _stylesheet_digest() -> bytes:
    """The report's stylesheet is fetched by URL, so it is not in the HTML: its bytes join
    the key, and a deploy that changes it renders reports anew."""
    path = finders.find(STYLESHEET)
    return hashlib.sha256(open(path, "rb").read()).digest() if path else b""  # noqa: SIM115


def content_key(html: str) -> str:
    digest = hashlib.sha256(_stylesheet_digest())
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    report: StoredReport
    render: bool  # the caller must start the render


def stale_after() -> timedelta:
    """A render not finished in twice its deadline has died with its worker: claim again."""
    return timedelta(seconds=2 * settings.REPORT_RENDER_TIMEOUT)


def claim_report(assessment: Assessment, html: str | None = None) -> Claim:
    """The stored report for the assessment's current content, claimed for rendering when
    nobody has rendered it, its render failed a while ago, or its render died."""
    key = content_key(report_html(assessment) if html is None else html)
    now = timezone.now()
    try:
        with transaction.atomic():
            report = StoredReport.objects.create(
                assessment=assessment, content_key=key, requested_at=now
            )
        return Claim(report, render=True)
    except IntegrityError:  # rendered, or being rendered, already
        pass
    with transaction.atomic():
        report = StoredReport.objects.select_for_update().get(
            assessment=assessment, content_key=key
        )
        retry = report.state == State.FAILED or (
            report.state == State.RENDERING and report.requested_at < now - stale_after()
        )
        if retry and report.requested_at < now - timedelta(seconds=settings.REPORT_RETRY_SECONDS):
            report.state, report.requested_at = State.RENDERING, now
            report.save(update_fields=["state", "requested_at"])
            return Claim(report, render=True)
    return Claim(report, render=False)


def render_stored_report(report_id: int) -> None:
    """Render a claimed report into a file, and forget older renders of the assessment.

    The HTML is built again here, from the data as it is now: if it changed since the claim,
    the claim is handed over to the new content instead of storing a file under a key that
    does not describe it.
    """
    report = StoredReport.objects.select_related(
        "assessment__organisation", "assessment__bank"
    ).get(pk=report_id)
    html = report_html(report.assessment)
    if content_key(html) != report.content_key:
        report.delete()
        claim = claim_report(report.assessment, html)
        if not claim.render:
            return
        report = claim.report
    started = time.perf_counter()
    try:
        pdf = render_pdf(html)
    except ReportError:
        logger.warning("report %s stopped at its deadline", report.pk)
        StoredReport.objects.filter(pk=report.pk).update(state=State.FAILED)
        return
    except Exception:
        StoredReport.objects.filter(pk=report.pk).update(state=State.FAILED)
        raise
    name = f"reports/{report.assessment_id}/{report.content_key}.pdf"
    report.file.save(name, ContentFile(pdf), save=False)
    report.state, report.size, report.rendered_at = State.READY, len(pdf), timezone.now()
    report.save(update_fields=["file", "state", "size", "rendered_at"])
    logger.info(
        "report %s rendered in %.2f s (%d bytes)",
        report_id,
        time.perf_counter() - started,
        len(pdf),
    )
    for older in StoredReport.objects.filter(
        assessment_id=report.assessment_id, rendered_at__lt=report.rendered_at
    ):
        older.file.delete(save=False)
        older.delete()
