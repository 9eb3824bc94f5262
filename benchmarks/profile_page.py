"""Profile one page in-process with pyinstrument, to find what a request spends its time on.

Run: .venv/bin/python benchmarks/profile_page.py [--page section|grid|results|results.json]
     [--runs 50] [--html /tmp/profile.html]

Needs pyinstrument (`.venv/bin/pip install pyinstrument`; it is not a project dependency).
Seeds a scratch SQLite database (/tmp/maturity-bench-profile.sqlite3) the same way as
bench_pages.py, with DEBUG and TESTING off, and requests the page --runs times through the
Django test client (full middleware stack, no HTTP server), after one warm-up request.
Prints the time per request and pyinstrument's call tree (library frames collapsed; use
--html for the full interactive view).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import bench_pages
import harness

URLENCODED = "application/x-www-form-urlencoded"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--page",
        default="section",
        choices=["section", "grid", "results", "results.json", "save"],
        help="a page to GET, or save: POST the largest section, changing every answer",
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML view here")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--all", action="store_true", help="show library frames too (Django, Jinja2, …)"
    )
    parser.add_argument(
        "--time-only",
        action="store_true",
        help="no profiler: the CPU time per request in-process, a quick check of a change",
    )
    args = parser.parse_args()
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("pyinstrument is missing: .venv/bin/pip install pyinstrument")

    url = harness.database_url("sqlite", "profile")
    harness.create_scratch_database("sqlite", url)
    try:
        with tempfile.TemporaryDirectory(prefix="maturity-bench-profile-") as tmp:
            env = harness.server_environment(url, Path(tmp) / "static")
            harness.setup_django(env)
            harness.quiet_app_logs()
            harness.migrate_and_load_bank()
            seeded = bench_pages.seed(random.Random(args.seed))
            harness.collectstatic(env)
            path = seeded["pages"]["section" if args.page == "save" else args.page][0]

            from django.test import Client

            client = Client(SERVER_NAME=harness.HOST)
            client.force_login(seeded["owner"])
            response = client.get(path)
            assert response.status_code == 200
            if args.page == "save":
                page = harness.parse_section(response.content.decode())
                request = iter([save_fields(page, turn) for turn in range(args.runs + 1)])

                def one():
                    # Urlencoded, as the browser's form and bench_saves.py send it (the
                    # test client's default, multipart, costs a third of a save to parse).
                    body = urllib.parse.urlencode(next(request))
                    response = client.post(path, body, content_type=URLENCODED)
                    assert response.status_code == 302
            else:

                def one():
                    client.get(path)

            one()  # warm-up
            if args.time_only:
                print_cpu_per_request(args.page, one, args.runs)
                return
            profiler = Profiler(interval=0.0005)
            started = time.perf_counter()
            cpu_started = time.process_time()
            with profiler:
                for _ in range(args.runs):
                    one()
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            print(f"CPU time {cpu / args.runs * 1000:.1f} ms per request under the profiler")
            print(
                f"{args.page} ({path}): {elapsed / args.runs * 1000:.1f} ms per request "
                f"under the profiler, {args.runs} requests"
            )
            print(profiler.output_text(unicode=True, color=False, show_all=args.all))
            if args.html:
                args.html.write_text(profiler.output_html())
                print(f"HTML profile written to {args.html}")
    finally:
        harness.drop_scratch_database("sqlite", url)


def print_cpu_per_request(page: str, one, runs: int, batch: int = 25) -> None:
    """CPU time per request in batches: other machines' work on the host slows whole
    batches, so the fastest batch is the figure that repeats; the median is printed too."""
    per_request = []
    for _ in range(max(1, runs // batch)):
        cpu_started = time.process_time()
        for _ in range(batch):
            one()
        per_request.append((time.process_time() - cpu_started) / batch * 1000)
    print(
        f"{page}: CPU time {min(per_request):.2f} ms per request in the fastest batch of "
        f"{batch}, median {statistics.median(per_request):.2f} ms ({len(per_request)} batches)"
    )


def save_fields(page: harness.SectionPage, turn: int) -> dict:
    """POST data changing every answer of the page (revisions follow, one per save)."""
    data = {"csrfmiddlewaretoken": page.csrf, "goto": "next"}
    for position, (question_id, question) in enumerate(page.questions.items()):
        start = question.options.index(question.checked) if question.checked else position
        data[f"q{question_id}"] = question.options[(start + turn + 1) % len(question.options)]
        data[f"c{question_id}"] = question.comment
        data[f"r{question_id}"] = str(question.revision + turn)
    return data


if __name__ == "__main__":
    main()
