"""Shared plumbing for the HTTP benchmarks (bench_pages.py, bench_saves.py, loadtest.py).

- scratch databases: a SQLite file under /tmp, or the PostgreSQL database `maturity_bench`
  on 127.0.0.1:5432, created before and dropped after a run; or DATABASE_URL as it is;
- Django set up in the benchmark process, for seeding through the app's own loader and
  services and for checking the database afterwards;
- gunicorn (2 sync workers on 127.0.0.1 and a free port) started and always stopped;
- wrk with a Lua script that reports p50/p95/p99 as JSON;
- a small keep-alive HTTP client with a cookie jar and form parsing (stdlib only);
- a CPU meter that says how busy the machine was, and who used the CPU.

Nothing here listens on, or connects to, anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
PG_BENCH_DATABASE = "maturity_bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# Every benchmark account uses this password; the accounts live in scratch databases only.
PASSWORD = "bench-Maturity-2026-password"  # noqa: S105
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"
DB_KINDS = ("sqlite", "postgres", "env")


def bank_file() -> Path:
    full = ROOT / "fixtures" / "question_bank_v1.yaml"
    return full if full.exists() else ROOT / "fixtures" / "sample_bank.yaml"


# --- databases ---------------------------------------------------------------------------


def database_url(kind: str, name: str) -> str:
    """The DATABASE_URL for a kind: scratch SQLite file, scratch PostgreSQL database, or env."""
    if kind == "sqlite":
        return f"sqlite:////tmp/maturity-bench-{name}.sqlite3"
    if kind == "postgres":
        return f"{PG_SERVER}/{PG_BENCH_DATABASE}"
    if kind == "env":
        url = os.environ.get("DATABASE_URL")
        if not url:
            sys.exit("--db env needs DATABASE_URL to be set")
        return url
    raise ValueError(kind)


def uses_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def _sqlite_files(url: str) -> list[Path]:
    path = Path(url.removeprefix("sqlite:///"))
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def _pg_admin(statement: str) -> None:
    import psycopg2  # the app's own driver

    connection = psycopg2.connect(host=HOST, port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def create_pg_database(name: str) -> str:
    """An empty PostgreSQL database of that name (dropped first if it exists); its URL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain database name: {name!r}")
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_pg_database(name: str) -> None:
    """Drop a scratch database, closing this process's connections to it first."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_scratch_database(kind: str, url: str) -> None:
    """Start from an empty database (the env kind is used as it is)."""
    if kind == "sqlite":
        for path in _sqlite_files(url):
            path.unlink(missing_ok=True)
    elif kind == "postgres":
        create_pg_database(PG_BENCH_DATABASE)


def drop_scratch_database(kind: str, url: str) -> None:
    if kind == "sqlite":
        for path in _sqlite_files(url):
            path.unlink(missing_ok=True)
    elif kind == "postgres":
        drop_pg_database(PG_BENCH_DATABASE)


def add_db_argument(parser) -> None:
    """The --db option of the benchmarks that can run on either database or both."""
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres", "both", "env"],
        default="both",
        help="scratch SQLite, scratch PostgreSQL (maturity_bench), both, or DATABASE_URL",
    )


def server_environment(url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """Production-like settings: DEBUG and TESTING off, plain HTTP on 127.0.0.1."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="maturity_site.settings",
        DATABASE_URL=url,
        DEBUG="false",
        TESTING="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        HTTPS="false",
        STATIC_ROOT=str(static_root),
        **extra,
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process with the same settings the server gets."""
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "TESTING", "SECRET_KEY"):
        os.environ[key] = env[key]
    for key in ("ALLOWED_HOSTS", "HTTPS", "STATIC_ROOT"):
        os.environ[key] = env[key]
    # Submitting the benchmark's assessments must not start report renders in this
    # process while the server is being measured.
    os.environ["REPORT_PREPARE"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def quiet_app_logs() -> None:
    """Seeding through the services logs every submission; the benchmarks print their own."""
    import logging

    logging.getLogger("assessment").setLevel(logging.WARNING)


class QueryCounter:
    """Counts the SQL statements run in this process (works with DEBUG off)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> QueryCounter:
        from django.db import connection

        self._context = connection.execute_wrapper(self)
        self._context.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._context.__exit__(*exc)


def migrate_and_load_bank() -> None:
    """Create the tables, then load the bank with the app's own management command."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_question_bank", str(bank_file()))


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


@contextlib.contextmanager
def fast_seed_hashing():
    """Hash seeded passwords with few PBKDF2 iterations, to seed quickly.

    The hashes are ordinary pbkdf2_sha256 ones, so the server checks them as usual (and
    upgrades them to its full iteration count at the first login).
    """
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["harness.SeedPasswordHasher"]):
        yield


def _seed_hasher_class():
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    class SeedPasswordHasher(PBKDF2PasswordHasher):
        iterations = 1000

    return SeedPasswordHasher


def __getattr__(name: str):  # lets Django import harness.SeedPasswordHasher lazily
    if name == "SeedPasswordHasher":
        return _seed_hasher_class()
    raise AttributeError(name)


# --- seeding through the app's services --------------------------------------------------


def create_respondent(email: str, organisation_name: str):
    """An organisation and its owner, through the app's service; the owner is made active."""
    from assessment import services
    from assessment.models import Organisation

    details = {
        "email": email,
        "password": PASSWORD,
        "first_name": "Bench",
        "last_name": "Respondent",
        "organisation_name": organisation_name,
        "sector": Organisation.Sector.TECHNOLOGY,
        "size": Organisation.Size.SMALL,
    }
    outcome = services.sign_up(**details)  # the owner starts inactive, pending confirmation
    assert outcome.kind == "created", outcome.kind
    user = outcome.user
    activate(user)
    return user


def add_member(owner, email: str):
    """A colleague in the owner's organisation, through an invitation."""
    from assessment import services

    invitation, _ = services.invite_member(
        organisation=owner.membership.organisation, email=email, invited_by=owner
    )
    user = services.accept_invitation(
        invitation=invitation, first_name="Bench", last_name="Colleague", password=PASSWORD
    )
    activate(user)
    return user


def activate(user) -> None:
    # Sign-up may create inactive accounts pending email confirmation: benchmarks skip that.
    if not user.is_active:
        type(user).objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True


def start_assessment(user, title: str):
    from assessment import selectors, services

    return services.start_assessment(
        organisation=user.membership.organisation,
        user=user,
        bank=selectors.current_bank(),
        title=title,
    ).assessment


def answer_all(assessment, user, rng, *, comment_share: float = 0.3) -> None:
    """Answer every question, one save per section as the pages do."""
    from assessment import services
    from assessment.models import Answer
    from assessment.structure import bank_structure

    structure = bank_structure(assessment.bank)
    for section in structure.sections:
        submissions = []
        for component in section.components_list:
            for question in component.questions_list:
                roll = rng.random()
                choice = None
                if roll < 0.05:
                    status = Answer.Status.DONT_KNOW
                elif roll < 0.1 and question.allows_not_applicable:
                    status = Answer.Status.NOT_APPLICABLE
                else:
                    status = Answer.Status.ANSWERED
                    choice = rng.choice(question.choices_list)
                comment = (
                    "We do this for the main model; the second team is catching up. "
                    "Evidence: runbook v3 in the wiki."
                    if rng.random() < comment_share
                    else ""
                )
                submissions.append(
                    services.AnswerSubmission(
                        question=question,
                        status=status,
                        choice=choice,
                        comment=comment,
                        seen_revision=0,
                    )
                )
        outcome = services.save_answers(assessment=assessment, user=user, submissions=submissions)
        assert not outcome.conflicts


def bank_sections():
    """The published bank's sections (with components_list/questions_list), in order."""
    from assessment import selectors
    from assessment.structure import bank_structure

    return bank_structure(selectors.current_bank()).sections


def section_questions(section) -> list:
    return [q for component in section.components_list for q in component.questions_list]


# --- gunicorn ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, first_signal: int, *, timeout: float) -> None:
    """Ask a server started in a session of its own to stop; kill its process group (ours
    only) if it has not stopped in time."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(first_signal)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class Gunicorn:
    """gunicorn with N sync workers on 127.0.0.1; a context manager that always stops it."""

    def __init__(
        self,
        app: str,
        env: dict[str, str],
        log_path: Path,
        *,
        workers: int = 2,
        pythonpath: Path | None = None,
        ready_path: str = "/healthz",
        python: str | Path = sys.executable,
    ):
        self.app = app
        self.python = str(python)  # another venv's interpreter serves another project
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.pythonpath = pythonpath
        self.ready_path = ready_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> Gunicorn:
        command = [
            self.python,
            "-m",
            "gunicorn",
            self.app,
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
        ]
        if self.pythonpath:
            command += ["--pythonpath", str(self.pythonpath)]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", self.ready_path)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {self.ready_path}; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def pids(self) -> list[int]:
        return [self.process.pid, *self.worker_pids()] if self.process else []

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process, signal.SIGTERM, timeout=20)
        self.process = None
        self._log.close()

    def __exit__(self, *exc) -> None:
        self.stop()


def server_log_problems(log_path: Path) -> list[str]:
    """Lines of the server log that show a server-side error (tracebacks, 5xx, timeouts)."""
    problems = []
    for line in log_path.read_text(errors="replace").splitlines():
        if (
            '"level": "ERROR"' in line
            or '"level": "CRITICAL"' in line
            or "Traceback" in line
            or "WORKER TIMEOUT" in line
            or "[ERROR]" in line
            or "[CRITICAL]" in line
        ):
            problems.append(line[:300])
    return problems


@contextlib.contextmanager
def stop_on_sigterm():
    """Turn SIGTERM into SystemExit so that `finally` blocks stop the servers."""

    def handler(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- CPU and load ------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _process_ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() in {"postgres", "postmaster"}:
                    pids.append(int(entry.name))
    return pids


def _machine_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])
    return total - idle, total


class Writer(threading.Thread):
    """A client that saves again and again until told to stop, all starting together.

    ``prepare`` logs in and loads what the saves need; ``save(turn)`` makes one save and
    counts it. A failure in ``prepare`` is kept in ``failure`` for the main thread, and
    breaks the start barrier so that nobody waits for this writer."""

    def __init__(self, name: str, port: int, start: threading.Barrier, stop: threading.Event):
        super().__init__(name=name, daemon=True)
        self.port = port
        self.start_barrier = start
        self.stop = stop
        self.latencies: list[float] = []
        self.errors: Counter = Counter()
        self.error_samples: list[str] = []
        self.failure: str | None = None

    def prepare(self) -> None:
        raise NotImplementedError

    def save(self, turn: int) -> None:
        raise NotImplementedError

    def run(self) -> None:
        try:
            self.browser = Browser(self.port)
            self.prepare()
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            self.failure = f"{type(error).__name__}: {error}"
            self.start_barrier.abort()
            return
        try:
            self.start_barrier.wait()
        except threading.BrokenBarrierError:
            return
        turn = 0
        while not self.stop.is_set():
            self.save(turn)
            turn += 1
        self.browser.close()


def run_writers(
    writers: list[Writer],
    start: threading.Barrier,
    stop: threading.Event,
    server: Gunicorn,
    *,
    seconds: float,
    postgres: bool,
) -> tuple[CpuMeter, float, Counter]:
    """Start the writers, let them save together for ``seconds`` while the CPU is metered,
    then stop them: the meter, the time the saves took and the errors of all writers."""
    for writer in writers:
        writer.start()
    try:
        start.wait(timeout=120)
    except threading.BrokenBarrierError:
        failures = [writer.failure for writer in writers if writer.failure]
        raise RuntimeError(f"writers could not start: {failures}") from None
    with CpuMeter(server.pids, include_self=True, postgres=postgres) as meter:
        started = time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for writer in writers:
            writer.join(timeout=120)
        elapsed = time.perf_counter() - started
    errors: Counter = Counter()
    for writer in writers:
        errors.update(writer.errors)
    return meter, elapsed, errors


def loadavg() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


class CpuMeter:
    """Who used the CPU during a run: our server, PostgreSQL, our client, everyone else.

    Figures are in cores (1.0 = one core busy for the whole run). The machine has
    os.cpu_count() cores; "others" is what other people's processes took. With
    postgres=True every PostgreSQL process counts as ours (other people's queries too);
    with False (SQLite runs) PostgreSQL counts among the others.
    """

    def __init__(self, server_pids_fn, *, include_self: bool = False, postgres: bool = True):
        self.server_pids_fn = server_pids_fn
        self.count_postgres = postgres
        self.include_self = include_self
        self.client_seconds = 0.0
        self.max_load1 = 0.0
        self._stop = threading.Event()

    def _sample_load(self) -> None:
        while not self._stop.wait(1.0):
            self.max_load1 = max(self.max_load1, loadavg()[0])

    def _snapshot(self) -> dict:
        server_pids = self.server_pids_fn()
        pg_pids = _postgres_pids() if self.count_postgres else []
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "wall": time.monotonic(),
            "machine": _machine_ticks(),
            "server": {pid: _process_ticks(pid) for pid in server_pids},
            "postgres": {pid: _process_ticks(pid) for pid in pg_pids},
            "self": usage.ru_utime + usage.ru_stime,
        }

    def __enter__(self) -> CpuMeter:
        self.load_before = loadavg()
        self.max_load1 = self.load_before[0]
        self._thread = threading.Thread(target=self._sample_load, daemon=True)
        self._thread.start()
        self.start = self._snapshot()
        return self

    def __exit__(self, *exc) -> None:
        end = self._snapshot()
        self._stop.set()
        self._thread.join()
        self.load_after = loadavg()
        wall = end["wall"] - self.start["wall"]
        busy = (end["machine"][0] - self.start["machine"][0]) / CLOCK_TICKS

        def delta(key: str) -> float:
            # A process that appeared during the run (a new PostgreSQL backend) used all
            # of its CPU time during the run; one that ended during it is missed.
            ticks = sum(ticks - self.start[key].get(pid, 0) for pid, ticks in end[key].items())
            return ticks / CLOCK_TICKS

        server = delta("server")
        postgres = delta("postgres")
        client = self.client_seconds + (
            end["self"] - self.start["self"] if self.include_self else 0
        )
        self.summary = {
            "wall_s": round(wall, 2),
            "cores": os.cpu_count(),
            "machine_busy_cores": round(busy / wall, 2),
            "server_cores": round(server / wall, 2),
            "postgres_cores": round(postgres / wall, 2),
            "client_cores": round(client / wall, 2),
            "others_cores": round(max(0.0, busy - server - postgres - client) / wall, 2),
            "load1_before": self.load_before[0],
            "load1_after": self.load_after[0],
            "load1_max": round(self.max_load1, 2),
        }


def describe_cpu(summary: dict) -> str:
    return (
        f"machine busy {summary['machine_busy_cores']:.2f}/{summary['cores']} cores "
        f"(server {summary['server_cores']:.2f}, postgres {summary['postgres_cores']:.2f}, "
        f"load generator {summary['client_cores']:.2f}, others {summary['others_cores']:.2f}); "
        f"load average {summary['load1_before']:.2f} -> {summary['load1_after']:.2f} "
        f"(max {summary['load1_max']:.2f})"
    )


def machine_description() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB RAM"
    return (
        f"{platform.node()}: {os.cpu_count()} x {model}{memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


# --- wrk ---------------------------------------------------------------------------------


def run_wrk(
    url: str,
    *,
    seconds: float,
    threads: int = 2,
    connections: int = 8,
    headers: dict[str, str] | None = None,
    timeout: str = "10s",
) -> dict:
    """Run wrk; returns requests/s, latency percentiles (ms), errors and wrk's own CPU."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        f"--timeout={timeout}",
        "--latency",
        "-s",
        str(WRK_SCRIPT),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = process.stdout.read().decode()
    errors = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {errors or output}")
    line = next((x for x in output.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    duration = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / duration, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        "errors": {
            key: raw[key] for key in ("connect", "read", "write", "status", "timeout") if raw[key]
        },
        "kib_per_response": round(raw["bytes"] / max(raw["requests"], 1) / 1024, 1),
        "wrk_cpu_s": usage.ru_utime + usage.ru_stime,
        "command": " ".join(
            part if " " not in part else repr(part)
            for part in command
            if not part.startswith("Cookie:")
        ),
    }


# --- a small browser ---------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        value = self.headers.get("Location", "")
        return urllib.parse.urlsplit(value).path if value else ""


class Browser:
    """One user's HTTP client: a keep-alive connection (when the server allows) and cookies.

    `source` is the loopback address the client connects from (any of 127.0.0.0/8 on
    Linux), so that simulated visitors can have addresses of their own; `headers` are sent
    with every request.
    """

    def __init__(
        self,
        port: int,
        timeout: float = 60,
        *,
        source: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        if source is not None and not source.startswith("127."):
            raise ValueError(f"only loopback source addresses: {source!r}")
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.extra_headers = dict(headers or {})
        self.connection = http.client.HTTPConnection(
            HOST, port, timeout=timeout, source_address=(source, 0) if source else None
        )

    def request(self, method: str, path: str, fields=None) -> Response:
        headers = {"Host": f"{HOST}:{self.port}", **self.extra_headers}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except Exception:
            self.connection.close()
            raise
        elapsed = time.perf_counter() - started
        if response.will_close:
            self.connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self._store_cookie(header)
        return Response(response.status, response.headers, data, elapsed)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields) -> Response:
        return self.request("POST", path, fields)

    def _store_cookie(self, header: str) -> None:
        name, _, value = header.split(";", 1)[0].partition("=")
        name, value = name.strip(), value.strip().strip('"')
        expired = "max-age=0" in header.lower().replace(" ", "")
        if expired or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def close(self) -> None:
        self.connection.close()

    def log_in(self, email: str, password: str = PASSWORD) -> Response:
        page = self.get("/login/")
        if page.status != 200:
            raise RuntimeError(f"GET /login/ answered {page.status}")
        return self.post(
            "/login/",
            {
                "csrfmiddlewaretoken": csrf_token(page.text),
                "username": email,
                "password": password,
                "next": "",
            },
        )


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
TAG_RE = re.compile(r"<input\b([^>]*)>", re.IGNORECASE)
TEXTAREA_RE = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.IGNORECASE | re.DOTALL)
ATTR_RE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*"([^"]*)")?')


def csrf_token(page: str) -> str:
    match = CSRF_RE.search(page)
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


def _attributes(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value or "") for name, value in ATTR_RE.findall(text)}


@dataclass
class QuestionField:
    question_id: int
    options: list[str] = field(default_factory=list)  # choice ids, then "na" and "dk"
    checked: str = ""
    revision: int = 0
    comment: str = ""


@dataclass
class SectionPage:
    csrf: str
    questions: dict[int, QuestionField]


def parse_section(page: str) -> SectionPage:
    """The questions of a section page: options, checked value, revision and comment."""
    questions: dict[int, QuestionField] = {}

    def question(name: str) -> QuestionField:
        question_id = int(name[1:])
        return questions.setdefault(question_id, QuestionField(question_id))

    for match in TAG_RE.finditer(page):
        attrs = _attributes(match.group(1))
        name = attrs.get("name", "")
        if len(name) < 2 or not name[1:].isdigit():
            continue
        if name[0] == "q" and attrs.get("type") == "radio":
            entry = question(name)
            entry.options.append(attrs["value"])
            if "checked" in attrs:
                entry.checked = attrs["value"]
        elif name[0] == "r" and attrs.get("type") == "hidden":
            question(name).revision = int(attrs.get("value") or 0)
    for match in TEXTAREA_RE.finditer(page):
        name = _attributes(match.group(1)).get("name", "")
        if len(name) > 1 and name[0] == "c" and name[1:].isdigit():
            question(name).comment = html.unescape(match.group(2)).strip()
    return SectionPage(csrf=csrf_token(page), questions=questions)


def section_fields(page: SectionPage, values: dict[int, tuple[str, str]], goto: str) -> list:
    """Form fields for a section POST: values maps question id to (value, comment)."""
    fields = [("csrfmiddlewaretoken", page.csrf)]
    for question_id, entry in page.questions.items():
        value, comment = values.get(question_id, (entry.checked, entry.comment))
        if value:
            fields.append((f"q{question_id}", value))
        fields.append((f"c{question_id}", comment))
        fields.append((f"r{question_id}", str(entry.revision)))
    fields.append(("goto", goto))
    return fields


# --- statistics and output ---------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * pct // 100)))
    return ordered[int(rank) - 1]


def latency_summary(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(percentile(ms, 95), 1) if ms else None,
        "p99_ms": round(percentile(ms, 99), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
    }


def markdown_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def strip_option(argv: list[str], name: str) -> list[str]:
    """argv without the option `name` and its value."""
    out, skip = [], False
    for item in argv:
        if skip:
            skip = False
        elif item == name:
            skip = True
        elif not item.startswith(name + "="):
            out.append(item)
    return out


def run_children(script: Path, kinds: list[str], argv: list[str]) -> list[dict]:
    """Run the script once per database, each in its own process (Django is set up once)."""
    results = []
    for kind in kinds:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_path = Path(handle.name)
        try:
            completed = subprocess.run(
                [sys.executable, str(script), *argv, "--db", kind, "--child", str(result_path)],
                cwd=ROOT,
            )
            if completed.returncode == 0 and result_path.stat().st_size:
                results.append(json.loads(result_path.read_text()))
            else:
                results.append({"db": kind, "failed": completed.returncode})
        finally:
            result_path.unlink(missing_ok=True)
    return results


def now_stamp() -> str:
    return time.strftime("%Y-%m-%d %H:%M %Z")


def in_scratch_database(args, name: str, measure) -> dict:
    """Run measure(args, kind, url, tmp_dir) against a fresh scratch database, then drop it."""
    kind = args.db
    url = database_url(kind, name)
    create_scratch_database(kind, url)
    try:
        with tempfile.TemporaryDirectory(prefix=f"maturity-bench-{name}-") as tmp:
            return measure(args, kind, url, Path(tmp))
    finally:
        drop_scratch_database(kind, url)
