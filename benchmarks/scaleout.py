"""Scale-out proof (issue 13, section 4): two web instances behind nginx, one task worker.

Run: .venv/bin/python benchmarks/scaleout.py [--seconds 100] [--respondents 50]
     [--throttle-limit 5] [--kill-seconds 20] [--writers 6] [--json FILE]

On this machine, PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379):
a scratch database `maturity_scaleout_<pid>` is created (dropped at the end), migrated,
the bank loaded (fixtures/question_bank_v1.yaml) and accounts seeded through the app's
services; an empty Redis database number is taken (flushed at the end). Then, all on
127.0.0.1 with the same settings (DEBUG off, a random 67-character SECRET_KEY,
ALLOWED_HOSTS=127.0.0.1, DATABASE_URL to the scratch database, CACHE_URL=redis://…/<n>,
TASKS_BACKEND=database, one DATA_DIR whose files/ holds the rendered reports,
PROXY_COUNT=1, PROXY_SSL_HEADER=true, FORM_THROTTLE_LIMIT=--throttle-limit,
REPORT_PREPARE=false):

- two gunicorn instances (2 sync workers each) on two free ports, A and B;
- nginx on a third port, balancing both round robin (benchmarks/nginx-scaleout.conf,
  filled in with the ports and a temporary directory; /etc/nginx is not used);
- one `manage.py db_worker`, which sends every email and renders reports.

It then shows four claims, printing the figures and PASS or FAIL for each, and exits
non-zero on any FAIL:

a. the 50-respondent load test of loadtest.py, through nginx, each respondent connecting
   from a loopback address of its own (127.0.1.x): 0 errors, 0 lost answers (checked
   against the database), and both instances served a share of the requests (nginx's log);
b. a submitted assessment's report is queued as submitting queues it (the prepare_report
   task), downloaded at once through A and B, then polled until ready: one StoredReport
   row, one render in the worker's log, the same bytes from A, B and nginx (and on disk);
c. N+1 password-reset POSTs from one client address (X-Forwarded-For, straight to the
   instances), alternating A, B, A, ...: the first N are accepted and the (N+1)th is 429,
   although neither instance saw more than ceil((N+1)/2) of them; another address is
   still accepted; the counter in Redis reads N+1;
d. writers save sections through nginx for --kill-seconds; 40 % of the way in instance B
   is killed (SIGKILL to its process group, master and workers): every save that got its
   success response is in the database afterwards. Saves in flight on B fail (nginx never
   sends a POST twice); they are counted, and whether each was committed anyway is read
   from the database.

REPORT_PREPARE is off for the run: with it on, each of the load test's submissions would
queue a 2.6-s render for the single worker, which sends the sign-up emails too. Every
loop is bounded in time and in count; servers, worker and nginx are always stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import harness
import loadtest

HOST = harness.HOST
TEMPLATE = harness.BENCH_DIR / "nginx-scaleout.conf"
REDIS_PORT = 6379
REDIS_MARKER = "maturity-scaleout:owner"
RENDERED_RE = re.compile(r"report (\d+) rendered in ([\d.]+) s")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=100, help="load test duration")
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=2.0)
    parser.add_argument("--ramp", type=float, default=15.0, help="seconds of arrivals")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--throttle-limit", type=int, default=5, help="FORM_THROTTLE_LIMIT")
    parser.add_argument("--kill-seconds", type=float, default=20, help="claim d duration")
    parser.add_argument("--writers", type=int, default=6, help="claim d concurrent writers")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not 1 <= args.respondents <= 250 or not 1 <= args.writers <= 250:
        parser.error("--respondents and --writers must be 1-250 (one loopback address each)")
    return args


# --- the processes -----------------------------------------------------------------------


class Worker:
    """One `manage.py db_worker`, always stopped."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env, self.log_path = env, log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Worker:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay"],
            cwd=harness.ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while "Starting worker" not in self.log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"db_worker did not start; see {self.log_path}")
            time.sleep(0.2)
        return self

    def pids(self) -> list[int]:
        return [self.process.pid] if self.process else []

    def stop(self) -> None:
        if self.process is None:
            return
        # SIGTERM lets the worker finish the task it is running.
        harness.stop_process(self.process, signal.SIGTERM, timeout=40)
        self.process = None
        self._log.close()

    def __exit__(self, *exc) -> None:
        self.stop()


class Nginx:
    """nginx from the template, on a free port of 127.0.0.1, always stopped."""

    def __init__(self, directory: Path, upstreams: list[int]):
        self.directory = directory
        self.port = harness.free_port()
        self.upstreams = upstreams
        self.process: subprocess.Popen | None = None

    @property
    def access_log(self) -> Path:
        return self.directory / "access.log"

    def __enter__(self) -> Nginx:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            sys.exit("nginx is not installed (apt-get install -y nginx)")
        config = TEMPLATE.read_text()
        for name, value in {
            "@LISTEN@": f"{HOST}:{self.port}",
            "@UPSTREAM_A@": f"{HOST}:{self.upstreams[0]}",
            "@UPSTREAM_B@": f"{HOST}:{self.upstreams[1]}",
            "@DIR@": str(self.directory),
        }.items():
            config = config.replace(name, value)
        if "@" in re.sub(r"#.*", "", config):
            raise RuntimeError("a placeholder of nginx-scaleout.conf was not filled in")
        path = self.directory / "nginx.conf"
        path.write_text(config)
        self._log = open(self.directory / "stderr.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [nginx, "-p", str(self.directory), "-e", "error.log", "-c", str(path)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 20
            while not self._ready():
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start; see {self.directory}")
                time.sleep(0.2)
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        with contextlib.suppress(OSError):
            browser = harness.Browser(self.port, timeout=5)
            try:
                return browser.get("/healthz").status == 200
            finally:
                browser.close()
        return False

    def pids(self) -> list[int]:
        return [self.process.pid, *harness.children_of(self.process.pid)] if self.process else []

    def stop(self) -> None:
        if self.process is None:
            return
        # SIGQUIT is nginx's graceful stop: it finishes the open requests.
        harness.stop_process(self.process, signal.SIGQUIT, timeout=15)
        self.process = None
        self._log.close()

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class ProxyLine:
    at: float
    method: str
    status: int
    upstreams: list[str]


def proxy_lines(path: Path, since: float = 0.0, until: float = math.inf) -> list[ProxyLine]:
    """nginx's access log lines between two wall-clock times (time.time())."""
    pattern = re.compile(r'^(\S+) (\S+) (\d+) "([^"]*)"')
    lines = []
    for text in path.read_text(errors="replace").splitlines():
        match = pattern.match(text)
        if match and since <= float(match[1]) < until:
            upstreams = [u for u in re.split(r",\s*|\s:\s", match[4]) if u and u != "-"]
            lines.append(ProxyLine(float(match[1]), match[2], int(match[3]), upstreams))
    return lines


def share_by_instance(lines: list[ProxyLine], names: dict[str, str]) -> Counter:
    """Requests answered (status below 500) by each instance, the last one nginx tried."""
    lines = [line for line in lines if line.status < 500]
    return Counter(
        names.get(line.upstreams[-1], line.upstreams[-1]) for line in lines if line.upstreams
    )


def address(block: int, index: int) -> str:
    """A loopback client address of its own for each simulated visitor: 127.0.<block>.<n>."""
    return f"127.0.{block}.{index + 1}"


# --- claim b: one render, served by every instance ---------------------------------------


def claim_report(fleet, seeded) -> dict:
    from django_tasks_db.models import DBTaskResult

    from assessment import tasks
    from assessment.models import StoredReport

    assessment_id = seeded["report_assessment"]
    path = f"/assessments/{assessment_id}/report.pdf"
    via_nginx = harness.Browser(fleet.nginx.port)
    login = via_nginx.log_in(seeded["report_email"])
    browsers = {"nginx": via_nginx}
    for name, server in (("A", fleet.a), ("B", fleet.b)):
        browsers[name] = harness.Browser(server.port)
        browsers[name].cookies = via_nginx.cookies  # one session, read by every instance
    # What submitting does with REPORT_PREPARE on: queue the preparation for the worker.
    started = time.monotonic()
    tasks.prepare_report.enqueue(assessment_id)
    first = {name: browsers[name].get(path).status for name in ("A", "B")}
    waiting: Counter = Counter()
    order = ["nginx", "A", "B"]
    ready_after, polls = None, 0
    while time.monotonic() - started < 120 and polls < 600:
        name = order[polls % 3]
        polls += 1
        response = browsers[name].get(path)
        if response.status == 200:
            ready_after = time.monotonic() - started
            break
        waiting[f"{name} {response.status}"] += 1
        time.sleep(0.25)
    downloads = {}
    for name in ("A", "B", "nginx"):
        response = browsers[name].get(path)
        downloads[name] = {
            "status": response.status,
            "type": response.headers.get("Content-Type", ""),
            "bytes": len(response.body),
            "sha256": hashlib.sha256(response.body).hexdigest(),
            "pdf": response.body.startswith(b"%PDF-"),
        }
    for browser in browsers.values():
        browser.close()
    rows = list(StoredReport.objects.filter(assessment_id=assessment_id))
    on_disk = None
    if len(rows) == 1 and rows[0].file:
        with rows[0].file.open("rb") as handle:
            on_disk = hashlib.sha256(handle.read()).hexdigest()
    renders = [(int(m[1]), float(m[2])) for m in RENDERED_RE.finditer(fleet.worker_log.read_text())]
    report_ids = {row.pk for row in rows}
    task_rows = Counter(
        (task_path.rsplit(".", 1)[-1], status)
        for task_path, status in DBTaskResult.objects.filter(
            task_path__endswith="_report"
        ).values_list("task_path", "status")
    )
    hashes = {d["sha256"] for d in downloads.values()}
    ok = (
        login.status == 302
        and ready_after is not None
        and all(d["status"] == 200 and d["pdf"] for d in downloads.values())
        and len(hashes) == 1
        and on_disk in hashes
        and len(rows) == 1
        and rows[0].state == StoredReport.State.READY
        and len([r for r in renders if r[0] in report_ids]) == 1
        and len(renders) == 1
    )
    return {
        "ok": ok,
        "first_downloads": first,
        "waiting_responses": dict(waiting),
        "ready_after_s": round(ready_after, 2) if ready_after is not None else None,
        "downloads": downloads,
        "stored_report_rows": len(rows),
        "stored_state": rows[0].state if rows else None,
        "file_on_disk_matches": on_disk in hashes,
        "renders_in_worker_log": len(renders),
        "render_seconds": [r[1] for r in renders],
        "report_tasks": {f"{name} {status}": n for (name, status), n in task_rows.items()},
    }


def print_report_claim(result: dict) -> None:
    print("\n## b. A report prepared by the worker, downloaded through both instances\n")
    print(f"first downloads, at once after queuing: {result['first_downloads']}")
    print(f"responses while it was being prepared: {result['waiting_responses'] or 'none'}")
    print(f"ready after {result['ready_after_s']} s")
    for name, download in result["downloads"].items():
        print(
            f"  {name}: {download['status']} {download['type']}, {download['bytes']} bytes, "
            f"sha256 {download['sha256'][:16]}…"
        )
    print(
        f"StoredReport rows: {result['stored_report_rows']} ({result['stored_state']}); "
        f"file in the shared storage has the same bytes: {result['file_on_disk_matches']}; "
        f"renders in the worker's log (whole run): {result['renders_in_worker_log']} "
        f"({', '.join(f'{s:.2f} s' for s in result['render_seconds'])}); report tasks: "
        f"{result['report_tasks']}"
    )
    print("b: " + ("PASS" if result["ok"] else "FAIL"))


# --- claim c: one throttle counter for both instances -------------------------------------


def claim_throttle(fleet, limit: int, run_id: str) -> dict:
    from django.core.cache import cache

    client = "127.0.0.77"
    path = "/password-reset/"
    browsers = [
        harness.Browser(server.port, headers={"X-Forwarded-For": client})
        for server in (fleet.a, fleet.b)
    ]
    page = browsers[0].get(path)
    token = harness.csrf_token(page.text)
    browsers[1].cookies = browsers[0].cookies
    fields = {"csrfmiddlewaretoken": token, "email": f"nobody-{run_id}@scaleout.example"}
    statuses, seen = [], Counter()
    for attempt in range(limit + 1):
        name = "AB"[attempt % 2]
        seen[name] += 1
        statuses.append((name, browsers[attempt % 2].post(path, fields).status))
    counter = cache.get(f"throttle:password-reset:{client}")
    other = harness.Browser(fleet.b.port, headers={"X-Forwarded-For": "127.0.0.78"})
    other.cookies = browsers[0].cookies
    other_status = other.post(path, fields).status
    for browser in (*browsers, other):
        browser.close()
    codes = [status for _, status in statuses]
    ok = (
        page.status == 200
        and codes[:limit] == [302] * limit
        and codes[limit] == 429
        and max(seen.values()) <= limit
        and counter == limit + 1
        and other_status == 302
    )
    return {
        "ok": ok,
        "limit": limit,
        "client": client,
        "statuses": statuses,
        "posts_per_instance": dict(seen),
        "redis_counter": counter,
        "other_address_status": other_status,
    }


def print_throttle_claim(result: dict) -> None:
    print("\n## c. A throttle limit counted across both instances\n")
    print(
        f"FORM_THROTTLE_LIMIT={result['limit']}; {result['limit'] + 1} password-reset POSTs "
        f"with X-Forwarded-For: {result['client']}, alternating:"
    )
    print(
        "  "
        + ", ".join(f"{i + 1}:{name}→{code}" for i, (name, code) in enumerate(result["statuses"]))
    )
    print(
        f"POSTs per instance: {result['posts_per_instance']} (each alone below the limit + 1); "
        f"the shared counter in Redis: {result['redis_counter']}; another address "
        f"(127.0.0.78) right after: {result['other_address_status']}"
    )
    print("c: " + ("PASS" if result["ok"] else "FAIL"))


# --- claim d: kill an instance mid-run ----------------------------------------------------


@dataclass
class Writer:
    index: int
    email: str
    assessment: int
    sections: list[str]
    # (question, seq) -> value posted by save number seq; (question) -> last acknowledged seq
    posted: dict[tuple[int, int], str] = field(default_factory=dict)
    acknowledged: dict[int, int] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)
    saves: list[tuple[float, float, str]] = field(default_factory=list)  # start, end, outcome
    crashed: str = ""  # an exception that stopped this writer early


def run_writer(writer: Writer, port: int, deadline: float, rng: random.Random) -> None:
    try:
        write_until(writer, port, deadline, rng)
    except Exception as error:  # noqa: BLE001 - reported, and the claim fails
        writer.crashed = f"{type(error).__name__}: {error}"[:300]


def write_until(writer: Writer, port: int, deadline: float, rng: random.Random) -> None:
    browser = harness.Browser(port, timeout=30, source=address(2, writer.index))
    try:
        try:
            logged_in = browser.log_in(writer.email).status == 302
        except (OSError, http.client.HTTPException):
            logged_in = False
        if not logged_in:
            writer.outcomes["login failed"] += 1
            return
        for seq in range(1, 5000):
            if time.monotonic() >= deadline:
                break
            section = writer.sections[seq % len(writer.sections)]
            path = f"/assessments/{writer.assessment}/sections/{section}/"
            try:
                response = browser.get(path)
            except (OSError, http.client.HTTPException) as error:
                # A connection that failed, or a page cut off when its instance died after
                # nginx had started passing it on (too late to ask the other instance).
                writer.outcomes[f"GET {type(error).__name__}"] += 1
                time.sleep(0.1)
                continue
            if response.status != 200:
                writer.outcomes[f"GET {response.status}"] += 1
                time.sleep(0.1)
                continue
            page = harness.parse_section(response.text)
            values = {}
            for question_id, entry in page.questions.items():
                value = rng.choice(entry.options)
                values[question_id] = (value, f"scaleout w{writer.index} s{seq}")
                writer.posted[(question_id, seq)] = value
            fields = harness.section_fields(page, values, "save")
            started = time.monotonic()
            try:
                response = browser.post(path, fields)
                outcome = (
                    "acknowledged"
                    if response.status == 302 and response.location == path
                    else f"POST {response.status}"
                )
            except (OSError, http.client.HTTPException) as error:
                outcome = f"POST {type(error).__name__}"
            writer.saves.append((started, time.monotonic(), outcome))
            writer.outcomes[outcome] += 1
            if outcome == "acknowledged":
                for question_id in values:
                    writer.acknowledged[question_id] = seq
    finally:
        browser.close()


def claim_kill(fleet, writers: list[Writer], seconds: float, seed: int) -> dict:
    from assessment.models import Answer

    wall_start = time.time()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=run_writer,
            args=(w, fleet.nginx.port, deadline, random.Random(seed * 100 + w.index)),
            daemon=True,
        )
        for w in writers
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, started + 0.4 * seconds - time.monotonic()))
    killed_at = time.monotonic()
    killed_wall = time.time()
    victim = fleet.b.process
    os.killpg(victim.pid, signal.SIGKILL)  # master and workers: its own process group
    victim.wait(timeout=10)
    # Its workers die with it, a moment later: then nothing listens on its port.
    refused = False
    for _ in range(20):
        try:
            socket.create_connection((HOST, fleet.b.port), timeout=2).close()
        except ConnectionRefusedError:
            refused = True
            break
        time.sleep(0.1)
    for thread in threads:
        thread.join(timeout=seconds + 60)
    wall_end = time.time()
    stuck = sum(thread.is_alive() for thread in threads)
    crashed = [f"w{w.index}: {w.crashed}" for w in writers if w.crashed]

    # Every acknowledged save must be in the database: each question holds the value of
    # its last acknowledged save, or of a later save that failed in the client but was
    # committed before the instance died (its comment names the save).
    lost, committed_unacknowledged, checked, samples = 0, 0, 0, []
    comment_re = re.compile(r"scaleout w(\d+) s(\d+)")
    for writer in writers:
        stored = {
            q: (status, choice, comment)
            for q, status, choice, comment in Answer.objects.filter(
                assessment_id=writer.assessment
            ).values_list("question_id", "status", "choice_id", "comment")
        }
        for question_id, seq in writer.acknowledged.items():
            checked += 1
            status, choice, comment = stored.get(question_id, (None, None, ""))
            match = comment_re.fullmatch(comment or "")
            stored_seq = int(match[2]) if match and int(match[1]) == writer.index else -1
            value = writer.posted.get((question_id, stored_seq))
            expected = {"na": ("not_applicable", None), "dk": ("dont_know", None)}.get(
                value, ("answered", int(value) if value and value.isdigit() else None)
            )
            if stored_seq < seq or (status, choice) != expected:
                lost += 1
                if len(samples) < 5:
                    samples.append(
                        f"w{writer.index} q{question_id}: acknowledged s{seq}, stored "
                        f"{status} {choice} {comment!r}"
                    )
            elif stored_seq > seq:
                committed_unacknowledged += 1
    outcomes = Counter()
    before, after, in_flight = Counter(), Counter(), Counter()
    for writer in writers:
        outcomes.update(writer.outcomes)
        for begin, end, outcome in writer.saves:
            if begin <= killed_at <= end:
                in_flight[outcome] += 1
            (before if end < killed_at else after)[outcome] += 1
    names = {f"{HOST}:{fleet.a.port}": "A", f"{HOST}:{fleet.b.port}": "B"}
    lines = proxy_lines(fleet.nginx.access_log, wall_start, wall_end + 1)
    served_before = share_by_instance([x for x in lines if x.at < killed_wall], names)
    served_after = share_by_instance([x for x in lines if x.at >= killed_wall], names)
    passed_on = Counter(x.method for x in lines if len(x.upstreams) > 1)
    proxy_errors = Counter(f"{x.method} {x.status}" for x in lines if x.status >= 500)
    survivor = harness.Browser(fleet.a.port, timeout=10)
    try:
        survivor_ok = survivor.get("/healthz").status == 200
    finally:
        survivor.close()
    ok = (
        lost == 0
        and checked > 0
        and refused
        and survivor_ok
        and not stuck
        and not crashed
        and before["acknowledged"] > 0
        and after["acknowledged"] > 0
    )
    return {
        "ok": ok,
        "writers": len(writers),
        "seconds": seconds,
        "killed_at_s": round(killed_at - started, 1),
        "killed_instance_refuses_connections": refused,
        "survivor_healthz_ok": survivor_ok,
        "outcomes": dict(outcomes),
        "saves_before_kill": dict(before),
        "saves_after_kill": dict(after),
        "saves_in_flight_at_kill": dict(in_flight),
        "answers_checked": checked,
        "lost": lost,
        "committed_but_unacknowledged": committed_unacknowledged,
        "samples": samples,
        "served_before_kill": dict(served_before),
        "served_after_kill": dict(served_after),
        "passed_to_other_instance": dict(passed_on),
        "proxy_5xx": dict(proxy_errors),
        "stuck_writers": stuck,
        "crashed_writers": crashed,
    }


def print_kill_claim(result: dict) -> None:
    print("\n## d. One web instance killed mid-run\n")
    print(
        f"{result['writers']} writers saving sections through nginx for {result['seconds']:g} s; "
        f"instance B killed (SIGKILL, master and workers) at {result['killed_at_s']} s; "
        f"B refuses connections afterwards: {result['killed_instance_refuses_connections']}; "
        f"A healthy: {result['survivor_healthz_ok']}"
    )
    print(f"save outcomes: {result['outcomes']}")
    print(
        f"  before the kill: {result['saves_before_kill']}; after: {result['saves_after_kill']}; "
        f"in flight at the kill: {result['saves_in_flight_at_kill'] or 'none'}"
    )
    print(
        f"requests served before the kill {result['served_before_kill']}, after "
        f"{result['served_after_kill']}; passed by nginx to the other instance: "
        f"{result['passed_to_other_instance'] or 'none'}; 5xx from nginx: "
        f"{result['proxy_5xx'] or 'none'}"
    )
    print(
        f"database check: {result['answers_checked']} acknowledged answers checked, "
        f"{result['lost']} lost; {result['committed_but_unacknowledged']} hold a later save "
        f"that failed in the client but had been committed"
    )
    for sample in result["samples"]:
        print(f"  {sample}")
    for line in result["crashed_writers"]:
        print(f"writer stopped by an exception: {line}")
    if result["stuck_writers"]:
        print(f"writers still running at the end: {result['stuck_writers']}")
    print("d: " + ("PASS" if result["ok"] else "FAIL"))


# --- setup and the run -------------------------------------------------------------------


def claim_redis_database():
    """An empty Redis database number, marked as ours until the end of the run."""
    import redis

    for number in range(15, 0, -1):
        client = redis.Redis(host=HOST, port=REDIS_PORT, db=number)
        if client.dbsize() == 0 and client.set(REDIS_MARKER, os.getpid(), nx=True, ex=3600):
            if client.dbsize() == 1:
                return number, client
            client.delete(REDIS_MARKER)
    sys.exit("no empty Redis database on 127.0.0.1:6379")


def seed(args, run_id: str) -> dict:
    from assessment import services

    accounts = loadtest.seed_accounts(args.respondents, run_id)
    bank = loadtest.bank_info()
    rng = random.Random(args.seed)
    with harness.fast_seed_hashing():
        email = f"report-{run_id}@scaleout.example"
        owner = harness.create_respondent(email, "Scale-out Report Ltd")
        assessment = harness.start_assessment(owner, "Scale-out report")
        harness.answer_all(assessment, owner, rng)
        services.submit_assessment(assessment=assessment, user=owner)
        sections = [slug for slug, _, _ in bank.sections]
        writers = []
        for index in range(args.writers):
            writer_email = f"writer{index}-{run_id}@scaleout.example"
            user = harness.create_respondent(writer_email, f"Scale-out Writer {index} Ltd")
            writers.append(
                Writer(index, writer_email, harness.start_assessment(user, "Kill run").pk, sections)
            )
    return {
        "accounts": accounts,
        "bank": bank,
        "report_email": email,
        "report_assessment": assessment.pk,
        "writers": writers,
    }


def main() -> None:
    args = parse_args()
    begun = time.monotonic()
    print(f"# scaleout: {harness.now_stamp()}")
    print(f"machine: {harness.machine_description()}")
    name = f"maturity_scaleout_{os.getpid()}"
    redis_number, redis_client = claim_redis_database()
    results: dict = {}
    try:
        with harness.stop_on_sigterm():
            url = harness.create_pg_database(name)
            try:
                with tempfile.TemporaryDirectory(prefix="maturity-scaleout-") as tmp:
                    results = run(
                        args, url, f"redis://{HOST}:{REDIS_PORT}/{redis_number}", Path(tmp)
                    )
            finally:
                harness.drop_pg_database(name)
    finally:
        redis_client.flushdb()
    results["total_seconds"] = round(time.monotonic() - begun, 1)
    verdicts = {claim: results[claim]["ok"] for claim in ("a", "b", "c", "d") if claim in results}
    print("\n# Verdicts\n")
    for claim, ok in verdicts.items():
        print(f"{claim}: {'PASS' if ok else 'FAIL'}")
    print(f"whole run: {results['total_seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"figures written to {args.json}")
    sys.exit(0 if len(verdicts) == 4 and all(verdicts.values()) else 1)


def run(args, url: str, cache_url: str, tmp: Path) -> dict:
    mailbox = tmp / "mailbox"
    mailbox.mkdir()
    data_dir = tmp / "data"
    data_dir.mkdir()
    settings = {
        "CACHE_URL": cache_url,
        "TASKS_BACKEND": "database",
        "DATA_DIR": str(data_dir),
        "PROXY_COUNT": "1",
        "PROXY_SSL_HEADER": "true",
        "FORM_THROTTLE_LIMIT": str(args.throttle_limit),
        "REPORT_PREPARE": "false",
        "EMAIL_BACKEND": "bench_mailbox.EmailBackend",
        "BENCH_MAILBOX": str(mailbox),
        # The worker sends the emails: it imports bench_mailbox from here too.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(harness.BENCH_DIR), os.environ.get("PYTHONPATH")])
        ),
    }
    env = harness.server_environment(url, tmp / "static", **settings)
    os.environ.update({k: v for k, v in settings.items() if k != "PYTHONPATH"})
    harness.setup_django(env)
    harness.quiet_app_logs()
    print(
        f"\nscratch database {url}, cache {cache_url}, files in {data_dir}/files, "
        f"FORM_THROTTLE_LIMIT={args.throttle_limit}",
        flush=True,
    )
    harness.migrate_and_load_bank()
    run_id = f"{time.time_ns():x}"
    seeded = seed(args, run_id)
    harness.collectstatic(env)
    logs = tmp / "logs"
    logs.mkdir()
    results: dict = {}
    with contextlib.ExitStack() as stack:
        fleet = SimpleNamespace(worker_log=logs / "worker.log")
        fleet.a = stack.enter_context(
            harness.Gunicorn("maturity_site.wsgi:application", env, logs / "a.log")
        )
        fleet.b = stack.enter_context(
            harness.Gunicorn("maturity_site.wsgi:application", env, logs / "b.log")
        )
        fleet.worker = stack.enter_context(Worker(env, fleet.worker_log))
        nginx_dir = Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="maturity-scaleout-nginx-"))
        )
        # nginx's workers run as nobody when it is started as root: they must reach the
        # buffer directories that the master creates for them in here (nothing else is here).
        os.chmod(nginx_dir, 0o755)  # noqa: S103
        fleet.nginx = stack.enter_context(Nginx(nginx_dir, [fleet.a.port, fleet.b.port]))
        names = {f"{HOST}:{fleet.a.port}": "A", f"{HOST}:{fleet.b.port}": "B"}
        print(
            f"instances A 127.0.0.1:{fleet.a.port} and B 127.0.0.1:{fleet.b.port} (2 sync "
            f"workers each), nginx 127.0.0.1:{fleet.nginx.port}, one db_worker",
            flush=True,
        )

        def pids() -> list[int]:
            return [*fleet.a.pids(), *fleet.b.pids(), *fleet.worker.pids(), *fleet.nginx.pids()]

        print("\n## a. The 50-respondent load test through nginx, over both instances")
        load_args = SimpleNamespace(
            seconds=args.seconds,
            respondents=args.respondents,
            think_min=args.think_min,
            think_max=args.think_max,
            ramp=args.ramp,
            seed=args.seed,
            db="postgres",
        )
        wall_start = time.time()
        load = loadtest.drive(
            load_args,
            fleet.nginx.port,
            seeded["accounts"],
            seeded["bank"],
            mailbox,
            pids=pids,
            postgres=True,
            log_paths=[logs / "a.log", logs / "b.log", fleet.worker_log],
            where="PostgreSQL, through nginx to instances A and B",
            sources=[address(1, i) for i in range(args.respondents)],
        )
        served = share_by_instance(
            proxy_lines(fleet.nginx.access_log, wall_start, time.time() + 1), names
        )
        load_ok = loadtest.report(load)
        total = sum(served.values())
        spread = total > 0 and all(served[n] >= 0.25 * total for n in ("A", "B"))
        print(
            f"requests answered by instance: {dict(served)} "
            f"({', '.join(f'{n} {100 * served[n] / max(total, 1):.0f} %' for n in ('A', 'B'))})"
        )
        results["a"] = {"ok": load_ok and spread, "served": dict(served), "load": load}
        print("a: " + ("PASS" if results["a"]["ok"] else "FAIL"), flush=True)

        results["b"] = claim_report(fleet, seeded)
        print_report_claim(results["b"])
        results["c"] = claim_throttle(fleet, args.throttle_limit, run_id)
        print_throttle_claim(results["c"])
        results["d"] = claim_kill(fleet, seeded["writers"], args.kill_seconds, args.seed)
        print_kill_claim(results["d"])
    return results


if __name__ == "__main__":
    main()
