"""The only way a report loads anything: the app's static files, data: URIs, and the
consultancy's logo from storage (ReportBranding).

Every URL in the report resolves against REPORT_ORIGIN. The .invalid top-level domain
never resolves (RFC 2606), and the fetcher answers only /static/... under it, from the
app's own static files: nothing in a report ever reaches the network or the disk beyond
them.
"""

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from django.contrib.staticfiles import finders

REPORT_ORIGIN = "https://report.invalid/"
STATIC_BASE = REPORT_ORIGIN + "static/"
# The logo's URL carries the branding's change time, so a new logo makes a new report.
BRANDING_LOGO_BASE = REPORT_ORIGIN + "branding/logo-"
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
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


class FetchRefused(ValueError):
    """The report asked for a resource it may not have: anything but static files and data:."""


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
    if url.startswith(BRANDING_LOGO_BASE):
        return Resource(url, *_branding_logo())
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


def _branding_logo() -> tuple[bytes, str]:
    """The one file the branding names, read through Django's storage, never a path."""
    from assessment.models import ReportBranding

    branding = ReportBranding.objects.first()
    refused = FetchRefused("Refused to fetch the logo: no branding logo is set")
    if branding is None or not branding.logo:
        raise refused
    content_type = LOGO_TYPES.get(PurePosixPath(branding.logo.name).suffix.lower())
    if content_type is None or branding.logo.size > MAX_STATIC_BYTES:
        raise refused
    with branding.logo.open("rb") as file:
        return file.read(), content_type


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
