"""Time the consultant's admin on a large data set: the changelist, the cohort dashboard
and the CSV export.

Run: .venv/bin/python benchmarks/bench_admin.py [--assessments N] [--runs R]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \\
         benchmarks/bench_admin.py          # SQLite, then PostgreSQL

Each database is a temporary one (an SQLite file in a temporary directory; on PostgreSQL a
database named bench_admin_<pid>), created with the migrations and dropped at the end.
It is seeded with bulk_create: N assessments (default 100,000) of the 10-question sample
bank, all answered, so 10 × N answers (1,000,000 by default), for N / 10 organisations
with one member each. Statuses, levels and dates are random but seeded. Two cohorts: the
first 1,000 organisations (about 10,000 of the assessments), and all of them.

Measured in-process with the test Client, logged in as a superuser, DEBUG off. Wall times
depend on what else the machine runs, so the load average is printed, and CPU times of
this process too (they include SQLite's work, not the PostgreSQL server's):
- the assessment changelist (plain, filtered, searched, sorted, by cohort, a deep page),
  the change page, the organisations list and the two cohorts' dashboards: median and
  p95 of R requests after one warm-up, and the number of queries of one request;
- the answers CSV export of every assessment (select across): time to first byte, rows
  per second, and memory: the process's resident size sampled during the export, and the
  peak of Python allocations (tracemalloc) exporting 10 % and then 100 % of the answers,
  which stays flat when the export streams.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_BANK = ROOT / "fixtures" / "sample_bank.yaml"
BATCH = 5000
STATUS_WEIGHTS = {
    "draft": 20,
    "submitted": 35,
    "in_review": 15,
    "changes_requested": 10,
    "reviewed": 20,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql"],
        help="Run one database (default: SQLite, and PostgreSQL when DATABASE_URL is set).",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        workdir = Path(tempfile.mkdtemp(prefix="bench-admin-measure-"))
        try:
            setup_django(workdir)
            measure(args)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return
    if args.backend:
        run(args)
        return
    backends = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        backends.append("postgresql")
    else:
        print("DATABASE_URL is not a PostgreSQL URL: SQLite only.\n")
    for backend in backends:
        command = [sys.executable, __file__, "--backend", backend]
        command += ["--assessments", str(args.assessments), "--runs", str(args.runs)]
        command += ["--seed", str(args.seed)]
        subprocess.run(command, check=True)


# --- One database, in its own process ----------------------------------------------------


def setup_django(workdir: Path) -> None:
    os.environ["TESTING"] = "true"  # a development secret key; fast password hashing
    os.environ["DEBUG"] = "false"
    os.environ["DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maturity_site.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings

    # The test Client's host; no setup_test_environment(), whose template instrumentation
    # would slow every page down.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def run(args) -> None:
    """Create and seed a temporary database, measure in a fresh process, drop it."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-admin-"))
    if args.backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'unused.sqlite3'}"
    setup_django(workdir)
    from django.conf import settings
    from django.db import connection

    database = settings.DATABASES["default"]
    database.setdefault("TEST", {})
    database["TEST"]["NAME"] = (
        str(workdir / "bench.sqlite3") if args.backend == "sqlite" else f"bench_admin_{os.getpid()}"
    )
    original_name = database["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        name = connection.settings_dict["NAME"]
        print(f"== {connection.vendor} ({name})", flush=True)
        seed(args.assessments, random.Random(args.seed))
        connection.close()
        # Measured in a new process, as a web worker would be: seeding leaves a large heap
        # behind that would slow every request down through garbage collection.
        url = (
            f"sqlite:///{name}"
            if args.backend == "sqlite"
            else urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
        )
        command = [sys.executable, __file__, "--measure", "--backend", args.backend]
        command += ["--assessments", str(args.assessments), "--runs", str(args.runs)]
        subprocess.run(command, check=True, env={**os.environ, "DATABASE_URL": url})
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


def seed(assessments: int, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from assessment.bank import load_bank, read_bank_file
    from assessment.models import (
        Answer,
        Assessment,
        Component,
        ComponentLevel,
        Membership,
        Organisation,
        Question,
    )

    started = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
    bank = load_bank(data=read_bank_file(SAMPLE_BANK)).bank
    questions = list(
        Question.objects.filter(component__section__bank=bank).prefetch_related("choices")
    )
    choices = {question.pk: list(question.choices.all()) for question in questions}
    components = list(Component.objects.filter(section__bank=bank))

    organisations = max(1, assessments // 10)
    sectors = [value for value, _ in Organisation.Sector.choices]
    sizes = [value for value, _ in Organisation.Size.choices]
    orgs = Organisation.objects.bulk_create(
        (
            Organisation(
                name=f"Organisation {index:06d}",
                sector=rng.choice(sectors),
                size=rng.choice(sizes),
            )
            for index in range(organisations)
        ),
        batch_size=BATCH,
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        (
            User(
                username=f"member{index}@org{index}.example",
                email=f"member{index}@org{index}.example",
                password="!",  # noqa: S106 - an unusable password
            )
            for index in range(organisations)
        ),
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        (Membership(user=user, organisation=org) for user, org in zip(users, orgs, strict=True)),
        batch_size=BATCH,
    )

    now = timezone.now()
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    for start in range(0, assessments, BATCH):
        batch = []
        for index in range(start, min(start + BATCH, assessments)):
            org_index = index % organisations
            status = rng.choices(statuses, weights)[0]
            submitted = status != "draft"
            level = rng.randint(0, 4) if submitted else None
            batch.append(
                Assessment(
                    organisation=orgs[org_index],
                    bank=bank,
                    title=f"Assessment {index:06d}",
                    status=status,
                    created_by=users[org_index],
                    submitted_at=now - timedelta(minutes=rng.randint(0, 500_000))
                    if submitted
                    else None,
                    overall_level=level,
                    overall_score=level + rng.random() * 0.9 if submitted else None,
                    answered_count=len(questions),
                )
            )
        created = Assessment.objects.bulk_create(batch)
        answers = []
        for assessment in created:
            user = users[(assessment.pk - 1) % organisations]
            for question in questions:
                roll = rng.random()
                if roll < 0.05:
                    answers.append(
                        Answer(
                            assessment=assessment,
                            question=question,
                            status=Answer.Status.DONT_KNOW,
                            answered_by=user,
                        )
                    )
                else:
                    answers.append(
                        Answer(
                            assessment=assessment,
                            question=question,
                            choice=rng.choice(choices[question.pk]),
                            comment="We do this by hand." if roll > 0.9 else "",
                            answered_by=user,
                        )
                    )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        # The levels the submit service stores for every submitted assessment.
        ComponentLevel.objects.bulk_create(
            (
                ComponentLevel(assessment=assessment, component=component, level=rng.randint(0, 4))
                for assessment in created
                if assessment.status != "draft"
                for component in components
            ),
            batch_size=BATCH,
        )
    seed_cohorts(orgs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(
        f"seeded {assessments:,} assessments, {Answer.objects.count():,} answers, "
        f"{organisations:,} organisations in {seconds:.0f} s",
        flush=True,
    )


def seed_cohorts(orgs) -> None:
    from datetime import date

    from assessment.models import Cohort, CohortOrganisation

    for name, members in (("Cohort of 1,000", orgs[:1000]), ("Cohort of all", orgs)):
        cohort = Cohort.objects.create(name=name, opens_on=date(2020, 1, 1), due_on=date.today())
        CohortOrganisation.objects.bulk_create(
            (CohortOrganisation(cohort=cohort, organisation=org) for org in members),
            batch_size=BATCH,
        )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_get(client, url: str, runs: int) -> tuple[float, float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # warm-up, and the query count
    # Read now: the next request clears the connection's query log.
    query_count = len(queries.captured_queries)
    assert response.status_code == 200, (url, response.status_code)
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return (
        statistics.median(timings),
        percentile(timings, 0.95),
        statistics.median(cpu),
        query_count,
    )


class RssSampler(threading.Thread):
    """The process's resident set size, sampled every 20 ms (Linux /proc)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = self.baseline = self.rss()
        self.done = threading.Event()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def run(self):
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.rss())


def export(client, query: str = "") -> dict:
    from django.urls import reverse

    from assessment.models import Assessment

    url = reverse("admin:assessment_assessment_changelist") + query
    any_id = Assessment.objects.values_list("pk", flat=True).first()
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.post(
        url,
        {"action": "export_answers_csv", "select_across": "1", "_selected_action": [any_id]},
    )
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_byte = time.perf_counter() - started
    size, lines = len(first), first.count(b"\n")
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    # Quoted comments hold no newline here, so lines - 1 (the header) are the rows.
    return {
        "rows": lines - 1,
        "bytes": size,
        "seconds": seconds,
        "cpu": cpu,
        "first_byte": first_byte,
    }


def measure(args) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from assessment.models import Assessment, Cohort

    admin = get_user_model().objects.create_superuser(
        "bench@admin.example", "bench@admin.example", "a-long-bench-password"
    )
    client = Client()
    client.force_login(admin)
    changelist = reverse("admin:assessment_assessment_changelist")
    deep_page = max(1, args.assessments // 50 // 4)  # a quarter of the way down
    some = Assessment.objects.filter(status="submitted").values_list("pk", flat=True).first()
    cohorts = dict(Cohort.objects.values_list("name", "pk"))
    small, every = cohorts["Cohort of 1,000"], cohorts["Cohort of all"]
    orgs = Assessment.objects.values("organisation").distinct().count()
    pages = [
        ("assessment changelist", changelist),
        ("  filtered: status=submitted", changelist + "?status__exact=submitted"),
        (
            "  filtered: sector + size",
            changelist + "?organisation__sector__exact=finance&organisation__size__exact=small",
        ),
        ("  filtered: overall level 3", changelist + "?overall_level__exact=3"),
        ("  search: organisation name", changelist + "?q=Organisation+004242"),
        ("  search: member e-mail", changelist + "?q=member4242%40org4242.example"),
        ("  sorted by overall level", changelist + "?o=6"),
        ("  filtered: cohort of 1,000", changelist + f"?cohort={small}"),
        ("  filtered: cohort + submitted", changelist + f"?cohort={small}&status__exact=submitted"),
        (f"  page {deep_page}", changelist + f"?p={deep_page}"),
        ("assessment change page", reverse("admin:assessment_assessment_change", args=[some])),
        ("organisation changelist", reverse("admin:assessment_organisation_changelist")),
        (
            f"cohort dashboard, {min(orgs, 1000):,} orgs",
            reverse("admin:assessment_cohort_dashboard", args=[small]),
        ),
        (
            f"cohort dashboard, {orgs:,} orgs",
            reverse("admin:assessment_cohort_dashboard", args=[every]),
        ),
    ]
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs; {args.runs} runs per page")
    print(f"{'page':38} {'median':>9} {'p95':>9} {'CPU':>9} {'queries':>8}")
    for name, url in pages:
        median, p95, cpu, queries = time_get(client, url, args.runs)
        print(f"{name:38} {median:7.1f}ms {p95:7.1f}ms {cpu:7.1f}ms {queries:8d}")

    sampler = RssSampler()
    sampler.start()
    result = export(client)
    sampler.done.set()
    sampler.join()
    print(
        f"answers CSV export: {result['rows']:,} rows, {result['bytes'] / 1e6:.0f} MB in "
        f"{result['seconds']:.1f} s = {result['rows'] / result['seconds']:,.0f} rows/s "
        f"({result['rows'] / result['cpu']:,.0f} rows per CPU second of this process); "
        f"first byte after {result['first_byte'] * 1000:.0f} ms; process RSS "
        f"{sampler.baseline / 1e6:.0f} MB before, {sampler.peak / 1e6:.0f} MB at most "
        f"(+{(sampler.peak - sampler.baseline) / 1e6:.1f} MB)"
    )
    # Python's allocations while exporting 10 % and 100 % of the answers: flat if streamed.
    tenth = Assessment.objects.order_by("pk").values_list("pk", flat=True)[
        max(0, args.assessments // 10 - 1)
    ]
    for label, query in (("10 %", f"?id__lte={tenth}"), ("100 %", "")):
        tracemalloc.start()
        result = export(client, query)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"  traced Python memory, exporting {label} ({result['rows']:,} rows): "
            f"peak {peak / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
