"""HTML to a tagged PDF with WeasyPrint, within a deadline.

WeasyPrint is imported inside functions only, so the app starts without loading it: it
costs most of a second and tens of megabytes, and only the report needs it.
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from assessment.reports.fetcher import REPORT_ORIGIN, url_fetcher

# Tagged PDF for accessibility: PDF/UA-1 turns on WeasyPrint's pdf_tags (a structure
# tree from the HTML: headings, lists, tables, figures) and declares the conformance.
PDF_VARIANT = "pdf/ua-1"


class ReportError(Exception):
    """The report could not be produced; the view answers with a friendly error."""


class ReportTimeout(ReportError):
    """A render ran past its deadline and was stopped."""


def render_timeout() -> float:
    return settings.REPORT_RENDER_TIMEOUT


def render_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """Render report HTML to a tagged PDF, stopping with ReportTimeout past the deadline."""
    # Imported before the deadline starts: an import stopped halfway would break
    # WeasyPrint for the rest of the process.
    import weasyprint  # noqa: F401

    with deadline(render_timeout() if timeout is None else timeout):
        return layout(html).write_pdf(pdf_variant=PDF_VARIANT)


def layout(html: str):
    """Lay report HTML out in pages (a weasyprint Document); only our fetcher loads URLs."""
    from weasyprint import HTML

    source = HTML(string=html, base_url=REPORT_ORIGIN, url_fetcher=url_fetcher())
    return source.render(pdf_variant=PDF_VARIANT)


def _stop(signum, frame):
    raise ReportTimeout("The report took too long to render and was stopped.")


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Stop the code inside after `seconds` of wall time, with ReportTimeout.

    WeasyPrint cannot be cancelled, so the stop is a real-time timer signal, raised between
    two Python steps of the render. Signals reach only the main thread: the task worker
    and gunicorn's sync workers render there. Elsewhere (the development server's request
    threads) the render runs to its end.
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
