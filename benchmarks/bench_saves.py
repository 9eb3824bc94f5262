"""Saving section pages under 8 concurrent writers, then checking that no answer was lost.

Run: .venv/bin/python benchmarks/bench_saves.py [--db sqlite|postgres|both|env] [--seconds 15]
     [--writers 8] [--follow]

For each database (scratch SQLite under /tmp, scratch PostgreSQL `maturity_bench`, or
DATABASE_URL with --db env) it loads the bank with `load_question_bank`, seeds accounts
through the app's services, starts gunicorn (2 sync workers, DEBUG off) on 127.0.0.1 and
runs two variants, --seconds each:

- own:    every writer is its own user in its own organisation, with its own assessment,
          and saves the sections in turn;
- shared: all writers are members of one organisation and save the same assessment, each
          its own section (the save locks the assessment row, so these queue up).

Each writer is a thread with a keep-alive HTTP client (stdlib http.client): it logs in,
GETs its section pages for the CSRF token and the r<id> revisions, then POSTs section
saves back to back ("Save and continue"), every save changing every answer (the next
option in turn, sometimes a new comment) and carrying the revision it last saw. A save is
successful when it answers 302 to the next page; anything else is an error. With --follow,
a writer saves with "Save" to its own section and GETs the page it is redirected to, and
checks that the page shows what it posted (the save round trip a respondent waits for).

Afterwards it checks every answer in the database against the last value each writer
posted, and its revision against the number of saves acknowledged (zero lost answers,
zero lost updates), and the assessment's answered count.

Targets: >= 150 saves/s, zero errors, zero lost answers.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import harness

TARGET_SAVES_PER_S = 150
VARIANTS = ("own", "shared")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.add_db_argument(parser)
    parser.add_argument("--seconds", type=float, default=15, help="length of each variant")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--variants", default=",".join(VARIANTS), help="own,shared")
    parser.add_argument(
        "--follow", action="store_true", help="also GET the page each save redirects to"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        with harness.stop_on_sigterm():
            result = harness.in_scratch_database(args, "saves", measure)
        args.child.write_text(json.dumps(result))
        return

    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    passthrough = harness.strip_option(harness.strip_option(sys.argv[1:], "--db"), "--json")
    print(f"# bench_saves: {harness.now_stamp()}")
    print(f"machine: {harness.machine_description()}")
    results = harness.run_children(Path(__file__), kinds, passthrough)
    ok = report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
        print(f"figures written to {args.json}")
    sys.exit(0 if ok else 1)


def seed(writers: int, variants: list[str]) -> dict:
    """Accounts and draft assessments for each variant: {variant: [(email, assessment)]}."""
    run = f"{time.time_ns():x}"
    seeded = {}
    with harness.fast_seed_hashing():
        if "own" in variants:
            seeded["own"] = []
            for i in range(writers):
                user = harness.create_respondent(
                    f"own{i}-{run}@bench.example", f"Bench Saves {i} Ltd"
                )
                assessment = harness.start_assessment(user, f"Saves benchmark {i}")
                seeded["own"].append((user.email, assessment.pk))
        if "shared" in variants:
            owner = harness.create_respondent(f"shared0-{run}@bench.example", "Bench Shared Ltd")
            assessment = harness.start_assessment(owner, "Shared saves benchmark")
            users = [owner] + [
                harness.add_member(owner, f"shared{i}-{run}@bench.example")
                for i in range(1, writers)
            ]
            seeded["shared"] = [(user.email, assessment.pk) for user in users]
    return seeded


class Writer(harness.Writer):
    def __init__(
        self,
        index: int,
        port: int,
        email: str,
        assessment_id: int,
        sections: list,
        all_sections: list,
        follow: bool,
        start: threading.Barrier,
        stop: threading.Event,
    ):
        super().__init__(f"writer-{index}", port, start, stop)
        self.index = index
        self.email = email
        self.assessment_id = assessment_id
        self.sections = sections  # slugs this writer saves, in turn
        self.all_sections = all_sections  # every slug, in order (for the redirect check)
        self.follow = follow
        # (assessment, question) -> [value, comment, saves acknowledged]
        self.posted: dict[tuple[int, int], list] = {}
        self.uncertain: set[tuple[int, int]] = set()
        self.saves = 0

    def url(self, slug: str) -> str:
        return f"/assessments/{self.assessment_id}/sections/{slug}/"

    def expected_location(self, slug: str) -> str:
        if self.follow:
            return self.url(slug)
        index = self.all_sections.index(slug)
        if index + 1 < len(self.all_sections):
            return self.url(self.all_sections[index + 1])
        return f"/assessments/{self.assessment_id}/review/"

    def load(self, slug: str) -> harness.SectionPage:
        page = self.browser.get(self.url(slug))
        if page.status != 200:
            raise RuntimeError(f"GET {self.url(slug)} answered {page.status}")
        return harness.parse_section(page.text)

    def prepare(self) -> None:
        login = self.browser.log_in(self.email)
        if login.status != 302:
            raise RuntimeError(f"log-in answered {login.status}")
        self.pages = {slug: self.load(slug) for slug in self.sections}

    def save(self, turn: int) -> None:
        self.save_section(self.sections[turn % len(self.sections)], turn)

    def save_section(self, slug: str, turn: int) -> None:
        page = self.pages[slug]
        values = {}
        for position, (question_id, question) in enumerate(page.questions.items()):
            key = (self.assessment_id, question_id)
            count = self.posted.get(key, [None, "", 0])[2]
            value = question.options[(count + position + self.index) % len(question.options)]
            comment = question.comment
            if (turn + position) % 4 == 0:
                comment = f"Writer {self.index}, save {turn}: evidence in the runbook."
            values[question_id] = (value, comment)
        goto = f"section:{slug}" if self.follow else "next"
        fields = harness.section_fields(page, values, goto)
        started = time.perf_counter()
        try:
            response = self.browser.post(self.url(slug), fields)
        except Exception as error:  # noqa: BLE001 - counted as an error
            self.record_error(f"{type(error).__name__}", str(error))
            self.uncertain.update((self.assessment_id, q) for q in values)
            self.resync(slug)
            return
        if response.status != 302 or response.location != self.expected_location(slug):
            self.record_error(
                f"HTTP {response.status}", f"{slug}: {response.status} {response.location}"
            )
            self.resync(slug)
            return
        for question_id, (value, comment) in values.items():
            entry = self.posted.setdefault((self.assessment_id, question_id), [None, "", 0])
            entry[0], entry[1], entry[2] = value, comment, entry[2] + 1
            question = page.questions[question_id]
            question.checked, question.comment = value, comment
            question.revision += 1
        if self.follow:
            try:
                shown = self.load(slug)
            except Exception as error:  # noqa: BLE001 - counted as an error
                self.record_error("follow", str(error))
                self.resync(slug)
                return
            mismatch = [
                q
                for q, field in shown.questions.items()
                if (field.checked, field.comment, field.revision)
                != (
                    page.questions[q].checked,
                    page.questions[q].comment,
                    page.questions[q].revision,
                )
            ]
            if mismatch:
                self.record_error("page shows other values", f"{slug}: {len(mismatch)} questions")
            self.pages[slug] = shown
        self.latencies.append(time.perf_counter() - started)
        self.saves += 1

    def record_error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{self.name}: {detail}"[:300])

    def resync(self, slug: str) -> None:
        """After an error, start again from what the server shows."""
        try:
            self.pages[slug] = self.load(slug)
        except Exception as error:  # noqa: BLE001
            self.record_error("resync", str(error))
            time.sleep(0.5)


def run_variant(
    args, variant: str, server: harness.Gunicorn, accounts: list, sections: list, postgres: bool
):
    slugs = [section.slug for section in sections]
    start = threading.Barrier(len(accounts) + 1)
    stop = threading.Event()
    writers = []
    for index, (email, assessment_id) in enumerate(accounts):
        if variant == "shared":
            own_sections = [slugs[index % len(slugs)]]
        else:
            own_sections = slugs[index % len(slugs) :] + slugs[: index % len(slugs)]
        writers.append(
            Writer(
                index,
                server.port,
                email,
                assessment_id,
                own_sections,
                slugs,
                args.follow,
                start,
                stop,
            )
        )
    meter, elapsed, errors = harness.run_writers(
        writers, start, stop, server, seconds=args.seconds, postgres=postgres
    )
    saves = sum(w.saves for w in writers)
    posted = {}
    uncertain = set()
    for writer in writers:
        posted.update(writer.posted)
        uncertain |= writer.uncertain
    check = verify({a for _, a in accounts}, posted, uncertain)
    result = {
        "variant": variant,
        "writers": len(writers),
        "seconds": round(elapsed, 1),
        "saves": saves,
        "saves_per_s": round(saves / elapsed, 1),
        "questions_per_save": round(
            sum(len(harness.section_questions(s)) for s in sections) / len(sections), 1
        ),
        "latency": harness.latency_summary([x for w in writers for x in w.latencies]),
        "errors": dict(errors),
        "error_samples": [s for w in writers for s in w.error_samples][:10],
        "check": check,
        "cpu": meter.summary,
    }
    print_variant(result, flush=True)
    return result


def verify(assessment_ids: set[int], posted: dict, uncertain: set) -> dict:
    """Compare the database with the last value posted for every answer."""
    from django.db.models import Count

    from assessment.models import Answer, Assessment

    stored = {
        (a, q): (status, choice, comment, revision)
        for a, q, status, choice, comment, revision in Answer.objects.filter(
            assessment_id__in=assessment_ids
        ).values_list("assessment_id", "question_id", "status", "choice_id", "comment", "revision")
    }
    lost, wrong_revision, samples = 0, 0, []
    for key, (value, comment, saves) in posted.items():
        if key in uncertain:
            continue
        expected = expected_status(value)
        row = stored.get(key)
        if row is None or (row[0], row[1], row[2]) != (*expected, comment):
            lost += 1
            if len(samples) < 5:
                samples.append(f"{key}: posted {value!r} {comment!r}, stored {row}")
        elif row[3] != saves:
            wrong_revision += 1
            if len(samples) < 5:
                samples.append(f"{key}: {saves} saves acknowledged, revision {row[3]}")
    unexpected = len(set(stored) - set(posted))
    counts = dict(
        Assessment.objects.filter(pk__in=assessment_ids)
        .annotate(stored=Count("answers"))
        .values_list("answered_count", "stored")
    )
    wrong_counts = sum(1 for counted, actual in counts.items() if counted != actual)
    return {
        "answers_checked": len(posted) - len(uncertain & set(posted)),
        "uncertain": len(uncertain),
        "lost": lost,
        "wrong_revision": wrong_revision,
        "unexpected": unexpected,
        "wrong_answered_count": wrong_counts,
        "samples": samples,
    }


def expected_status(value: str) -> tuple[str, int | None]:
    if value == "na":
        return "not_applicable", None
    if value == "dk":
        return "dont_know", None
    return "answered", int(value)


def measure(args, kind: str, url: str, tmp: Path) -> dict:
    env = harness.server_environment(url, tmp / "static")
    harness.setup_django(env)
    harness.quiet_app_logs()
    harness.migrate_and_load_bank()
    variants = [v.strip() for v in args.variants.split(",") if v.strip() in VARIANTS]
    seeded = seed(args.writers, variants)
    sections = harness.bank_sections()
    harness.collectstatic(env)
    print(f"\n## {kind}: {url}", flush=True)
    log_path = tmp / "gunicorn.log"
    results = []
    with harness.Gunicorn("maturity_site.wsgi:application", env, log_path) as server:
        for variant in variants:
            results.append(
                run_variant(
                    args, variant, server, seeded[variant], sections, harness.uses_postgres(url)
                )
            )
    problems = harness.server_log_problems(log_path)
    for line in problems[:10]:
        print(f"server log: {line}")
    return {
        "db": kind,
        "database": kind if kind != "env" else url.split("://", 1)[0],
        "date": harness.now_stamp(),
        "machine": harness.machine_description(),
        "follow": args.follow,
        "variants": results,
        "server_log_problems": len(problems),
    }


def print_variant(result: dict, flush: bool = False) -> None:
    latency, check = result["latency"], result["check"]
    print(
        f"{result['variant']:7} {result['writers']} writers, {result['seconds']} s: "
        f"{result['saves']} saves, {result['saves_per_s']} saves/s "
        f"(~{result['questions_per_save']} answers each); POST p50 {latency['p50_ms']} ms, "
        f"p95 {latency['p95_ms']} ms, p99 {latency['p99_ms']} ms; "
        f"errors {sum(result['errors'].values())} {result['errors'] or ''}; "
        f"answers checked {check['answers_checked']}, lost {check['lost']}, "
        f"wrong revision {check['wrong_revision']}, wrong answered count "
        f"{check['wrong_answered_count']}",
        flush=flush,
    )
    for sample in result["error_samples"] + check["samples"]:
        print(f"        {sample}", flush=flush)
    print(f"        {harness.describe_cpu(result['cpu'])}", flush=flush)


def report(results: list[dict]) -> bool:
    ok = True
    print("\n# Summary\n")
    header = [
        "database",
        "variant",
        "saves/s",
        "saves",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "server CPU ms/save",
        "answers checked",
        "lost",
        "CPU: busy / server / postgres / client / others (cores)",
        "target",
    ]
    table = []
    for result in results:
        if "failed" in result:
            print(f"{result['db']}: FAILED (exit code {result['failed']})")
            ok = False
            continue
        for variant in result["variants"]:
            check, cpu = variant["check"], variant["cpu"]
            errors = sum(variant["errors"].values())
            bad = check["lost"] + check["wrong_revision"] + check["wrong_answered_count"]
            met = variant["saves_per_s"] >= TARGET_SAVES_PER_S and not errors and not bad
            ok = ok and met
            table.append(
                [
                    result["database"],
                    variant["variant"] + (" +follow" if result["follow"] else ""),
                    variant["saves_per_s"],
                    variant["saves"],
                    variant["latency"]["p50_ms"],
                    variant["latency"]["p95_ms"],
                    variant["latency"]["p99_ms"],
                    errors,
                    round(cpu["server_cores"] * 1000 / max(variant["saves_per_s"], 0.1), 1),
                    check["answers_checked"],
                    bad,
                    f"{cpu['machine_busy_cores']} / {cpu['server_cores']} / "
                    f"{cpu['postgres_cores']} / {cpu['client_cores']} / {cpu['others_cores']}",
                    "met" if met else "NOT met",
                ]
            )
        if result.get("server_log_problems"):
            print(f"{result['db']}: {result['server_log_problems']} server log problem(s)")
            ok = False
    print(harness.markdown_table(header, table))
    print(
        f"\nTargets: >= {TARGET_SAVES_PER_S} saves/s, zero errors, zero lost answers. "
        "Overall: " + ("met" if ok else "NOT met")
    )
    return ok


if __name__ == "__main__":
    main()
