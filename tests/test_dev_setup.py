"""The two commands on a fresh machine: locked installs, `make run` and `make test`, the
development console's logs, and a tree that names no developer's machine."""

import json
import os
import re
import socket
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.urls import reverse
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = Path(__file__).resolve().parent.parent
LOCKS = PROJECT / "requirements"


def make(*arguments: str, **variables: str) -> subprocess.CompletedProcess:
    # A make running this suite passes its flags down (MAKEFLAGS); this one starts clean.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "DEBUG"}
    }
    environment.update(variables)
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(PROJECT), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- Lock files -----------------------------------------------------------------------------


def locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for every requirement of a lock file."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    entries = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement_text, *options = line.split(" --hash=")
        requirement = Requirement(requirement_text.strip())
        pins = [spec for spec in requirement.specifier if spec.operator == "=="]
        assert len(pins) == 1, f"{path.name}: {requirement_text!r} is not pinned with =="
        hashes = [option.strip() for option in options]
        entries[canonicalize_name(requirement.name)] = (pins[0].version, hashes)
    return entries


def project_requirements() -> tuple[list[Requirement], list[Requirement], list[Requirement]]:
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = [Requirement(text) for text in pyproject["project"]["dependencies"]]
    dev = [Requirement(text) for text in pyproject["project"]["optional-dependencies"]["dev"]]
    build = [Requirement(text) for text in pyproject["build-system"]["requires"]]
    return runtime, dev, build


@pytest.mark.parametrize("name", ["tools.txt", "prod.txt", "dev.txt"])
def test_every_locked_requirement_is_pinned_with_its_hashes(name):
    entries = locked(LOCKS / name)
    assert entries
    for package, (_, hashes) in entries.items():
        assert hashes, f"{name}: {package} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", value) for value in hashes), package


@pytest.mark.parametrize(
    ("lock", "groups"), [("prod.txt", ("runtime",)), ("dev.txt", ("runtime", "dev"))]
)
def test_the_locks_hold_every_dependency_of_pyproject_at_an_allowed_version(lock, groups):
    """A dependency added to pyproject.toml without `make lock` fails here."""
    runtime, dev, _ = project_requirements()
    wanted = {"runtime": runtime, "dev": dev}
    entries = locked(LOCKS / lock)
    problems = []
    for requirement in (r for group in groups for r in wanted[group]):
        entry = entries.get(canonicalize_name(requirement.name))
        if entry is None:
            problems.append(f"{requirement} is missing: run make lock")
        elif not requirement.specifier.contains(entry[0], prereleases=True):
            problems.append(f"{requirement} is locked at {entry[0]}: run make lock")
    assert not problems, "\n".join(problems)


def test_production_installs_exactly_the_versions_and_files_development_tests():
    production, development = locked(LOCKS / "prod.txt"), locked(LOCKS / "dev.txt")
    differing = {
        name: (entry, development.get(name))
        for name, entry in production.items()
        if development.get(name) != entry
    }
    assert not differing


def test_the_installer_and_the_build_backend_are_locked_too():
    _, _, build = project_requirements()
    tools = locked(LOCKS / "tools.txt")
    assert "pip" in tools
    for requirement in build:
        version = tools[canonicalize_name(requirement.name)][0]
        assert requirement.specifier.contains(version), (requirement, version)


def test_make_install_takes_everything_from_the_locks(tmp_path):
    result = make("-n", "install", f"VENV={tmp_path / 'venv'}")
    assert result.returncode == 0, result.stderr
    installs = [
        line for line in result.stdout.replace("\\\n", " ").splitlines() if "pip install" in line
    ]
    assert len(installs) == 3, installs
    assert "--require-hashes" in installs[0] and "requirements/tools.txt" in installs[0]
    assert "--require-hashes" in installs[1] and "requirements/dev.txt" in installs[1]
    assert "--no-deps" in installs[2] and "--no-build-isolation" in installs[2]
    assert installs[2].rstrip().endswith("-e .")


def test_the_image_and_ci_install_from_the_locks():
    dockerfile = (PROJECT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    commands = [part for line in installs for part in line.split("&&") if "pip install" in part]
    assert commands, "the Dockerfile installs nothing"
    for command in commands:
        assert "--require-hashes" in command or "--no-deps" in command, command
    assert any("requirements/prod.txt" in command for command in commands)
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make install" in ci and "pip install" not in ci


def test_compose_runs_a_worker_that_shares_the_database_and_the_files_of_the_web_container():
    import yaml

    services = yaml.safe_load((PROJECT / "compose.yaml").read_text(encoding="utf-8"))["services"]
    worker = next(s for s in services.values() if "db_worker" in str(s.get("command")))
    web = services["web"]
    assert worker["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    data = [volume for volume in web["volumes"] if volume.endswith(":/app/data")]
    assert data and data[0] in worker["volumes"]


def test_compose_web_scales_behind_the_proxy_with_every_state_shared():
    import yaml

    compose = yaml.safe_load((PROJECT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    web, worker, proxy = services["web"], services["worker"], services["proxy"]
    # --scale web=N: no fixed host port and no fixed container name on web.
    assert "ports" not in web and "container_name" not in web
    assert proxy["ports"]
    mounted = [v.split(":")[0] for v in proxy["volumes"] if v.startswith("./deploy/")]
    assert mounted, proxy["volumes"]
    config = (PROJECT / mounted[0]).read_text(encoding="utf-8")
    assert "http://web:8000" in config and "X-Forwarded-For" in config
    for service in (web, worker):
        environment = service["environment"]
        assert environment["CACHE_URL"].startswith("redis://redis:")
        assert environment["TASKS_BACKEND"] == "database"
        assert environment["PROXY_COUNT"] == "1"
    named = set(compose["volumes"])
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source in named or source.startswith("./deploy/"), volume


# --- make run and make test -----------------------------------------------------------------


def test_make_run_stops_before_any_setup_when_the_port_is_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = make("run", f"PORT={port}", f"VENV={tmp_path / 'venv'}")
    assert result.returncode != 0
    assert f"Port {port} is in use" in result.stderr
    assert f"PORT={port + 1} make run" in result.stderr
    assert not (tmp_path / "venv").exists(), "setup ran before the port was checked"


def test_make_run_refuses_a_port_that_is_not_a_number(tmp_path):
    result = make("run", "PORT=80a", f"VENV={tmp_path / 'venv'}")
    assert result.returncode != 0
    assert "PORT must be a number from 1 to 65535; got '80a'" in result.stderr
    assert not (tmp_path / "venv").exists()


def fake_npm(tmp_path: Path) -> tuple[Path, Path]:
    calls = tmp_path / "npm-calls"
    npm = tmp_path / "npm"
    npm.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    return npm, calls


def test_make_test_installs_axe_core_with_npm_ci_when_it_is_missing(tmp_path):
    npm, calls = fake_npm(tmp_path)
    result = make("axe", f"AXE={tmp_path / 'missing' / 'axe.min.js'}", f"NPM={npm}")
    assert result.returncode == 0, result.stderr
    assert calls.read_text().split() == ["ci", "--no-audit", "--no-fund", "--silent"]
    planned = make("-n", "test", f"VENV={tmp_path / 'venv'}").stdout
    assert planned.index("ci --no-audit") < planned.index("DEBUG=false"), planned


def test_make_test_leaves_an_installed_axe_core_alone_and_goes_on_without_npm(tmp_path):
    npm, calls = fake_npm(tmp_path)
    present = tmp_path / "axe.min.js"
    present.write_text("/* axe */")
    assert make("axe", f"AXE={present}", f"NPM={npm}").returncode == 0
    assert not calls.exists()
    result = make("axe", f"AXE={tmp_path / 'missing.js'}", f"NPM={tmp_path / 'no-npm'}")
    assert result.returncode == 0
    assert "npm not found: the accessibility tests will be skipped" in result.stdout


def test_a_skipped_test_prints_its_reason(tmp_path):
    (tmp_path / "test_skipping.py").write_text(
        "import pytest\n\n\n@pytest.mark.skip(reason='Chromium is not here')\n"
        "def test_x():\n    pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(PROJECT / "pyproject.toml"), str(tmp_path)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "SKIPPED [1]" in result.stdout and "Chromium is not here" in result.stdout


def test_make_run_links_emails_to_the_port_it_serves(tmp_path):
    planned = make("-n", "run", "PORT=8123", f"VENV={tmp_path / 'venv'}").stdout
    assert 'SITE_URL="${SITE_URL:-http://127.0.0.1:8123}"' in planned, planned
    assert planned.index("SITE_URL") < planned.index("db_worker")


def test_every_make_command_the_readme_names_exists(tmp_path):
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"(?:^|[\s`(])make ([a-z][a-z0-9-]*)", readme))
    assert {"run", "test", "reset-demo"} <= targets, targets
    for target in targets:
        result = make("-n", target, f"VENV={tmp_path / 'venv'}")
        assert "No rule to make target" not in result.stderr, target


# --- Logs -----------------------------------------------------------------------------------

# Real events: a refused method (Django logs a warning), a small PDF (WeasyPrint's rendering
# steps and fontTools' subsetting log at INFO) and an application event with an extra field.
LOG_EVENTS = """
import logging
import django
django.setup()
from django.test import Client
Client(HTTP_HOST="localhost").options("/healthz", secure=True)
import weasyprint
weasyprint.HTML(string="<p>Report ü</p>").write_pdf()
logging.getLogger("assessment.services").info("assessment submitted", extra={"assessment": 3})
"""


def log_lines(tmp_path, **variables) -> list[str]:
    ignored = {"DEBUG", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(DJANGO_SETTINGS_MODULE="maturity_site.settings", DATA_DIR=str(tmp_path))
    environment.update(variables)
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", LOG_EVENTS],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_development_logs_one_readable_line_per_event_and_no_library_chatter(tmp_path):
    lines = log_lines(tmp_path, DEBUG="true")
    assert [line for line in lines if "Method Not Allowed (OPTIONS): /healthz" in line] == [
        lines[0]
    ], lines
    submitted = [line for line in lines if "assessment submitted" in line]
    assert len(submitted) == 1 and "assessment=3" in submitted[0], lines
    assert not [line for line in lines if line.lstrip().startswith("{")], lines
    assert not [line for line in lines if "Step " in line or "fontTools" in line], lines


def test_production_logs_stay_json_lines(tmp_path):
    lines = log_lines(
        tmp_path,
        DEBUG="false",
        SECRET_KEY="k" * 20 + "production-secret-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="localhost",
    )
    events = [json.loads(line) for line in lines]
    messages = [event["message"] for event in events]
    assert messages.count("Method Not Allowed (OPTIONS): /healthz") == 1, messages
    assert {"message": "assessment submitted", "assessment": 3}.items() <= events[-1].items()
    assert not [m for m in messages if m.startswith("Step ")], messages


@pytest.mark.django_db
def test_admin_pages_name_the_favicon_and_every_asset_they_link_exists(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/images/favicon\.svg"', html)
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html) + ["/favicon.ico"]:
        assert client.get(asset).status_code == 200, asset


# --- No paths of a developer's machine ------------------------------------------------------

MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|root|home|Users|tmp|mnt|opt/homebrew)/")
# Scratch files of the benchmark scripts, which are not part of the app; their owner can
# move them to tempfile.gettempdir() and drop these entries.
# Written without their leading slash, so that this file does not match itself.
ALLOWED = {
    ("benchmarks/bench_report.py", "tmp/report.pdf"),
    ("benchmarks/bench_report.py", "tmp/bench-report.sqlite3"),
    ("benchmarks/harness.py", "tmp/maturity-bench-"),
    ("benchmarks/profile_page.py", "tmp/profile.html"),
    ("benchmarks/profile_page.py", "tmp/maturity-bench-profile.sqlite3"),
}


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, text=True, timeout=30
    )
    if result.returncode != 0:
        pytest.skip(f"not a git checkout: {result.stderr.strip()}")
    return [name for name in result.stdout.split("\0") if name]


def test_no_committed_file_names_an_absolute_path_of_a_development_machine():
    found = []
    for name in tracked_files():
        path = PROJECT / name
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts: not text
        for number, line in enumerate(text.splitlines(), 1):
            for match in MACHINE_PATH.finditer(line):
                rest = line[match.start() + 1 :]
                if not any(name == file and rest.startswith(p) for file, p in ALLOWED):
                    found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
