"""Time the PDF report of a realistic, fully answered assessment.

Run: .venv/bin/python benchmarks/bench_report.py [--runs N] [--output /tmp/report.pdf]

Builds, in a throw-away SQLite database (/tmp/bench-report.sqlite3), the full question
bank (fixtures/question_bank_v2.yaml, else the sample bank), an organisation, a previous
submitted assessment to compare with, and a reviewed assessment with every question
answered and commented (some "Not applicable" and "Don't know") plus shared consultant
notes, targets set from an ambition (a few raised by hand) and an action with an owner and
a due date for each of the first three workstreams. Then it measures:

- cold: the first render in this process, including the import of WeasyPrint;
- warm: median and p95 of --runs renders (HTML and PDF, never from the cache), in wall
  time and in CPU time (wall time also counts waiting for a busy CPU);
- peak memory: the process's maximum resident set size, and the Python allocations of
  one warm render (tracemalloc; a separate run, as tracing slows it down);
- the text floor: the same words as plain paragraphs, which no template can go below.

Targets (see docs/report.md): warm under 1.5 s, peak under 250 MB; the board report
alone (issue 16) under 1.0 s warm. The last line times a
fixed pure-Python loop, so figures from different machines can be compared.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = Path("/tmp/bench-report.sqlite3")  # noqa: S108 - a throw-away database
BENCH_TIMEOUT = 600  # measure slow renders instead of stopping them

COMMENTS = [
    "The data team owns this; the platform team helps with infrastructure.",
    "We started on this last quarter and expect to finish the rollout by the summer.",
    "Done for the fraud model only; the recommender still relies on notebooks.",
    "Our auditors asked about this in the last review, so it is a priority.",
    "Depends on which team you ask: credit risk is ahead of marketing here.",
    "We use MLflow for tracking and DVC for data sets, but not consistently.",
    "A contractor built the first version; nobody in house fully understands it yet.",
    "Alerts go to a shared mailbox that is not watched at weekends.",
    "Budget for this was approved in January.",
    "We tried a feature store in 2024 and paused it: too much overhead for two models.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, help="also write the PDF here")
    parser.add_argument("--board-output", type=Path, help="also write the board report here")
    args = parser.parse_args()

    if DATABASE.exists():
        DATABASE.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DEBUG"] = "true"
    os.environ["REPORT_PREPARE"] = "false"  # no background renders: this measures its own
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maturity_site.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    assessment, bank_file = build_assessment(random.Random(args.seed))

    from types import SimpleNamespace

    from assessment.reports import context, fetcher, rendering

    report = SimpleNamespace(
        render_pdf=rendering.render_pdf,
        report_html=context.report_html,
        layout=rendering.layout,
        PDF_VARIANT=rendering.PDF_VARIANT,
        STATIC_BASE=fetcher.STATIC_BASE,
    )

    assert "weasyprint" not in sys.modules, "importing the report must not import WeasyPrint"
    questions = assessment.answers.count()
    print(f"bank: {bank_file.name}, {questions} questions answered with comments")

    started = time.perf_counter()
    pdf = report.render_pdf(report.report_html(assessment), timeout=BENCH_TIMEOUT)
    cold = time.perf_counter() - started
    if args.output:
        args.output.write_bytes(pdf)
        print(f"wrote {args.output}")

    html_times, warm, warm_cpu = [], [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        html = report.report_html(assessment)
        built = time.perf_counter()
        pdf = report.render_pdf(html, timeout=BENCH_TIMEOUT)
        done = time.perf_counter()
        html_times.append(built - started)
        warm.append(done - started)
        warm_cpu.append(time.process_time() - started_cpu)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    board, board_cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        board_pdf = report.render_pdf(
            report.report_html(assessment, board_only=True), timeout=BENCH_TIMEOUT
        )
        board.append(time.perf_counter() - started)
        board_cpu.append(time.process_time() - started_cpu)
    if args.board_output:
        args.board_output.write_bytes(board_pdf)
        print(f"wrote {args.board_output}")

    tracemalloc.start()
    report.render_pdf(report.report_html(assessment), timeout=BENCH_TIMEOUT)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"PDF: {pages} pages, {len(pdf) / 1024:.0f} KiB")
    print(f"cold render (with WeasyPrint import): {cold:.2f} s")
    print(
        f"warm render, {args.runs} runs: median {statistics.median(warm):.2f} s, "
        f"p95 {percentile(warm, 95):.2f} s, min {min(warm):.2f} s "
        f"(of which HTML: median {statistics.median(html_times) * 1000:.0f} ms)"
    )
    print(
        f"warm render CPU time: median {statistics.median(warm_cpu):.2f} s, "
        f"p95 {percentile(warm_cpu, 95):.2f} s (wall time above also counts waiting for "
        "the CPU when other processes run)"
    )
    board_pages = len(PdfReader(io.BytesIO(board_pdf)).pages)
    print(
        f"board report alone ({board_pages} pages), {args.runs} runs: median "
        f"{statistics.median(board):.2f} s, p95 {percentile(board, 95):.2f} s, CPU median "
        f"{statistics.median(board_cpu):.2f} s (target: 1.0 s warm)"
    )
    print(f"peak RSS of the process: {rss_mb:.0f} MB")
    print(f"peak Python allocations during one warm render: {traced_peak / 2**20:.0f} MB")
    floor_cpu, floor_pages = text_floor(report, report.report_html(assessment), args.runs)
    print(
        f"the same text as plain paragraphs ({floor_pages} pages, same stylesheet and PDF/UA): "
        f"median {floor_cpu:.2f} s CPU"
    )
    print(f"machine reference: 10 million Python additions take {reference_loop():.2f} s CPU")
    ok = statistics.median(warm) < 1.5 and rss_mb < 250
    print("targets (warm < 1.5 s, peak < 250 MB):", "met" if ok else "NOT met")


def text_floor(report, html: str, runs: int) -> tuple[float, int]:
    """Render the report's words as plain paragraphs: what WeasyPrint needs for the text
    alone, without charts, tables, boxes or colours (the floor of any template)."""
    import html as html_module
    import re

    body = html[html.index("<body>") :]
    body = re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
    body = re.sub(r"<br>|</(p|li|h1|h2|h3|td|th|div|figcaption)>", "\n", body)
    lines = [
        html_module.unescape(line).strip() for line in re.sub(r"<[^>]+>", "", body).split("\n")
    ]
    paragraphs = "".join(f"<p>{html_module.escape(line)}</p>" for line in lines if line)
    plain = (
        f'<html lang="en-GB"><head><link rel="stylesheet" href="{report.STATIC_BASE}'
        f'css/report.css"></head><body>{paragraphs}</body></html>'
    )
    pages, times = 0, []
    for _ in range(runs):
        started = time.process_time()
        document = report.layout(plain)
        document.write_pdf(pdf_variant=report.PDF_VARIANT)
        times.append(time.process_time() - started)
        pages = len(document.pages)
    return statistics.median(times), pages


def reference_loop() -> float:
    """A fixed amount of pure-Python work, to compare this machine with others."""
    started = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.process_time() - started


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def build_assessment(rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessment import services
    from assessment.bank import load_bank, read_bank_file
    from assessment.models import Answer, Assessment, Membership, Organisation

    full = ROOT / "fixtures" / "question_bank_v2.yaml"
    bank_file = full if full.exists() else ROOT / "fixtures" / "sample_bank.yaml"
    bank = load_bank(data=read_bank_file(bank_file)).bank

    users = get_user_model().objects
    organisation = Organisation.objects.create(
        name="Northwind Lending Ltd",
        sector=Organisation.Sector.FINANCE,
        size=Organisation.Size.MEDIUM,
    )
    owner = users.create_user("ana@northwind.example", password=None, first_name="Ana")
    Membership.objects.create(user=owner, organisation=organisation, role="owner")
    consultant = users.create_user(
        "morgan@consult.example",
        password=None,
        first_name="Morgan",
        last_name="Reyes",
        is_staff=True,
    )

    def answered(title: str, shift: int) -> Assessment:
        assessment = Assessment.objects.create(
            organisation=organisation, bank=bank, title=title, created_by=owner
        )
        for section in bank.sections.prefetch_related("components__questions__choices"):
            base = rng.choice([1, 2, 2, 2, 3])
            for component in section.components.all():
                level_base = max(0, min(4, base + rng.choice([-1, 0, 0, 0, 1]) + shift))
                for question in component.questions.all():
                    roll = rng.random()
                    comment = " ".join(rng.sample(COMMENTS, rng.choice([1, 1, 2, 3])))
                    if roll < 0.05:
                        status, choice = Answer.Status.DONT_KNOW, None
                    elif roll < 0.1 and question.allows_not_applicable:
                        status, choice = Answer.Status.NOT_APPLICABLE, None
                    else:
                        level = max(0, min(4, level_base + rng.choice([-1, 0, 0, 0, 0, 1])))
                        status = Answer.Status.ANSWERED
                        choice = question.choices.get(level=level)
                    Answer.objects.create(
                        assessment=assessment,
                        question=question,
                        choice=choice,
                        status=status,
                        comment=comment,
                        answered_by=owner,
                    )
        return services.submit_assessment(assessment=assessment, user=owner)

    previous = answered("MLOps maturity 2025", shift=-1)
    Assessment.objects.filter(pk=previous.pk).update(
        submitted_at=timezone.now() - timezone.timedelta(days=365)
    )
    current = answered("MLOps maturity 2026", shift=0)
    services.review_transition(assessment=current, to_status="in_review", consultant=consultant)
    for answer in current.answers.filter(status=Answer.Status.DONT_KNOW)[:2]:
        services.add_consultant_note(
            assessment=current,
            author=consultant,
            answer=answer,
            shared=True,
            text="Worth asking the platform team: they set this up in 2024.",
        )
    services.add_consultant_note(
        assessment=current,
        author=consultant,
        shared=True,
        text="Strong start on data versioning; monitoring is the main gap to close this year.",
    )
    current = services.review_transition(
        assessment=current,
        to_status="reviewed",
        consultant=consultant,
        message=(
            "Northwind has solid foundations in data management and documentation. The "
            "biggest risk is production monitoring: models run for months without drift "
            "checks. We recommend the 90-day steps in the roadmap, starting with the "
            "foundation components, before investing in automated retraining."
        ),
    )
    plan_targets_and_actions(current, owner)
    return Assessment.objects.select_related("organisation", "bank").get(pk=current.pk), bank_file


def plan_targets_and_actions(assessment, owner) -> None:
    """Targets from the in-production ambition, three raised a level by hand, and an action
    with an owner and a due date for each of the first three workstreams."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessment import services
    from assessment.domain.targets import IN_PRODUCTION, suggest_targets
    from assessment.models import Membership
    from assessment.results import results_for
    from assessment.services.actions import ActionFields
    from assessment.structure import bank_structure

    levels = suggest_targets(IN_PRODUCTION, bank_structure(assessment.bank).target_subjects)
    for slug in list(levels)[:3]:
        levels[slug] = min(4, levels[slug] + 1)
    services.set_targets(assessment=assessment, levels=levels, ambition=IN_PRODUCTION, user=owner)
    lead = get_user_model().objects.create_user(
        "sam@northwind.example", password=None, first_name="Sam", last_name="Okafor"
    )
    Membership.objects.create(user=lead, organisation=assessment.organisation, role="member")
    for number, workstream in enumerate(results_for(assessment).roadmap.workstreams[:3]):
        services.create_action(
            organisation=assessment.organisation,
            user=owner,
            planned_in=assessment,
            fields=ActionFields(
                title=workstream.title,
                components=tuple(item.component for item in workstream.items),
                from_level=None,
                to_level=None,
                owner_id=(lead if number % 2 else owner).pk,
                due_date=timezone.localdate() + timezone.timedelta(days=30 * (number + 1)),
                status="in_progress" if number == 0 else "not_started",
                note="",
            ),
        )


if __name__ == "__main__":
    main()
