"""Load test: simulated respondents completing assessments concurrently (issue 8).

Run: .venv/bin/python benchmarks/loadtest.py [--seconds 180] [--respondents 50]
     [--db postgres|sqlite|env] [--think-min 0.5] [--think-max 2]

Against gunicorn (2 sync workers, DEBUG off, 127.0.0.1, a free port) on a scratch
database (PostgreSQL `maturity_bench` by default, created and dropped; or a SQLite file
under /tmp; or DATABASE_URL with --db env), each simulated respondent is a thread with its
own HTTP client and cookies. Half of them sign up through the sign-up form (and, when the
app asks for it, read the confirmation email from a file mailbox and follow the link); the
other half were seeded through the app's services and log in. Then each, until time is
up:

  dashboard -> start an assessment (sometimes pre-filled from its previous one) ->
  overview -> every section in turn: GET, think, answer every question, "Save and
  continue" -> sometimes go back to an earlier section and change some answers, checking
  that the page shows what was saved -> review -> submit -> results -> results.json
  (checked against what was posted) -> start again.

Think time between pages is uniform in [--think-min, --think-max] seconds. Any 5xx, any
unexpected status or redirect, any page that contradicts what was saved, and any failed
connection counts as an error. The run is bounded: respondents stop starting requests
when --seconds are over, in-flight requests finish, the server is stopped. Then every
answer in the database is checked against the last value its respondent posted (zero lost
answers), and every assessment the clients submitted must be submitted in the database.

Reports requests, errors and median/p95/p99/max latency per request type, assessments
completed, and how busy the machine was. The server gets FORM_THROTTLE_LIMIT raised so
that many sign-ups from 127.0.0.1 are not throttled, and an email backend that writes
to a temporary directory (benchmarks/bench_mailbox.py). No task worker runs beside it:
emails are sent in the request (TASKS_BACKEND=immediate) and submissions render no
report (REPORT_PREPARE=false). benchmarks/scaleout.py runs the same respondents (drive())
through nginx against two servers and a worker.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import harness

THROTTLE_LIMIT = "1000000"
ACCOUNT_KINDS = ("login", "signup", "signup_confirm")


class TimeUp(Exception):
    """The run is over: the respondent stops before its next request."""


class StepFailed(Exception):
    """An error (already recorded): the respondent abandons this assessment."""


@dataclass(frozen=True)
class BankInfo:
    sections: list[tuple[str, str, list[int]]]  # slug, layout, question ids
    choice_level: dict[int, int]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.finished: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.errors: Counter = Counter()
        self.error_samples: list[str] = []
        self.completed = 0
        self.started_assessments = 0

    def record(self, kind: str, status: int | str, elapsed: float | None) -> None:
        with self.lock:
            self.statuses[kind][status] += 1
            if elapsed is not None:
                self.latencies[kind].append(elapsed)
                self.finished[kind].append(time.monotonic())

    def steady_latencies(self, since: float) -> dict[str, list[float]]:
        """Latencies of the requests that finished after `since`."""
        return {
            kind: [x for x, at in zip(values, self.finished[kind], strict=True) if at >= since]
            for kind, values in self.latencies.items()
        }

    def error(self, kind: str, detail: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.error_samples) < 20:
                self.error_samples.append(f"{kind}: {detail}"[:400])


class Respondent(threading.Thread):
    def __init__(
        self,
        index: int,
        port: int,
        email: str,
        seeded: bool,
        bank: BankInfo,
        args,
        stats: Stats,
        deadline: float,
        mailbox: Path,
        *,
        source: str | None = None,
    ):
        super().__init__(name=f"respondent-{index}", daemon=True)
        self.index = index
        self.port = port
        self.email = email
        self.seeded = seeded
        self.bank = bank
        self.args = args
        self.stats = stats
        self.deadline = deadline
        self.mailbox = mailbox
        self.rng = random.Random(args.seed * 1000 + index)
        self.bias = self.rng.choice([1, 2, 2, 3])  # how mature this organisation is
        # `source`: the loopback address this respondent connects from (its own, behind a
        # proxy that passes X-Forwarded-For); None connects from 127.0.0.1.
        self.browser = harness.Browser(port, timeout=60, source=source)
        # (assessment, question) -> (value, comment) last acknowledged by the server
        self.posted: dict[tuple[int, int], tuple[str, str]] = {}
        self.uncertain: set[tuple[int, int]] = set()
        self.assessments: list[int] = []
        self.submitted: list[int] = []
        self.last_submitted: int | None = None

    # -- plumbing ---------------------------------------------------------------------------

    def think(self) -> None:
        pause = self.rng.uniform(self.args.think_min, self.args.think_max)
        remaining = self.deadline - time.monotonic()
        time.sleep(max(0.0, min(pause, remaining)))

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        fields=None,
        *,
        expect: int = 200,
        location: str | re.Pattern | None = None,
    ) -> harness.Response:
        if time.monotonic() >= self.deadline:
            raise TimeUp
        try:
            response = self.browser.request(method, path, fields)
        except Exception as error:  # noqa: BLE001 - every failure is an error
            self.stats.record(kind, type(error).__name__, None)
            self.stats.error(kind, f"{method} {path}: {type(error).__name__}: {error}")
            raise StepFailed from error
        self.stats.record(kind, response.status, response.elapsed)
        wrong_location = False
        if location is not None:
            if isinstance(location, re.Pattern):
                wrong_location = not location.fullmatch(response.location)
            else:
                wrong_location = response.location != location
        if response.status != expect or wrong_location:
            wanted = location.pattern if isinstance(location, re.Pattern) else location or ""
            self.stats.error(
                kind,
                f"{method} {path}: {response.status} {response.location or ''} "
                f"(expected {expect} {wanted})",
            )
            raise StepFailed
        return response

    def fail(self, kind: str, detail: str) -> None:
        self.stats.error(kind, detail)
        raise StepFailed

    # -- the journey ------------------------------------------------------------------------

    def run(self) -> None:
        time.sleep(self.index * self.args.ramp / max(1, self.args.respondents))
        try:
            while time.monotonic() < self.deadline:
                try:
                    if "sessionid" not in self.browser.cookies:
                        if self.seeded:
                            self.log_in()
                        else:
                            self.sign_up()
                            self.seeded = True  # the next time, the account logs in
                    self.complete_assessment()
                except StepFailed:
                    self.think()
                    self.check_session()
        except TimeUp:
            pass
        finally:
            self.browser.close()

    def check_session(self) -> None:
        """After an error, carry on from the dashboard, logging in again if needed."""
        try:
            self.call("dashboard", "GET", "/assessments/")
        except (StepFailed, TimeUp):
            self.browser.cookies.pop("sessionid", None)

    def log_in(self) -> None:
        page = self.call("login_form", "GET", "/login/")
        self.think()
        self.call(
            "login",
            "POST",
            "/login/",
            {
                "csrfmiddlewaretoken": harness.csrf_token(page.text),
                "username": self.email,
                "password": harness.PASSWORD,
                "next": "",
            },
            expect=302,
            location="/assessments/",
        )

    def sign_up(self) -> None:
        page = self.call("signup_form", "GET", "/signup/")
        self.think()
        response = self.call(
            "signup",
            "POST",
            "/signup/",
            {
                "csrfmiddlewaretoken": harness.csrf_token(page.text),
                "first_name": "Load",
                "last_name": f"Tester {self.index}",
                "email": self.email,
                "password1": harness.PASSWORD,
                "password2": harness.PASSWORD,
                "organisation_name": f"Load Test {self.index} Ltd",
                "sector": "technology",
                "size": "small",
            },
            expect=302,
        )
        if response.location == "/assessments/":
            return  # signed up and logged in at once
        self.call("signup_sent", "GET", response.location)
        link = self.read_confirmation_link()
        self.think()
        page = self.call("signup_confirm_page", "GET", link)
        if "csrfmiddlewaretoken" in page.text:
            self.call(
                "signup_confirm",
                "POST",
                link,
                # The confirmation page asks for the password chosen at sign-up.
                {
                    "csrfmiddlewaretoken": harness.csrf_token(page.text),
                    "password": harness.PASSWORD,
                },
                expect=302,
                location="/assessments/",
            )

    def read_confirmation_link(self) -> str:
        pattern = re.compile(rf"http://{re.escape(harness.HOST)}:{self.port}(/\S+)")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for message in self.mailbox.iterdir():
                text = message.read_text(errors="replace")
                if f"To: {self.email}" in text:
                    match = pattern.search(text)
                    if match:
                        return match.group(1)
            time.sleep(0.2)
        self.fail("signup_email", f"no confirmation email for {self.email}")
        raise AssertionError  # not reached

    def complete_assessment(self) -> None:
        dashboard = self.call("dashboard", "GET", "/assessments/")
        self.think()
        prefill = ""
        if self.last_submitted and self.rng.random() < 0.3:
            prefill = str(self.last_submitted)
        response = self.call(
            "start",
            "POST",
            "/assessments/new/",
            {
                "csrfmiddlewaretoken": harness.csrf_token(dashboard.text),
                "title": f"Load test {len(self.assessments) + 1}",
                "prefill_from": prefill,
            },
            expect=302,
            location=re.compile(r"/assessments/\d+/"),
        )
        assessment = int(response.location.strip("/").split("/")[-1])
        self.assessments.append(assessment)
        with self.stats.lock:
            self.stats.started_assessments += 1
        base = f"/assessments/{assessment}/"
        self.call("overview", "GET", base)
        self.think()

        slugs = [slug for slug, _, _ in self.bank.sections]
        path = f"{base}sections/{slugs[0]}/"
        for position, (_, layout, _) in enumerate(self.bank.sections):
            kind = "grid" if layout == "grid" else "section"
            page = harness.parse_section(self.call(kind, "GET", path).text)
            self.think()
            following = (
                f"{base}sections/{slugs[position + 1]}/"
                if position + 1 < len(slugs)
                else f"{base}review/"
            )
            values = {q: self.answer(q, field) for q, field in page.questions.items()}
            self.save(f"save_{kind}", assessment, path, page, values, "next", following)
            path = following

        if self.rng.random() < 0.5:
            self.revisit(assessment, base)

        review = self.call("review", "GET", f"{base}review/")
        self.think()
        self.call(
            "submit",
            "POST",
            f"{base}submit/",
            {"csrfmiddlewaretoken": harness.csrf_token(review.text)},
            expect=302,
            location=f"{base}results/",
        )
        self.submitted.append(assessment)
        self.last_submitted = assessment
        self.call("results", "GET", f"{base}results/")
        document = self.call("results_json", "GET", f"{base}results.json")
        self.check_results(assessment, json.loads(document.body))
        with self.stats.lock:
            self.stats.completed += 1
        self.think()

    def answer(self, question_id: int, field: harness.QuestionField) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.05:
            value = "dk"
        elif roll < 0.1 and "na" in field.options:
            value = "na"
        else:
            choices = [o for o in field.options if o not in ("na", "dk")]
            level = max(0, min(len(choices) - 1, self.bias + self.rng.choice([-1, 0, 0, 1])))
            value = choices[level]
        note = self.rng.randint(1, 999)
        comment = (
            f"Respondent {self.index}: our platform team owns this (note {note})."
            if self.rng.random() < 0.2
            else field.comment
        )
        return value, comment

    def save(
        self,
        kind: str,
        assessment: int,
        path: str,
        page: harness.SectionPage,
        values: dict,
        goto: str,
        location: str,
    ) -> None:
        fields = harness.section_fields(page, values, goto)
        try:
            self.call(kind, "POST", path, fields, expect=302, location=location)
        except StepFailed as failure:
            # The save is atomic: after an error response nothing changed, and the last
            # acknowledged values stay the expected ones. After a failed connection we
            # cannot know, so those answers are not checked until they are saved again.
            if failure.__cause__ is not None:
                self.uncertain.update((assessment, q) for q in values)
            raise
        for question_id, value in values.items():
            self.posted[(assessment, question_id)] = value
            self.uncertain.discard((assessment, question_id))

    def revisit(self, assessment: int, base: str) -> None:
        """Go back to an earlier section, change some answers with "Save", check the page."""
        slug, layout, _ = self.rng.choice(self.bank.sections)
        kind = "grid" if layout == "grid" else "section"
        path = f"{base}sections/{slug}/"
        page = harness.parse_section(self.call(kind, "GET", path).text)
        self.think()
        values = {}
        for question_id, field in page.questions.items():
            if self.rng.random() < 0.5:
                value, comment = self.answer(question_id, field)
                values[question_id] = (value, f"Changed on a second look ({self.index}).")
            else:
                values[question_id] = (field.checked, field.comment)
        self.save(f"resave_{kind}", assessment, path, page, values, "save", path)
        shown = harness.parse_section(self.call(kind, "GET", path).text)
        wrong = [
            q
            for q, (value, comment) in values.items()
            if (shown.questions[q].checked, shown.questions[q].comment) != (value, comment)
        ]
        if wrong:
            self.fail("page_after_save", f"{path}: {len(wrong)} answers differ from the save")
        self.think()

    def check_results(self, assessment: int, document: dict) -> None:
        problems = []
        if document.get("status") != "submitted":
            problems.append(f"status {document.get('status')}")
        completeness = document.get("completeness", {})
        if completeness.get("answered") != completeness.get("total"):
            problems.append(f"completeness {completeness}")
        slug_ids = {slug: qs for slug, _, qs in self.bank.sections}
        expected = {}
        for question_ids in slug_ids.values():
            for question_id in question_ids:
                value, _ = self.posted.get((assessment, question_id), ("", ""))
                expected[question_id] = value
        statuses = Counter(answer["status"] for answer in document.get("answers", []))
        posted = Counter(
            {"na": "not_applicable", "dk": "dont_know"}.get(v, "answered")
            for v in expected.values()
            if v
        )
        if statuses != posted:
            problems.append(f"answer statuses {dict(statuses)} but posted {dict(posted)}")
        levels = sorted(a["level"] for a in document.get("answers", []) if a["level"] is not None)
        posted_levels = sorted(
            self.bank.choice_level[int(v)] for v in expected.values() if v and v.isdigit()
        )
        if levels != posted_levels:
            problems.append("answer levels differ from the posted ones")
        if problems:
            self.fail("results_json_check", f"assessment {assessment}: {'; '.join(problems)}")


def seed_accounts(count: int, run: str) -> list[tuple[str, bool]]:
    """Half the respondents exist already (seeded through the services); half sign up."""
    accounts = []
    with harness.fast_seed_hashing():
        for index in range(count):
            email = f"respondent{index}-{run}@loadtest.example"
            if index % 2 == 0:
                harness.create_respondent(email, f"Seeded Load Test {index} Ltd")
                accounts.append((email, True))
            else:
                accounts.append((email, False))
    return accounts


def bank_info() -> BankInfo:
    sections = harness.bank_sections()
    return BankInfo(
        sections=[
            (s.slug, s.layout, [q.pk for q in harness.section_questions(s)]) for s in sections
        ],
        choice_level={
            choice.pk: choice.level
            for s in sections
            for q in harness.section_questions(s)
            for choice in q.choices_list
        },
    )


def verify(respondents: list[Respondent]) -> dict:
    from assessment.models import Answer, Assessment

    ids = {a for r in respondents for a in r.assessments}
    posted, uncertain = {}, set()
    for respondent in respondents:
        posted.update(respondent.posted)
        uncertain |= respondent.uncertain
    stored = {
        (a, q): (status, choice, comment)
        for a, q, status, choice, comment in Answer.objects.filter(
            assessment_id__in=ids
        ).values_list("assessment_id", "question_id", "status", "choice_id", "comment")
    }
    lost, samples = 0, []
    for key, (value, comment) in posted.items():
        if key in uncertain:
            continue
        expected = (
            ("not_applicable", None)
            if value == "na"
            else ("dont_know", None)
            if value == "dk"
            else ("answered", int(value))
        )
        if stored.get(key) != (*expected, comment):
            lost += 1
            if len(samples) < 5:
                samples.append(f"{key}: posted {value!r} {comment!r}, stored {stored.get(key)}")
    submitted = {a for r in respondents for a in r.submitted}
    statuses = dict(Assessment.objects.filter(pk__in=submitted).values_list("pk", "status"))
    not_submitted = sum(1 for a in submitted if statuses.get(a) != "submitted")
    return {
        "assessments": len(ids),
        "answers_checked": len(set(posted) - uncertain),
        "uncertain": len(uncertain),
        "lost": lost,
        "submitted_checked": len(submitted),
        "not_submitted": not_submitted,
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--db", choices=["postgres", "sqlite", "env"], default="postgres")
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=2.0)
    parser.add_argument(
        "--ramp", type=float, default=None, help="seconds over which respondents arrive"
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.ramp is None:
        args.ramp = min(20.0, args.seconds / 6)

    print(f"# loadtest: {harness.now_stamp()}")
    print(f"machine: {harness.machine_description()}")
    url = harness.database_url(args.db, "loadtest")
    with harness.stop_on_sigterm():
        harness.create_scratch_database(args.db, url)
        try:
            with tempfile.TemporaryDirectory(prefix="maturity-loadtest-") as tmp:
                result = run(args, url, Path(tmp))
        finally:
            harness.drop_scratch_database(args.db, url)
    ok = report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
        print(f"figures written to {args.json}")
    sys.exit(0 if ok else 1)


def run(args, url: str, tmp: Path) -> dict:
    mailbox = tmp / "mailbox"
    mailbox.mkdir()
    # No worker runs beside this single server: emails are sent in the request (the
    # immediate task backend), and submissions do not render reports, so that the figures
    # are those of the pages and saves.
    env = harness.server_environment(
        url,
        tmp / "static",
        FORM_THROTTLE_LIMIT=THROTTLE_LIMIT,
        EMAIL_BACKEND="bench_mailbox.EmailBackend",
        BENCH_MAILBOX=str(mailbox),
        TASKS_BACKEND="immediate",
        REPORT_PREPARE="false",
    )
    harness.setup_django(env)
    harness.quiet_app_logs()
    harness.migrate_and_load_bank()
    accounts = seed_accounts(args.respondents, f"{time.time_ns():x}")
    bank = bank_info()
    harness.collectstatic(env)
    log_path = tmp / "gunicorn.log"
    with harness.Gunicorn(
        "maturity_site.wsgi:application", env, log_path, pythonpath=harness.BENCH_DIR
    ) as server:
        return drive(
            args,
            server.port,
            accounts,
            bank,
            mailbox,
            pids=server.pids,
            postgres=harness.uses_postgres(url),
            log_paths=[log_path],
            where=f"{args.db} ({url})",
        )


def drive(
    args,
    port: int,
    accounts: list[tuple[str, bool]],
    bank: BankInfo,
    mailbox: Path,
    *,
    pids,
    postgres: bool,
    log_paths: list[Path],
    where: str,
    sources: list[str] | None = None,
) -> dict:
    """Run the respondents against the server on `port` until args.seconds are over, then
    check the database against what they posted; the figures as a dict (see report()).

    `pids` returns the server's process ids (for the CPU meter), `log_paths` are the
    server logs searched for errors, `sources` the respondents' own client addresses.
    """
    print(
        f"\n{args.respondents} respondents for {args.seconds:g} s on {where}; "
        f"think time {args.think_min}-{args.think_max} s; arrivals over {args.ramp:g} s",
        flush=True,
    )
    stats = Stats()
    with harness.CpuMeter(pids, include_self=True, postgres=postgres) as meter:
        started = time.monotonic()
        deadline = started + args.seconds
        respondents = [
            Respondent(
                i,
                port,
                email,
                seeded,
                bank,
                args,
                stats,
                deadline,
                mailbox,
                source=sources[i] if sources else None,
            )
            for i, (email, seeded) in enumerate(accounts)
        ]
        for respondent in respondents:
            respondent.start()
        progress(stats, started, deadline)
        for respondent in respondents:
            respondent.join(timeout=180)
        elapsed = time.monotonic() - started
    stuck = [r.name for r in respondents if r.is_alive()]
    problems = [line for path in log_paths for line in harness.server_log_problems(path)]
    check = verify(respondents)
    # The steady phase starts when the last respondent has signed up or logged in: the
    # password hashing of a burst of log-ins dominates the first seconds.
    account_times = [t for kind in ACCOUNT_KINDS for t in stats.finished.get(kind, [])]
    steady_from = max(account_times, default=started)
    steady = stats.steady_latencies(steady_from)
    per_kind = {
        kind: {
            **harness.latency_summary(stats.latencies.get(kind, [])),
            "steady": harness.latency_summary(steady.get(kind, [])),
            "requests": sum(counter.values()),
            "statuses": {str(k): v for k, v in counter.items()},
            "errors": stats.errors.get(kind, 0),
        }
        for kind, counter in sorted(stats.statuses.items())
    }
    requests = sum(v["requests"] for v in per_kind.values())
    return {
        "date": harness.now_stamp(),
        "machine": harness.machine_description(),
        "database": args.db,
        "respondents": args.respondents,
        "seconds": round(elapsed, 1),
        "steady_from_s": round(steady_from - started, 1),
        "think": [args.think_min, args.think_max],
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1),
        "assessments_started": stats.started_assessments,
        "assessments_completed": stats.completed,
        "errors": sum(stats.errors.values()),
        "errors_by_kind": dict(stats.errors),
        "error_samples": stats.error_samples,
        "per_kind": per_kind,
        "check": check,
        "stuck_threads": stuck,
        "server_log_problems": len(problems),
        "server_log_samples": problems[:10],
        "cpu": meter.summary,
    }


def progress(stats: Stats, started: float, deadline: float) -> None:
    while time.monotonic() < deadline:
        time.sleep(min(30.0, max(0.0, deadline - time.monotonic())))
        with stats.lock:
            requests = sum(sum(c.values()) for c in stats.statuses.values())
            print(
                f"  {time.monotonic() - started:5.0f} s: {requests} requests, "
                f"{stats.completed} assessments completed, {sum(stats.errors.values())} errors, "
                f"load average {harness.loadavg()[0]:.2f}",
                flush=True,
            )


def report(result: dict) -> bool:
    print("\n# Summary\n")
    print(
        f"{result['respondents']} respondents, {result['seconds']} s, {result['database']}: "
        f"{result['requests']} requests ({result['requests_per_s']} req/s), "
        f"{result['assessments_completed']} assessments completed "
        f"(of {result['assessments_started']} started), {result['errors']} errors"
    )
    print(f"CPU: {harness.describe_cpu(result['cpu'])}\n")
    rows = [
        [
            kind,
            data["requests"],
            data["errors"],
            data["p50_ms"],
            data["p95_ms"],
            data["p99_ms"],
            data["max_ms"],
            data["steady"]["p50_ms"] if data["steady"]["count"] else "",
            data["steady"]["p95_ms"] if data["steady"]["count"] else "",
            ", ".join(f"{k}: {v}" for k, v in data["statuses"].items()),
        ]
        for kind, data in result["per_kind"].items()
    ]
    print(
        harness.markdown_table(
            [
                "request",
                "count",
                "errors",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "max ms",
                "steady p50 ms",
                "steady p95 ms",
                "statuses",
            ],
            rows,
        )
    )
    print(
        f"(steady: requests that finished after the last sign-up or log-in, "
        f"{result['steady_from_s']} s into the run)"
    )
    for sample in result["error_samples"]:
        print(f"error: {sample}")
    check = result["check"]
    print(
        f"\nDatabase check: {check['answers_checked']} answers in {check['assessments']} "
        f"assessments checked, {check['lost']} lost, {check['uncertain']} uncertain (after a "
        f"failed connection); {check['submitted_checked']} submissions checked, "
        f"{check['not_submitted']} not submitted in the database."
    )
    for sample in check["samples"]:
        print(f"  {sample}")
    if result["stuck_threads"]:
        print(f"respondents still running at the end: {result['stuck_threads']}")
    for line in result["server_log_samples"]:
        print(f"server log: {line}")
    ok = (
        result["errors"] == 0
        and check["lost"] == 0
        and check["not_submitted"] == 0
        and not result["stuck_threads"]
        and result["server_log_problems"] == 0
    )
    print("\nTargets (zero errors, zero lost answers): " + ("met" if ok else "NOT met"))
    return ok


if __name__ == "__main__":
    main()
