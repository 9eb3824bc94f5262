"""Our pages and saves side by side with a Django peer and a static page, in one run.

Run: .venv/bin/python benchmarks/bench_peer.py [--setup] [--db sqlite|postgresql|both]
     [--rounds 3] [--seconds 15] [--save-seconds 15] [--writers 8]

The peer is django-survey-and-report (pinned in benchmarks/peer/requirements.txt) in a
venv of its own, benchmarks/peer/.venv: `--setup` makes it and stops, and a run makes it
first when it is missing; nothing is installed into the project's venv. Its minimal
project (benchmarks/peer/) is seeded with a 22 x 7 and a 15 x 5 radio survey whose
question texts come from our bank (read with PyYAML), one page each, answered anonymously.

For each database, ours and the peer's each in a fresh database of its own (SQLite files,
or the PostgreSQL databases maturity_bench and maturity_bench_peer on 127.0.0.1:5432; the
peer's DATABASES entry is made by our own database_config(), so it gets our SQLite
options), three servers run at once under the same gunicorn command (2 sync workers): ours
(seeded as bench_pages.py and bench_saves.py do), the peer, and static_page_wsgi.py
serving the bytes of our section page (the ceiling). Then, in --rounds rounds:

- pages: one wrk run (-t2 -c8 -d15s) per page in turn: our section page (22 questions,
  logged in), pipeline grid, results page and results.json, the peer's two survey pages,
  the static page;
- saves, 8 writers: ours as bench_saves.py's "own" variant (new accounts each round,
  revision checks kept), then the peer's POST of each survey, counted only on its 302 to
  the confirmation page; afterwards every acknowledged response is looked up with all its
  answers, and stored rows that no 302 acknowledged are counted.

It prints a Markdown table for each, with the medians of the rounds, server CPU per request
(the gunicorn processes' CPU time), the ratio to the static page, ours/peer, and the load
average at start and end. The machine is shared: every run prints who used the CPU, and
the tables' "others' cores" is the CPU that other processes took meanwhile (median of the
rounds); req/s taken beside others' work is low, CPU per request much less affected.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import types
from pathlib import Path

import bench_pages
import bench_saves
import harness
from peer import side

OUR_PAGES = ("section", "grid", "results", "results.json")
PEER_SURVEYS = ("22x7", "15x5")
PG_KINDS = ("postgres", "postgresql")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="make the peer's venv and stop")
    parser.add_argument("--db", choices=["sqlite", *PG_KINDS, "both"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15, help="length of each wrk run")
    parser.add_argument("--save-seconds", type=float, default=15, help="length of each save run")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.setup:
        side.setup_venv()
        return
    if args.child:
        args.db = "postgres" if args.db in PG_KINDS else args.db
        with harness.stop_on_sigterm():
            result = harness.in_scratch_database(args, "peer", measure)
        args.child.write_text(json.dumps(result))
        return

    side.ensure_venv()
    kinds = {"both": ["sqlite", "postgres"], "postgresql": ["postgres"]}.get(args.db, [args.db])
    passthrough = harness.strip_option(harness.strip_option(sys.argv[1:], "--db"), "--json")
    load_start = os.getloadavg()
    print(f"# bench_peer: {harness.now_stamp()}")
    print(f"machine: {harness.machine_description()}")
    print(f"peer: django-survey-and-report {side.installed_version()} in {side.VENV}")
    print(f"load average at start: {format_load(load_start)}", flush=True)
    results = harness.run_children(Path(__file__), kinds, passthrough)
    ok = report(results)
    load_end = os.getloadavg()
    print(
        f"\n{harness.now_stamp()}; load average (1, 5, 15 min) at start {format_load(load_start)}"
    )
    print(f"at end {format_load(load_end)}")
    if args.json:
        args.json.write_text(json.dumps({"load": [load_start, load_end], "results": results}))
    sys.exit(0 if ok else 1)


def format_load(load) -> str:
    return ", ".join(f"{value:.2f}" for value in load)


def measure(args, kind: str, url: str, tmp: Path) -> dict:
    env = harness.server_environment(url, tmp / "static")
    harness.setup_django(env)
    harness.quiet_app_logs()
    harness.migrate_and_load_bank()
    ours = bench_pages.seed(random.Random(args.seed))
    accounts = [bench_saves.seed(args.writers, ["own"])["own"] for _ in range(args.rounds)]
    harness.collectstatic(env)
    queries = {
        name: bench_pages.in_process(ours["owner"], ours["pages"][name][0], runs=1)["queries"]
        for name in OUR_PAGES
    }
    print(f"\n## {kind}: ours {url}", flush=True)
    peer_url = side.create_database(kind)
    try:
        peer_env = side.environment(peer_url)
        surveys = side.seed(peer_env, harness.bank_file(), list(PEER_SURVEYS))
        print(f"peer {peer_url}: " + ", ".join(f"{s['name']} from {s['section']}" for s in surveys))
        figures = run_servers(args, kind, env, ours, queries, accounts, peer_env, surveys, tmp)
    finally:
        side.drop_database(kind, peer_url)
    return {"db": kind, "date": harness.now_stamp(), "machine": harness.machine_description()} | {
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds:g}s",
        "rounds": args.rounds,
        "writers": args.writers,
        "save_seconds": args.save_seconds,
        **figures,
    }


def run_servers(args, kind, env, ours, queries, accounts, peer_env, surveys, tmp) -> dict:
    postgres = kind == "postgres"
    pages_dir = tmp / "pages"
    pages_dir.mkdir()
    logs = {name: tmp / f"{name}-gunicorn.log" for name in ("ours", "peer", "static")}
    with contextlib.ExitStack() as stack:
        our_server = stack.enter_context(
            harness.Gunicorn("maturity_site.wsgi:application", env, logs["ours"])
        )
        peer_server = stack.enter_context(side.server(peer_env, logs["peer"]))
        browser = harness.Browser(our_server.port)
        if browser.log_in(ours["owner"].email).status != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError("log-in to our app failed")
        cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}
        targets = []
        for name in OUR_PAGES:
            path, _, marker = ours["pages"][name]
            page = browser.get(path)
            bench_pages.check_page(name, page, marker)
            if name == "section":
                (pages_dir / "section").write_bytes(page.body)
                radios = harness.parse_section(page.text).questions.values()
                print(f"our section page: {sum(len(q.options) for q in radios)} radio buttons")
            target = {
                "side": "ours",
                "page": name,
                "bytes": len(page.body),
                "queries": queries[name],
            }
            targets.append((target, our_server, path, cookie))
        peer_browser = harness.Browser(peer_server.port)
        for survey in surveys:
            page = peer_browser.get(survey["path"])
            side.check_page(survey, page)
            target = {"side": "peer", "page": survey["name"], "bytes": len(page.body)}
            target["queries"] = survey["queries"]
            targets.append((target, peer_server, survey["path"], None))
        static_env = dict(env, BENCH_STATIC_PAGES=str(pages_dir))
        static = stack.enter_context(
            harness.Gunicorn(
                "static_page_wsgi:application",
                static_env,
                logs["static"],
                pythonpath=harness.BENCH_DIR,
            )
        )
        size = (pages_dir / "section").stat().st_size
        target = {"side": "static", "page": "section bytes", "bytes": size, "queries": 0}
        targets.append((target, static, "/section", None))
        pages = run_pages(args, targets, postgres)
        for name in OUR_PAGES:  # still logged in, same pages
            bench_pages.check_page(
                name, browser.get(ours["pages"][name][0]), ours["pages"][name][2]
            )
        browser.close()
        peer_browser.close()
        saves = run_saves(args, our_server, accounts, peer_server, peer_env, surveys, postgres)
    problems = {name: harness.server_log_problems(path) for name, path in logs.items()}
    for name, lines in problems.items():
        for line in lines[:5]:
            print(f"{name} server log: {line}")
    return {
        "pages": pages,
        "saves": saves,
        "log_problems": {k: len(v) for k, v in problems.items()},
    }


def run_pages(args, targets: list, postgres: bool) -> list[dict]:
    for round_index in range(args.rounds):
        print(f"\n### pages, round {round_index + 1} of {args.rounds}", flush=True)
        for target, server, path, headers in targets:
            options = {"threads": args.threads, "connections": args.connections, "headers": headers}
            if round_index == 0:  # warm-up: both workers load templates and caches
                harness.run_wrk(server.base_url + path, seconds=2, **options)
            with harness.CpuMeter(server.pids, postgres=postgres) as meter:
                result = harness.run_wrk(server.base_url + path, seconds=args.seconds, **options)
                meter.client_seconds = result["wrk_cpu_s"]
            result["cpu"] = meter.summary
            result["cpu_ms"] = cpu_ms(result, "requests_per_s")
            target.setdefault("runs", []).append(result)
            print(
                f"{target['side']:6} {target['page']:13} {result['requests_per_s']:8.1f} req/s  "
                f"p50 {result['p50_ms']:6.1f}  p99 {result['p99_ms']:6.1f} ms  "
                f"CPU {result['cpu_ms']:5.2f} ms/req  errors {result['errors'] or 0}\n"
                f"{'':21}{harness.describe_cpu(result['cpu'])}",
                flush=True,
            )
    return [target for target, *_ in targets]


def run_saves(args, our_server, accounts, peer_server, peer_env, surveys, postgres) -> list:
    ours = {"side": "ours", "variant": "own"}
    rows = [ours] + [{"side": "peer", "variant": s["name"]} for s in surveys]
    stored = {survey["name"]: 0 for survey in surveys}
    options = types.SimpleNamespace(seconds=args.save_seconds, follow=False)
    sections = harness.bank_sections()
    for round_index in range(args.rounds):
        print(f"\n### saves, round {round_index + 1} of {args.rounds}", flush=True)
        result = bench_saves.run_variant(
            options, "own", our_server, accounts[round_index], sections, postgres
        )
        check = result["check"]
        check["lost"] += check.pop("wrong_revision") + check.pop("wrong_answered_count")
        ours.setdefault("runs", []).append(result)
        for row, survey in zip(rows[1:], surveys, strict=True):
            result = side.run_saves(peer_server, survey, args.writers, args.save_seconds, postgres)
            acknowledged = result.pop("acknowledged")
            result["check"] = side.verify(peer_env, survey, acknowledged, stored[survey["name"]])
            stored[survey["name"]] = result["check"]["responses_stored"]
            row.setdefault("runs", []).append(result)
            latency, check = result["latency"], result["check"]
            print(
                f"peer {survey['name']}: {result['saves']} saves, {result['saves_per_s']} saves/s"
                f"; POST p50 {latency['p50_ms']} ms, p99 {latency['p99_ms']} ms; errors "
                f"{sum(result['errors'].values())} {result['errors'] or ''}; answers checked "
                f"{check['answers_checked']}, lost {check['lost']}, rows without a 302 "
                f"{check['unacknowledged_rows']}\n        {harness.describe_cpu(result['cpu'])}",
                flush=True,
            )
            for sample in result["error_samples"] + check["samples"]:
                print(f"        {sample}")
    return rows


def cpu_ms(run: dict, rate: str) -> float:
    """Server CPU milliseconds per request or save (the gunicorn processes' CPU time)."""
    return round(run["cpu"]["server_cores"] * 1000 / max(run[rate], 0.1), 2)


def median(runs: list[dict], key) -> float:
    return round(statistics.median(key(run) for run in runs), 2)


def report(results: list[dict]) -> bool:
    ok = True
    pages_table, saves_table = [], []
    for result in results:
        if "failed" in result:
            print(f"{result['db']}: FAILED (exit code {result['failed']})")
            ok = False
            continue
        database = "PostgreSQL" if result["db"] == "postgres" else "SQLite"
        pages = {(p["side"], p["page"]): p for p in result["pages"]}
        rps = {key: median(p["runs"], lambda r: r["requests_per_s"]) for key, p in pages.items()}
        static = rps[("static", "section bytes")]
        for key, page in pages.items():
            errors = sum(sum(run["errors"].values()) for run in page["runs"])
            ok = ok and not errors
            cpu = median(page["runs"], lambda r: r["cpu_ms"])
            versus = ""
            if key in (("ours", "section"), ("ours", "grid")):  # the same size as 22 x 7
                peer = pages[("peer", "22x7")]
                peer_cpu = median(peer["runs"], lambda r: r["cpu_ms"])
                versus = f"{rps[key] / rps[('peer', '22x7')]:.1f}× (CPU {peer_cpu / cpu:.1f}×)"
            pages_table.append(
                [
                    database,
                    *key,
                    f"{page['bytes'] / 1024:.1f}",
                    page["queries"],
                    rps[key],
                    median(page["runs"], lambda r: r["p50_ms"]),
                    median(page["runs"], lambda r: r["p99_ms"]),
                    f"{cpu:.2f}",
                    f"{rps[key] / static:.1%}",
                    versus,
                    errors,
                    median(page["runs"], lambda r: r["cpu"]["others_cores"]),
                    " / ".join(f"{run['requests_per_s']:g}" for run in page["runs"]),
                ]
            )
        saves = {(row["side"], row["variant"]): row for row in result["saves"]}
        per_s = {key: median(r["runs"], lambda r: r["saves_per_s"]) for key, r in saves.items()}
        for key, row in saves.items():
            errors = sum(sum(run["errors"].values()) for run in row["runs"])
            lost = sum(run["check"]["lost"] for run in row["runs"])
            unacknowledged = sum(run["check"].get("unacknowledged_rows", 0) for run in row["runs"])
            ok = ok and not errors and not lost
            versus = "" if key[0] == "ours" else f"{per_s[('ours', 'own')] / per_s[key]:.2f}×"
            saves_table.append(
                [
                    database,
                    *key,
                    row["runs"][0]["questions_per_save"],
                    per_s[key],
                    median(row["runs"], lambda r: r["latency"]["p50_ms"]),
                    median(row["runs"], lambda r: r["latency"]["p99_ms"]),
                    f"{median(row['runs'], lambda r: cpu_ms(r, 'saves_per_s')):.2f}",
                    errors,
                    lost,
                    unacknowledged,
                    versus,
                    median(row["runs"], lambda r: r["cpu"]["others_cores"]),
                    " / ".join(f"{run['saves_per_s']:g}" for run in row["runs"]),
                ]
            )
        if any(result["log_problems"].values()):
            print(f"{database}: server log problems {result['log_problems']}")
            ok = False
    first = next((r for r in results if "failed" not in r), None)
    if first:
        print(f"\n# Pages: wrk {first['wrk']}, {first['rounds']} interleaved round(s), medians\n")
    print(
        harness.markdown_table(
            [
                "database",
                "side",
                "page",
                "KiB",
                "queries",
                "req/s",
                "p50 ms",
                "p99 ms",
                "server CPU ms/req",
                "of static",
                "ours/peer 22×7",
                "errors",
                "others' cores",
                "req/s by round",
            ],
            pages_table,
        )
    )
    if first:
        print(
            f"\n# Saves: {first['writers']} writers, {first['save_seconds']:g} s per run, medians\n"
        )
    print(
        harness.markdown_table(
            [
                "database",
                "side",
                "variant",
                "answers/save",
                "saves/s",
                "p50 ms",
                "p99 ms",
                "server CPU ms/save",
                "errors",
                "lost",
                "rows without a 302",
                "ours/peer",
                "others' cores",
                "saves/s by round",
            ],
            saves_table,
        )
    )
    print("\nErrors, lost answers and server errors: " + ("none" if ok else "SOME (see above)"))
    return ok


if __name__ == "__main__":
    main()
