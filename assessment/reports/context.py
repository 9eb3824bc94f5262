"""The PDF maturity report: HTML templates under templates/assessment/report/, rendered by
WeasyPrint.

The report shares the result, the roadmap and the SVG charts with the results page
(``results.results_context``). docs/report.md describes the fonts, the URL fetcher, the
render-time guard and the cache.

WeasyPrint is imported inside functions only, so the app starts without loading it: it
costs most of a second and tens of megabytes, and only the report needs it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache as memoise
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.db import connections
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from assessment import charts, results, selectors
from assessment.models import COMMENT_MAX_LENGTH, Answer, Assessment, ConsultantNote
from assessment.scoring import LEVEL_LABELS

logger = logging.getLogger(__name__)

TEMPLATE = "assessment/report/report.html"
TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "assessment" / "report"
STYLESHEET = "css/report.css"

# Every URL in the report resolves against this origin. The .invalid top-level domain
# never resolves (RFC 2606), and the fetcher answers only /static/... under it, from the
# app's own static files: nothing in a report ever reaches the network or the disk
# beyond them.
REPORT_ORIGIN = "https://report.invalid/"
STATIC_BASE = REPORT_ORIGIN + "static/"
STATIC_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
MAX_STATIC_BYTES = 5 * 1024 * 1024
MAX_DATA_URI_CHARS = 2 * 1024 * 1024

# The render-time guard (see docs/report.md): every text a person typed is cut to a
# fixed length, so the input of a report is bounded by the size of the question bank;
# and a deadline stops a render that still runs too long.
RENDER_TIMEOUT_SECONDS = getattr(settings, "REPORT_RENDER_TIMEOUT", 30)
MAX_COMMENT_CHARS = COMMENT_MAX_LENGTH
MAX_SUMMARY_CHARS = 8000
RUNNING_HEADER_CHARS = 45
# The tallest heatmap that fits on a page at the report's chart width (150 mm for the
# chart's 686 px: 0.22 mm a pixel), below its caption; the first chart shares its page
# with the heading "Level of every component" and its introduction. Measured on A4.
HEATMAP_PAGE_HEIGHT_PX = 1030
HEATMAP_FIRST_PAGE_HEIGHT_PX = 976
FILENAME_SLUG_CHARS = 60

# Repeated downloads of a report that cannot change are served from the cache: the
# "reports" cache when settings.CACHES defines one (to bound its size apart from the
# rest), else the default cache.
CACHE_ALIAS = "reports"
CACHE_TIMEOUT_SECONDS = getattr(settings, "REPORT_CACHE_TIMEOUT", 60 * 60 * 24)
CACHED_STATUSES = (
    Assessment.Status.SUBMITTED,
    Assessment.Status.IN_REVIEW,
    Assessment.Status.REVIEWED,
)

# "Noto Color Emoji" is deliberately not named: named in a stack, Pango draws digits
# with its bitmap glyphs (0-9 are emoji keycap bases). Fontconfig falls back to it for
# real emoji anyway. See docs/report.md.
# Arabic before DejaVu Sans, which has Arabic glyphs of its own that read less well.
FONT_STACK = '"Noto Sans", "Noto Sans Arabic", "DejaVu Sans", "Noto Sans CJK SC", sans-serif'
AUTHOR = "MLOps Maturity Assessment"

LEVEL_SUMMARIES = {
    0: "Most of the practices asked about are not in place yet, or nobody could say how "
    "they are done. Machine learning work depends on a few people and would be hard to "
    "repeat if they were away.",
    1: "Machine learning work gets done, but by hand and case by case: it depends on the "
    "people who do it and on what they remember. Results can be produced; repeating them "
    "exactly is hard.",
    2: "Work follows documented procedures, code and data are under version control, and "
    "scripts do the routine steps, but people start and check each step. Results can be "
    "repeated; they are not yet produced by pipelines.",
    3: "Work runs in versioned, orchestrated pipelines with CI/CD and tracked artefacts, "
    "and people approve the key steps. Any model can be rebuilt from its recorded inputs.",
    4: "Pipelines are triggered automatically, with validation gates, alerts and rollback; "
    "people handle the exceptions. The practice improves itself with little manual effort.",
}


class ReportError(Exception):
    """The report could not be produced; the view should answer with a friendly error."""


class ReportTimeout(ReportError):
    """A render ran past its deadline and was stopped."""


class FetchRefused(ValueError):
    """The report asked for a resource it may not have: anything but static files and data:."""


@dataclass(frozen=True)
class ReportDocument:
    pdf: bytes
    filename: str
    cached: bool = field(default=False, compare=False)


# --- Entry point -------------------------------------------------------------


def report_for(assessment: Assessment) -> ReportDocument:
    """The PDF report of an assessment, from the cache when it cannot have changed."""
    filename = report_filename(assessment)
    key = cache_key(assessment)
    cache = report_cache()
    if key is not None:
        preparing = _preparing.get(key)
        if preparing is not None:  # rendering in this process already: wait, don't repeat it
            preparing.wait(RENDER_TIMEOUT_SECONDS)
        pdf = cache.get(key)
        if pdf is not None:
            return ReportDocument(pdf=pdf, filename=filename, cached=True)
    started = time.perf_counter()
    pdf = render_pdf(report_html(assessment))
    logger.info(
        "report for assessment %s rendered in %.2f s (%d bytes)",
        assessment.pk,
        time.perf_counter() - started,
        len(pdf),
    )
    if key is not None:
        cache.set(key, pdf, CACHE_TIMEOUT_SECONDS)
    return ReportDocument(pdf=pdf, filename=filename)


# --- Rendering ahead of the first download ---------------------------------------
#
# A report takes seconds to render, so the services call prepare_report when an
# assessment is submitted or its review changes: the report renders in a background
# thread and waits in the cache, and the first download is a cache hit. One background
# render at a time per process, so a burst of submissions cannot take every core;
# a report that was not prepared renders on download as before.

_background_slot = threading.BoundedSemaphore(1)
_preparing: dict[str, threading.Event] = {}


def prepare_report(assessment_id: int) -> threading.Thread | None:
    """Start rendering the report of a submitted assessment into the cache.

    Returns the thread, or None when there is nothing to do: reports switched off by
    ``REPORT_PREPARE``, an editable assessment (never cached), a report already cached,
    or another report being prepared in this process.
    """
    if not getattr(settings, "REPORT_PREPARE", False):
        return None
    assessment = Assessment.objects.select_related("organisation", "bank").get(pk=assessment_id)
    key = cache_key(assessment)
    if key is None or key in _preparing or report_cache().has_key(key):
        return None
    if not _background_slot.acquire(blocking=False):
        return None
    try:
        html = report_html(assessment)  # here: the thread must not touch the database
    except Exception:  # a best effort: the download will render it instead
        _background_slot.release()
        logger.exception("report for assessment %s could not be prepared", assessment_id)
        return None
    done = _preparing[key] = threading.Event()
    thread = threading.Thread(
        target=_render_into_cache,
        args=(assessment_id, key, html, done),
        name=f"report-{assessment_id}",
        daemon=True,
    )
    thread.start()
    return thread


def _render_into_cache(assessment_id: int, key: str, html: str, done: threading.Event) -> None:
    started = time.perf_counter()
    try:
        pdf = render_pdf(html)
        report_cache().set(key, pdf, CACHE_TIMEOUT_SECONDS)
        logger.info(
            "report for assessment %s prepared in %.2f s (%d bytes)",
            assessment_id,
            time.perf_counter() - started,
            len(pdf),
        )
    except Exception:  # the download will render it instead
        logger.exception("report for assessment %s could not be prepared", assessment_id)
    finally:
        # A database cache backend opens a connection in this thread; close it with it.
        connections.close_all()
        _preparing.pop(key, None)
        done.set()
        _background_slot.release()


def report_filename(assessment: Assessment) -> str:
    """``mlops-maturity-<organisation-slug>-<date>.pdf``; ASCII only, safe in a header."""
    slug = slugify(assessment.organisation.name)
    if len(slug) > FILENAME_SLUG_CHARS:  # cut at a word
        slug = slug[: FILENAME_SLUG_CHARS + 1].rsplit("-", 1)[0]
    day = timezone.localdate(assessment.submitted_at) if assessment.submitted_at else None
    suffix = "" if day and not _is_provisional(assessment) else "-draft"
    day = day or timezone.localdate()
    return f"mlops-maturity-{slug or 'organisation'}-{day.isoformat()}{suffix}.pdf"


# --- Cache -------------------------------------------------------------------


def report_cache():
    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


def cache_key(assessment: Assessment) -> str | None:
    """None when the report may change without the assessment changing (editable ones).

    The key holds everything the report shows that can change after submission:
    the assessment's last change and status, the organisation's name, the shared
    consultant notes, the previous assessment it is compared with and the templates.
    """
    if assessment.status not in CACHED_STATUSES:
        return None
    notes = list(
        ConsultantNote.objects.filter(assessment=assessment, shared=True)
        .order_by("id")
        .values_list("id", "text")
    )
    previous = selectors.previous_submitted_assessment(assessment)
    parts = (
        assessment.pk,
        str(assessment.status),  # a TextChoices member and its value must key alike
        assessment.updated_at.isoformat(),
        assessment.organisation.name,
        assessment.bank.version,
        assessment.bank.source_hash,
        notes,
        (previous.pk, previous.updated_at.isoformat()) if previous else None,
        _templates_fingerprint(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"assessment-report:{assessment.pk}:{digest}"


@memoise
def _templates_fingerprint() -> str:
    """A digest of the report's templates and stylesheet, so a deploy invalidates the cache."""
    digest = hashlib.sha256()
    paths = sorted(TEMPLATE_DIR.glob("*.html"))
    stylesheet = finders.find(STYLESHEET)
    if stylesheet:
        paths.append(Path(stylesheet))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# --- HTML ----------------------------------------------------------------------


def report_html(assessment: Assessment) -> str:
    return render_to_string(TEMPLATE, report_context(assessment))


def report_context(assessment: Assessment) -> dict:
    context = results.results_context(assessment, viewer=AnonymousUser())
    result = context["result"]
    structure = context["structure"]
    answers = context["answers"]
    shared_notes = [_Note(note) for note in context["shared_notes"]]
    component_titles = {c.slug: c.title for c in structure.components}
    scored = [section for section in result.sections if section.score is not None]
    best = max((section.score for section in scored), default=None)
    worst = min((section.score for section in scored), default=None)
    organisation = assessment.organisation.name
    provisional = _is_provisional(assessment)
    when = assessment.submitted_at or timezone.now()

    parts = []
    for number, (section, part) in enumerate(
        zip(structure.sections, context["sections"], strict=True), start=1
    ):
        parts.append(
            {
                **part,
                "number": number,
                "anchor": f"part-{section.slug}",
                "intro": section.intro,
            }
        )

    return {
        **context,
        "title": f"MLOps maturity report: {organisation}",
        "author": AUTHOR,
        "organisation": organisation,
        "running_header": _clip(organisation, RUNNING_HEADER_CHARS),
        "report_date": timezone.localtime(when),
        "provisional": provisional,
        "provisional_mark": _provisional_mark(assessment),
        "static_base": STATIC_BASE,
        "font_stack": FONT_STACK,
        "level_labels": LEVEL_LABELS,
        "level_scale": list(LEVEL_LABELS.items()),
        "level_summary": LEVEL_SUMMARIES.get(result.overall.level),
        "strongest": [s for s in scored if s.score == best] if best != worst else [],
        "weakest": [s for s in scored if s.score == worst] if best != worst else [],
        "all_equal": bool(scored) and best == worst,
        "gate_titles": [component_titles[slug] for slug in result.overall.gate_components],
        "top_steps": context["roadmap"].top(3),
        "roadmap_total": len(context["roadmap"].items),
        "to_find_out": [
            {"text": item.text, "component": component_titles.get(item.component, "")}
            for item in context["roadmap"].to_find_out
        ],
        "radar": _svg(context["radar"]),
        "parts": parts,
        "heatmaps": _heatmaps(parts),
        "comparison_rows": _comparison_rows(context) if context["comparison"] else [],
        "component_changes": _component_changes(context) if context["comparison"] else [],
        "overall_change": _overall_change(context) if context["comparison"] else None,
        "appendix": _appendix(structure, answers, shared_notes),
        "review_summary": _clip(assessment.review_summary, MAX_SUMMARY_CHARS)
        if assessment.status == Assessment.Status.REVIEWED
        else "",
        "notes": shared_notes,
    }


def _is_provisional(assessment: Assessment) -> bool:
    return assessment.submitted_at is None or assessment.is_editable


def _provisional_mark(assessment: Assessment) -> str:
    if assessment.status == Assessment.Status.CHANGES_REQUESTED:
        return "Provisional — changes requested, not resubmitted"
    return "Provisional — not submitted"


def _svg(markup: str) -> str:
    # The charts name a generic family; the report names its own so that the charts
    # use the same typeface as the text around them.
    return markup.replace('font-family="sans-serif"', f"font-family='{FONT_STACK}'", 1)


def _clip(text: str, limit: int) -> str:
    text = text or ""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


class _Note:
    """A shared consultant note, with its text cut to the stored maximum."""

    def __init__(self, note: ConsultantNote):
        self.text = _clip(note.text, MAX_COMMENT_CHARS)
        self.answer_id = note.answer_id
        self.question = note.answer.question.text if note.answer_id else ""
        self.created_at = note.created_at
        self.author = (note.author.get_full_name() or "Your reviewer") if note.author else ""


def _heatmaps(parts: list[dict]) -> list[dict]:
    """The component heatmap, grouped by section and shared out in charts of at most a
    page each. A chart cannot break across pages: a section that does not fit on the
    current chart starts the next one, and a section too tall for a whole chart goes on
    in the next one, "(continued)"."""
    pages: list[list[tuple[int, tuple[str, list]]]] = []
    for part in parts:
        title = f"{part['number']}. {part['result'].title}"
        rows = [(row.result.title, row.result.level) for row in part["components"]]
        together = [group for _, group in pages[-1]] + [(title, rows)] if pages else []
        if together and charts.grouped_heatmap_height(together) <= _heatmap_budget(len(pages) - 1):
            pages[-1].append((part["number"], (title, rows)))
            continue
        while True:  # on new charts, as many rows as each holds
            room = (
                _heatmap_budget(len(pages)) - charts.grouped_heatmap_height([(title, [])])
            ) // charts.HEATMAP_ROW_HEIGHT
            pages.append([(part["number"], (title, rows[: max(room, 1)]))])
            rows = rows[max(room, 1) :]
            if not rows:
                break
            title = f"{part['number']}. {part['result'].title} (continued)"
    heatmaps = []
    for page in pages:
        first, last = page[0][0], page[-1][0]
        sections = f"section {first}" if first == last else f"sections {first}–{last}"
        svg = charts.grouped_heatmap(
            [group for _, group in page],
            title=f"Maturity level of every component, {sections}",
            tooltips=False,
        )
        heatmaps.append({"caption": f"Level of every component, {sections}", "svg": _svg(svg)})
    return heatmaps


def _heatmap_budget(chart_index: int) -> int:
    """The height a heatmap chart may grow to: the first shares its page with a heading."""
    return HEATMAP_FIRST_PAGE_HEIGHT_PX if chart_index == 0 else HEATMAP_PAGE_HEIGHT_PX


def _comparison_rows(context: dict) -> list[dict]:
    previous = context["comparison"].result
    rows = []
    for part in context["sections"]:
        section = part["result"]
        try:
            previous_score = previous.section(section.slug).score
        except KeyError:  # not in the previous assessment's bank
            previous_score = None
        rows.append(
            {
                "title": section.title,
                "level": section.level,
                "label": section.label,
                "score": section.score,
                "previous_level": part["previous_level"],
                "previous_label": part["previous_label"],
                "previous_score": previous_score,
                "change": part["change"],
            }
        )
    return rows


def _component_changes(context: dict) -> list:
    """Components whose level went up (biggest first), then those that went down."""
    rows = [row for part in context["sections"] for row in part["components"] if row.change]
    return sorted(rows, key=lambda row: (row.change < 0, -abs(row.change)))


def _overall_change(context: dict) -> int | None:
    now = context["result"].overall.level
    before = context["comparison"].result.overall.level
    return None if now is None or before is None else now - before


def _appendix(structure, answers: dict[int, Answer], notes: list[_Note]) -> list[dict]:
    notes_by_answer: dict[int, list[_Note]] = {}
    for note in notes:
        if note.answer_id:
            notes_by_answer.setdefault(note.answer_id, []).append(note)
    sections = []
    for section_number, section in enumerate(structure.sections, start=1):
        components = []
        question_number = 0
        for component in section.components_list:
            questions = []
            for question in component.questions_list:
                question_number += 1
                answer = answers.get(question.pk)
                questions.append(
                    {
                        "number": f"{section_number}.{question_number}",
                        "text": question.text,
                        "status": answer.status if answer else "unanswered",
                        "level": answer.choice.level if answer and answer.choice else None,
                        "label": LEVEL_LABELS[answer.choice.level]
                        if answer and answer.choice
                        else None,
                        "statement": answer.choice.statement if answer and answer.choice else "",
                        "comment": _clip(answer.comment, MAX_COMMENT_CHARS) if answer else "",
                        "notes": notes_by_answer.get(answer.pk, []) if answer else [],
                    }
                )
            components.append({"title": component.title, "questions": questions})
        sections.append(
            {
                "number": section_number,
                "title": section.title,
                "anchor": f"appendix-{section.slug}",
                "components": components,
            }
        )
    return sections


# --- URL fetcher -------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    url: str
    body: bytes
    content_type: str


def fetch_resource(url: str) -> Resource:
    """The only resources a report may load: the app's static files and data: URIs.

    Raises FetchRefused for everything else: file://, any other http(s) host (loopback,
    cloud metadata addresses, the internet), other schemes, and static paths that try to
    leave the static directories.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return _data_resource(url)
    if scheme == "https":
        return Resource(url, *_static_file(url))
    raise FetchRefused(f"Refused to fetch {url[:200]!r}: only static files and data: URIs")


def _data_resource(url: str) -> Resource:
    if len(url) > MAX_DATA_URI_CHARS:
        raise FetchRefused("Refused a data: URI larger than the limit")
    try:
        response = DataHandler().data_open(Request(url))  # noqa: S310 - data: only
    except Exception as error:  # malformed data: URI
        raise FetchRefused(f"Malformed data: URI: {error}") from None
    return Resource(url, response.read(), response.headers.get_content_type())


def _static_file(url: str) -> tuple[bytes, str]:
    refused = FetchRefused(f"Refused to fetch {url[:200]!r}: not one of the app's static files")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise refused from None
    origin = urlsplit(REPORT_ORIGIN)
    if (
        parts.scheme != "https"
        or parts.netloc != origin.netloc  # no other host, no user@, no port
        or port is not None
        or parts.query
        or not parts.path.startswith("/static/")
    ):
        raise refused
    relative = unquote(parts.path.removeprefix("/static/"))
    segments = relative.split("/")
    if (
        not relative
        or "\\" in relative
        or "\0" in relative
        or any(segment in ("", ".", "..") for segment in segments)
    ):
        raise refused
    content_type = STATIC_TYPES.get(PurePosixPath(relative).suffix.lower())
    if content_type is None:
        raise refused
    found = finders.find(relative)  # joins safely under each static directory
    if not found:
        raise refused
    path = Path(found).resolve()
    if not any(path.is_relative_to(root) for root in _static_roots()) or not path.is_file():
        raise refused  # e.g. a symbolic link out of the static directories
    if path.stat().st_size > MAX_STATIC_BYTES:
        raise refused
    return path.read_bytes(), content_type


def _static_roots() -> list[Path]:
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return roots


def url_fetcher():
    """A WeasyPrint URLFetcher that answers through fetch_resource and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            resource = fetch_resource(url)
            return URLFetcherResponse(
                resource.url, resource.body, {"Content-Type": resource.content_type}
            )

        def open(self, url, data=None, timeout=None):
            return self.fetch(getattr(url, "full_url", url))

    # No handlers: even the urllib machinery it inherits cannot open anything.
    fetcher = StaticOnlyFetcher(timeout=1, allow_redirects=False)
    fetcher.handlers = []
    fetcher.handle_open = {}
    return fetcher


# --- Rendering ---------------------------------------------------------------


# Tagged PDF for accessibility: PDF/UA-1 turns on WeasyPrint's pdf_tags (a structure
# tree from the HTML: headings, lists, tables, figures) and declares the conformance.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """Render report HTML to a tagged PDF, stopping with ReportTimeout past the deadline."""
    # Imported before the deadline starts: WeasyPrint logs progress while importing (it
    # parses its own stylesheets), and an import stopped halfway would break it for good.
    import weasyprint  # noqa: F401

    with _deadline(RENDER_TIMEOUT_SECONDS if timeout is None else timeout):
        document = layout(html)
        _check_deadline()
        return document.write_pdf(pdf_variant=PDF_VARIANT)


def layout(html: str):
    """Lay report HTML out in pages (a weasyprint Document); only our fetcher loads URLs."""
    from weasyprint import HTML

    source = HTML(string=html, base_url=REPORT_ORIGIN, url_fetcher=url_fetcher())
    return source.render(pdf_variant=PDF_VARIANT)


# WeasyPrint has no way to cancel a render, but it reports progress on the
# "weasyprint.progress" logger at each step and for every page it lays out. A filter on
# that logger checks the deadline of the render running in the current thread and stops
# it by raising, which WeasyPrint does not catch. The filter drops the progress messages
# themselves: dozens per report, noise in the application's logs.
_local = threading.local()
_clock = time.monotonic


class _DeadlineFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _check_deadline()
        return False


_filter_lock = threading.Lock()
_filter: _DeadlineFilter | None = None


def _install_deadline_filter() -> None:
    global _filter
    with _filter_lock:
        if _filter is None:
            progress = logging.getLogger("weasyprint.progress")
            _filter = _DeadlineFilter()
            progress.addFilter(_filter)
            progress.setLevel(logging.INFO)


def _check_deadline() -> None:
    deadline = getattr(_local, "deadline", None)
    if deadline is not None and _clock() > deadline:
        raise ReportTimeout("The report took too long to render and was stopped.")


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    _install_deadline_filter()
    previous = getattr(_local, "deadline", None)
    _local.deadline = _clock() + seconds
    try:
        yield
    finally:
        _local.deadline = previous
