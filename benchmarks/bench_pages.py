"""Throughput and latency of the main pages, logged in, under gunicorn with 2 sync workers.

Run: .venv/bin/python benchmarks/bench_pages.py [--db sqlite|postgres|both|env] [--seconds 15]

For each database (a scratch SQLite file under /tmp, the scratch PostgreSQL database
`maturity_bench`, or DATABASE_URL with --db env) it loads the question bank with
`load_question_bank`, seeds through the app's services an organisation with a fully
answered draft and two submitted assessments (so the results page compares them), collects
the static files into a temporary STATIC_ROOT, starts gunicorn (DEBUG off) on 127.0.0.1,
logs in, and runs `wrk -t2 -c8 -d15s --latency` with the session cookie against:

- the largest questionnaire section, and the pipeline grid (draft, every answer filled in);
- the results page and results.json of the latest submitted assessment.

Each page is followed by the same wrk run against a plain WSGI app
(benchmarks/static_page_wsgi.py, same gunicorn command) that returns the saved bytes of
that page: the ratio says how much of the machine's plain serving capacity Django keeps.
Before the HTTP runs, each page is also rendered in-process (Django test client) to count
its queries and time the view alone.

Targets (section and grid pages): >= 400 requests/s, and >= 10 % of the static baseline.
wrk shares the CPUs with the server, and other people's processes may too: the CPU meter
prints who used the cores during each run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import harness

TARGET_RPS = 400
TARGET_RATIO = 0.10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.add_db_argument(parser)
    parser.add_argument("--seconds", type=float, default=15, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--pages",
        default="section,grid,results,results.json",
        help="comma-separated subset of: section, grid, results, results.json",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the static baseline")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        with harness.stop_on_sigterm():
            result = harness.in_scratch_database(args, "pages", measure)
        args.child.write_text(json.dumps(result))
        return

    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    passthrough = harness.strip_option(sys.argv[1:], "--db")
    passthrough = harness.strip_option(passthrough, "--json")
    print(f"# bench_pages: {harness.now_stamp()}")
    print(f"machine: {harness.machine_description()}")
    results = harness.run_children(Path(__file__), kinds, passthrough)
    ok = report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
        print(f"figures written to {args.json}")
    sys.exit(0 if ok else 1)


def seed(rng: random.Random) -> dict:
    from assessment import services

    email = f"pages-{time.time_ns():x}@bench.example"  # unique, for --db env re-runs
    with harness.fast_seed_hashing():
        owner = harness.create_respondent(email, "Bench Pages Ltd")
    previous = harness.start_assessment(owner, "MLOps maturity 2025")
    harness.answer_all(previous, owner, rng)
    services.submit_assessment(assessment=previous, user=owner)
    current = harness.start_assessment(owner, "MLOps maturity 2026")
    harness.answer_all(current, owner, rng)
    services.submit_assessment(assessment=current, user=owner)
    draft = harness.start_assessment(owner, "MLOps maturity 2027 (draft)")
    harness.answer_all(draft, owner, rng)

    sections = harness.bank_sections()
    questionnaire = [s for s in sections if s.layout != "grid"]
    largest = max(questionnaire, key=lambda s: len(harness.section_questions(s)))
    grid = next((s for s in sections if s.layout == "grid"), None)
    pages = {
        "section": (
            f"/assessments/{draft.pk}/sections/{largest.slug}/",
            f"section '{largest.slug}', {len(harness.section_questions(largest))} questions",
            largest.title,
        ),
        "results": (
            f"/assessments/{current.pk}/results/",
            "results page (submitted, compared with the previous one)",
            current.title,
        ),
        "results.json": (
            f"/assessments/{current.pk}/results.json",
            "results.json (submitted)",
            '"bank_version"',
        ),
    }
    if grid is not None:
        pages["grid"] = (
            f"/assessments/{draft.pk}/sections/{grid.slug}/",
            f"grid '{grid.slug}', {len(harness.section_questions(grid))} questions",
            grid.title,
        )
    return {"owner": owner, "pages": pages}


def in_process(owner, path: str, runs: int = 25) -> dict:
    """Queries and view time of one page rendered in this process (no HTTP, no gunicorn)."""
    from django.test import Client

    client = Client(SERVER_NAME=harness.HOST)
    client.force_login(owner)
    client.get(path)  # warm the bank-structure cache and the template loaders
    with harness.QueryCounter() as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "queries": queries.count,
        "view_ms_median": round(statistics.median(timings), 1),
        "bytes": len(response.content),
    }


def measure(args, kind: str, url: str, tmp: Path) -> dict:
    static_root = tmp / "static"
    env = harness.server_environment(url, static_root)
    harness.setup_django(env)
    harness.quiet_app_logs()
    harness.migrate_and_load_bank()
    seeded = seed(random.Random(args.seed))
    wanted = [p.strip() for p in args.pages.split(",") if p.strip()]
    pages = {name: seeded["pages"][name] for name in wanted if name in seeded["pages"]}

    print(f"\n## {kind}: {url}", flush=True)
    harness.collectstatic(env)
    view_costs = {name: in_process(seeded["owner"], path) for name, (path, _, _) in pages.items()}

    postgres = harness.uses_postgres(url)
    pages_dir = tmp / "pages"
    pages_dir.mkdir()
    log_path = tmp / "gunicorn.log"
    rows = []
    with harness.Gunicorn("maturity_site.wsgi:application", env, log_path) as server:
        browser = harness.Browser(server.port)
        login = browser.log_in(seeded["owner"].email)
        if login.status != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError(f"log-in failed: {login.status}")
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        for name, (path, _, marker) in pages.items():
            page = browser.get(path)
            check_page(name, page, marker)
            (pages_dir / name).write_bytes(page.body)
        static_env = dict(env, BENCH_STATIC_PAGES=str(pages_dir))
        with harness.Gunicorn(
            "static_page_wsgi:application",
            static_env,
            tmp / "static-gunicorn.log",
            pythonpath=harness.BENCH_DIR,
        ) as baseline:
            for name, (path, description, marker) in pages.items():
                row = {"page": name, "path": path, "description": description}
                row.update(view_costs[name])
                row["app"] = wrk_run(args, server, path, cookie, postgres=postgres)
                check_page(name, browser.get(path), marker)  # still logged in, same page
                if not args.no_baseline:
                    row["static"] = wrk_run(args, baseline, f"/{name}", None, postgres=postgres)
                    row["ratio"] = round(
                        row["app"]["requests_per_s"] / row["static"]["requests_per_s"], 3
                    )
                rows.append(row)
                print_row(row, flush=True)
        browser.close()
    problems = harness.server_log_problems(log_path)
    for line in problems[:10]:
        print(f"server log: {line}")
    return {
        "db": kind,
        "database": kind if kind != "env" else url.split("://", 1)[0],
        "date": harness.now_stamp(),
        "machine": harness.machine_description(),
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds:g}s --latency",
        "rows": rows,
        "server_log_problems": len(problems),
    }


def check_page(name: str, page: harness.Response, marker: str) -> None:
    if page.status != 200 or marker not in page.text:
        raise RuntimeError(f"{name}: expected 200 with {marker!r}, got {page.status}")


def wrk_run(
    args, server: harness.Gunicorn, path: str, cookie: str | None, *, postgres: bool
) -> dict:
    headers = {"Cookie": cookie} if cookie else None
    url = server.base_url + path
    # Short warm-up: both workers load templates and the bank structure before measuring.
    harness.run_wrk(
        url, seconds=2, threads=args.threads, connections=args.connections, headers=headers
    )
    with harness.CpuMeter(server.pids, postgres=postgres) as meter:
        result = harness.run_wrk(
            url,
            seconds=args.seconds,
            threads=args.threads,
            connections=args.connections,
            headers=headers,
        )
        meter.client_seconds = result["wrk_cpu_s"]
    result["cpu"] = meter.summary
    return result


def print_row(row: dict, flush: bool = False) -> None:
    app = row["app"]
    line = (
        f"{row['page']:13} {row['bytes'] / 1024:6.1f} KiB  {row['queries']:2d} queries  "
        f"view {row['view_ms_median']:6.1f} ms | {app['requests_per_s']:7.1f} req/s  "
        f"p50 {app['p50_ms']:6.1f} ms  p95 {app['p95_ms']:6.1f} ms  p99 {app['p99_ms']:6.1f} ms"
    )
    if app["errors"]:
        line += f"  ERRORS {app['errors']}"
    if "static" in row:
        line += f" | static {row['static']['requests_per_s']:7.1f} req/s, ratio {row['ratio']:.1%}"
    print(line, flush=flush)
    print(
        f"{'':13} server CPU {cpu_per_request(app)} ms per request; during the run: "
        f"{harness.describe_cpu(app['cpu'])}",
        flush=flush,
    )


def cpu_per_request(run: dict) -> float:
    """Server CPU time per request: steadier than req/s when other processes take cores."""
    return round(run["cpu"]["server_cores"] * 1000 / max(run["requests_per_s"], 0.1), 1)


def report(results: list[dict]) -> bool:
    ok = True
    print("\n# Summary\n")
    header = [
        "database",
        "page",
        "KiB",
        "queries",
        "view ms (in-process)",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "server CPU ms/req",
        "static req/s",
        "ratio",
        "CPU: busy / server / postgres / wrk / others (cores)",
        "target",
    ]
    table = []
    for result in results:
        if "failed" in result:
            print(f"{result['db']}: FAILED (exit code {result['failed']})")
            ok = False
            continue
        for row in result["rows"]:
            app, cpu = row["app"], row["app"]["cpu"]
            target = ""
            if row["page"] in ("section", "grid"):
                met = app["requests_per_s"] >= TARGET_RPS and (
                    "ratio" not in row or row["ratio"] >= TARGET_RATIO
                )
                target = "met" if met else "NOT met"
                ok = ok and met
            if app["errors"]:
                ok = False
            table.append(
                [
                    result["database"],
                    row["page"],
                    f"{row['bytes'] / 1024:.1f}",
                    row["queries"],
                    row["view_ms_median"],
                    app["requests_per_s"],
                    app["p50_ms"],
                    app["p95_ms"],
                    app["p99_ms"],
                    sum(app["errors"].values()),
                    cpu_per_request(app),
                    row["static"]["requests_per_s"] if "static" in row else "",
                    f"{row['ratio']:.1%}" if "ratio" in row else "",
                    f"{cpu['machine_busy_cores']} / {cpu['server_cores']} / "
                    f"{cpu['postgres_cores']} / {cpu['client_cores']} / {cpu['others_cores']}",
                    target,
                ]
            )
        if result.get("server_log_problems"):
            print(f"{result['db']}: {result['server_log_problems']} server log problem(s)")
            ok = False
    print(harness.markdown_table(header, table))
    print(
        f"\nTargets for the section and grid pages: >= {TARGET_RPS} req/s and >= "
        f"{TARGET_RATIO:.0%} of the static baseline; no errors. Overall: "
        + ("met" if ok else "NOT met")
    )
    return ok


if __name__ == "__main__":
    main()
