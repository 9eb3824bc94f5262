"""The baseline for bench_pages.py: a plain WSGI app that returns saved HTML bytes.

Served by the same gunicorn command as the app (2 sync workers), it shows what the
machine can serve without Django: GET /<name> returns the file <name> from the directory
in BENCH_STATIC_PAGES, read once at start-up. bench_pages.py saves each measured page there
so the baseline sends the same number of bytes.
"""

import os
from pathlib import Path

PAGES = {
    path.name: path.read_bytes()
    for path in Path(os.environ["BENCH_STATIC_PAGES"]).iterdir()
    if path.is_file()
}


def application(environ, start_response):
    body = PAGES.get(environ.get("PATH_INFO", "").lstrip("/"))
    if environ.get("PATH_INFO") == "/healthz":
        body = b"ok"
    if body is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    content_type = "application/json" if environ["PATH_INFO"].endswith(".json") else "text/html"
    start_response(
        "200 OK",
        [("Content-Type", f"{content_type}; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]
