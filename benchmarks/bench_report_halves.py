"""Would rendering the PDF report on both cores meet the 1.5 s target? Measure it.

Run: .venv/bin/python benchmarks/bench_report_halves.py [--runs 6]

Builds the same assessment as bench_report.py, splits the report's HTML into two
documents at chapter boundaries (the main report: cover, contents, summary, charts,
roadmap, comparison, review; and the annexes: results by section and every answer), and
renders both at once in two warm worker processes (forked after WeasyPrint is loaded).
Prints the wall time of each pair next to a single-process render of the whole report.
Merging the two PDFs (page numbers, contents, bookmarks, the PDF/UA structure tree) is
not done here: it would only add to the time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import statistics
import sys
import time

import bench_report

MAIN_CHAPTERS = ("summary", "glance", "roadmap", "comparison", "review")
ANNEX_CHAPTERS = ("by-section", "appendix")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()

    if bench_report.DATABASE.exists():
        bench_report.DATABASE.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_report.DATABASE}"
    os.environ["DEBUG"] = "true"
    os.environ["REPORT_PREPARE"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maturity_site.settings")
    sys.path.insert(0, str(bench_report.ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    assessment, _ = bench_report.build_assessment(random.Random(7))
    from assessment import report

    html = report.report_html(assessment)
    halves = split(html)
    render_whole(html)  # loads WeasyPrint before the workers are forked

    walls, cpus = [], []
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(render_whole, halves)  # warm both workers
        for _ in range(args.runs):
            started = time.perf_counter()
            cpus.append(pool.map(render_whole, halves))
            walls.append(time.perf_counter() - started)
    single = [render_whole(html) for _ in range(3)]

    for wall, (main_cpu, annex_cpu) in zip(walls, cpus, strict=True):
        print(
            f"both halves at once: {wall:.2f} s wall "
            f"(main {main_cpu:.2f} s CPU, annexes {annex_cpu:.2f} s CPU)"
        )
    print(f"median wall for the two halves at once: {statistics.median(walls):.2f} s")
    print(f"the whole report in one process: median {statistics.median(single):.2f} s CPU")


def split(html: str) -> tuple[str, str]:
    head = html[: html.index('<section class="chapter')]
    chapters = {
        re.search(r'id="([^"]+)"', chapter).group(1): chapter
        for chapter in re.split(r'(?=<section class="chapter)', html)[1:]
    }
    end = "</main></body></html>"
    main_report = head + "".join(chapters.get(name, "") for name in MAIN_CHAPTERS) + end
    annexes = html[: html.index("<body>")] + "<body><main>"
    annexes += "".join(chapters[name] for name in ANNEX_CHAPTERS) + end
    return main_report, annexes


def render_whole(html: str) -> float:
    from assessment import report

    started = time.process_time()
    report.render_pdf(html, timeout=bench_report.BENCH_TIMEOUT)
    return time.process_time() - started


if __name__ == "__main__":
    main()
