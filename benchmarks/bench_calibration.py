"""Time the calibration page of a team assessment: 8 participants x the largest bank.

Run: .venv/bin/python benchmarks/bench_calibration.py [--runs N] [--participants P]

Builds, in a throw-away SQLite database (bench-calibration.sqlite3 in the temporary
directory), bank v2 (134 questions, the largest published bank), an organisation with P
members and a team assessment in which every participant answered every question at
random (some "Don't know" and "Not applicable", a comment on one answer in five). Then, in
this process, through Django's test client with DEBUG off, it times --runs requests of:

- GET the calibration page (every question, the spread per section and component);
- POST it back unchanged (parsing, checking and saving every answer of record);
- GET the team assessment's results page with its team panel;

and prints the median and p95 of wall and CPU time per request and the queries each ran.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.gettempdir())
DATABASE = SCRATCH / "bench-calibration.sqlite3"  # a throw-away database
BANK = ROOT / "fixtures" / "question_bank_v2.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--participants", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    if DATABASE.exists():
        DATABASE.unlink()
    os.environ.update(
        DATABASE_URL=f"sqlite:///{DATABASE}",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        HTTPS="false",
        REPORT_PREPARE="false",
        STATIC_ROOT=str(SCRATCH / "bench-calibration-static"),
        DJANGO_SETTINGS_MODULE="maturity_site.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_question_bank", str(BANK), verbosity=0)
    owner, assessment = build_team(random.Random(args.seed), args.participants)

    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()  # the client then keeps each response's template context
    client = Client()
    client.force_login(owner)
    calibration = f"/assessments/{assessment.pk}/calibration/"
    page = client.get(calibration)
    assert page.status_code == 200, page.status_code
    posted = {"csrfmiddlewaretoken": "unused"}
    for row in page.context["form"].rows:
        posted[row.field], posted[row.note_name] = row.value, row.note
    questions = len(page.context["form"].rows)
    teardown_test_environment()  # measured without the template instrumentation
    print(f"bank v2: {questions} questions, {args.participants} participants, {args.runs} runs")
    measure("GET calibration", args.runs, lambda: client.get(calibration), 200)
    measure("POST calibration", args.runs, lambda: client.post(calibration, posted), 302)
    results = f"/assessments/{assessment.pk}/results/"
    measure("GET results (team)", args.runs, lambda: client.get(results), 200)


def build_team(rng: random.Random, size: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessment import selectors, services
    from assessment.models import Answer, Membership, Organisation, ParticipantAnswer
    from assessment.structure import bank_structure

    users = get_user_model().objects
    organisation = Organisation.objects.create(
        name="Bench Bank plc", sector="finance", size="large"
    )
    people = []
    for number in range(size):
        person = users.create_user(
            f"p{number}@bench.example", f"p{number}@bench.example", first_name=f"Person {number}"
        )
        role = Membership.Role.OWNER if number == 0 else Membership.Role.MEMBER
        Membership.objects.create(user=person, organisation=organisation, role=role)
        people.append(person)
    bank = selectors.current_bank()
    assessment = services.start_team_assessment(
        organisation=organisation,
        user=people[0],
        bank=bank,
        title="Team 2026",
        members=people[1:],
        invitations=[],
        show_names=True,
        participants_see_calibration=False,
    ).assessment
    structure = bank_structure(bank)
    rows = []
    for participant in assessment.participants.all():
        for question in structure.questions:
            roll = rng.random()
            if roll < 0.06:
                status, choice = Answer.Status.DONT_KNOW, None
            elif roll < 0.1 and question.allows_not_applicable:
                status, choice = Answer.Status.NOT_APPLICABLE, None
            else:
                status, choice = Answer.Status.ANSWERED, rng.choice(question.choices_list)
            comment = "We do this for the fraud model only." if rng.random() < 0.2 else ""
            rows.append(
                ParticipantAnswer(
                    participant=participant,
                    question=question,
                    status=status,
                    choice=choice,
                    comment=comment,
                )
            )
    ParticipantAnswer.objects.bulk_create(rows)
    assessment.participants.update(finished_at=timezone.now())
    return people[0], assessment


def measure(name: str, runs: int, request, expected: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    walls, cpus, queries = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            response = request()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        assert response.status_code == expected, (name, response.status_code)
        queries = len(captured)

    def ms(values, quantile):
        return 1000 * statistics.quantiles(values, n=20)[quantile] if len(values) > 1 else 0

    wall_median, cpu_median = 1000 * statistics.median(walls), 1000 * statistics.median(cpus)
    print(
        f"{name:22} wall median {wall_median:6.1f} ms, p95 {ms(walls, 18):6.1f} ms;"
        f" CPU median {cpu_median:6.1f} ms; {queries} queries"
    )


if __name__ == "__main__":
    main()
