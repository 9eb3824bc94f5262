"""The peer's side of bench_peer.py: its venv, database, server, seeding and writers.

The peer (django-survey-and-report, pinned in requirements.txt beside this file) runs from
its own venv, benchmarks/peer/.venv, which `bench_peer.py --setup` makes once (and a first
run makes when it is missing); nothing is installed into the project's venv. Its Django
project is peer_site/ beside this file, driven by manage.py with the venv's Python.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import tempfile
import threading
import time
import venv
from pathlib import Path

import harness

PEER_DIR = Path(__file__).resolve().parent
VENV = PEER_DIR / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = PEER_DIR / "requirements.txt"
MARKER = VENV / ".requirements.txt"  # what the venv was made from
PG_DATABASE = "maturity_bench_peer"
CONFIRM_PREFIX = "/survey/confirm/"


# --- venv --------------------------------------------------------------------------------


def venv_ready() -> bool:
    return PYTHON.exists() and MARKER.exists() and MARKER.read_text() == REQUIREMENTS.read_text()


def setup_venv() -> None:
    """Make benchmarks/peer/.venv from requirements.txt (pinned versions), from scratch."""
    print(f"Creating the peer's venv in {VENV.relative_to(harness.ROOT)} ...", flush=True)
    venv.EnvBuilder(clear=True, with_pip=True).create(VENV)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        + ["-r", str(REQUIREMENTS)],
        check=True,
    )
    MARKER.write_text(REQUIREMENTS.read_text())
    print("The peer's venv is ready.", flush=True)


def ensure_venv() -> None:
    if not venv_ready():
        print(
            "The peer's venv is missing or older than benchmarks/peer/requirements.txt: "
            "making it now, once (the same as `bench_peer.py --setup`).",
            flush=True,
        )
        setup_venv()


def installed_version() -> str:
    code = "import importlib.metadata as m; print(m.version('django-survey-and-report'))"
    command = [str(PYTHON), "-c", code]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


# --- database and server -----------------------------------------------------------------


def create_database(kind: str) -> str:
    """A fresh database for the peer, separate from ours; its URL."""
    if kind == "postgres":
        return harness.create_pg_database(PG_DATABASE)
    url = f"sqlite:///{Path(tempfile.gettempdir()) / 'maturity-bench-peer-survey.sqlite3'}"
    drop_database(kind, url)
    return url


def drop_database(kind: str, url: str) -> None:
    if kind == "postgres":
        harness.drop_pg_database(PG_DATABASE)
        return
    path = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(path + suffix).unlink(missing_ok=True)


def environment(url: str) -> dict[str, str]:
    """The peer's environment: its DATABASES entry built by our own database_config(),
    so it gets our SQLite options or PostgreSQL connection settings."""
    from maturity_site.env import database_config

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env.update(
        DJANGO_SETTINGS_MODULE="peer_site.settings",
        PEER_SECRET_KEY=secrets.token_urlsafe(50),
        PEER_DATABASE=json.dumps(database_config(url), default=str),
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=PEER_DIR, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise RuntimeError(f"peer manage.py {args[0]} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout


def seed(env: dict[str, str], bank: Path, specs: list[str]) -> list[dict]:
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    arguments = [item for spec in specs for item in ("--survey", spec)]
    return json.loads(manage(env, "seed_surveys", "--bank", str(bank), *arguments))


def server(env: dict[str, str], log_path: Path) -> harness.Gunicorn:
    """The peer under the same gunicorn command as ours (2 sync workers), from its venv."""
    return harness.Gunicorn(
        "peer_site.wsgi:application", env, log_path, pythonpath=PEER_DIR, python=PYTHON
    )


def check_page(survey: dict, page: harness.Response) -> None:
    radios = page.text.count('type="radio"')
    expected = survey["questions"] * survey["options"]
    if page.status != 200 or radios != expected:
        raise RuntimeError(
            f"peer {survey['name']}: expected 200 with {expected} radios, "
            f"got {page.status} with {radios}"
        )


# --- saves -------------------------------------------------------------------------------


class PeerWriter(harness.Writer):
    """An anonymous respondent POSTing the whole survey again and again; a save counts
    only when the peer answers with its 302 to the confirmation page."""

    def __init__(self, index: int, port: int, survey: dict, start, stop: threading.Event):
        super().__init__(f"peer-writer-{index}", port, start, stop)
        self.index, self.survey = index, survey
        self.acknowledged: list[str] = []  # interview uuids from the redirects

    def prepare(self) -> None:
        page = self.browser.get(self.survey["path"])
        check_page(self.survey, page)
        self.csrf = harness.csrf_token(page.text)

    def save(self, turn: int) -> None:
        fields = [("csrfmiddlewaretoken", self.csrf)]
        for position, (name, values) in enumerate(self.survey["fields"].items()):
            fields.append((name, values[(turn + position + self.index) % len(values)]))
        started = time.perf_counter()
        try:
            response = self.browser.post(self.survey["path"], fields)
        except Exception as error:  # noqa: BLE001 - counted as an error
            self.record_error(type(error).__name__, str(error))
            return
        if response.status != 302 or not response.location.startswith(CONFIRM_PREFIX):
            self.record_error(f"HTTP {response.status}", f"{response.status} {response.location}")
            try:
                self.prepare()
            except Exception as error:  # noqa: BLE001
                self.record_error("resync", str(error))
                time.sleep(0.5)
            return
        self.latencies.append(time.perf_counter() - started)
        self.acknowledged.append(response.location.removeprefix(CONFIRM_PREFIX).strip("/"))

    def record_error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{self.name}: {detail}"[:300])


def run_saves(server: harness.Gunicorn, survey: dict, writers: int, seconds: float, postgres):
    start = threading.Barrier(writers + 1)
    stop = threading.Event()
    threads = [PeerWriter(i, server.port, survey, start, stop) for i in range(writers)]
    meter, elapsed, errors = harness.run_writers(
        threads, start, stop, server, seconds=seconds, postgres=postgres
    )
    saves = sum(len(t.acknowledged) for t in threads)
    return {
        "variant": f"peer {survey['name']}",
        "writers": writers,
        "seconds": round(elapsed, 1),
        "saves": saves,
        "saves_per_s": round(saves / elapsed, 1),
        "questions_per_save": survey["questions"],
        "latency": harness.latency_summary([x for t in threads for x in t.latencies]),
        "errors": dict(errors),
        "error_samples": [s for t in threads for s in t.error_samples][:10],
        "cpu": meter.summary,
        "acknowledged": [uuid for t in threads for uuid in t.acknowledged],
    }


def verify(env: dict[str, str], survey: dict, acknowledged: list[str], earlier: int) -> dict:
    """Every acknowledged response stored with all its answers; no row beyond them.

    `earlier` is how many responses to this survey earlier runs had acknowledged."""
    stored = json.loads(manage(env, "count_responses", str(survey["survey_id"])))
    stored = stored[str(survey["survey_id"])]
    lost = [uuid for uuid in acknowledged if uuid not in stored]
    incomplete = [u for u in acknowledged if u in stored and stored[u] != survey["questions"]]
    return {
        "answers_checked": sum(stored.get(uuid, 0) for uuid in acknowledged),
        "responses_stored": len(stored),
        "lost": len(lost) + len(incomplete),
        "unacknowledged_rows": len(stored) - earlier - len(acknowledged) + len(lost),
        "samples": [f"lost {u}" for u in lost[:3]] + [f"incomplete {u}" for u in incomplete[:3]],
    }
