#!/usr/bin/env python
"""The benchmark: seed a million requests, serve them with gunicorn, measure.

    .venv/bin/python bench/run.py                     # everything (seeds once, then reuses)
    .venv/bin/python bench/run.py --requests 1000     # a quick smoke run
    .venv/bin/python bench/run.py --only search --output bench/results-search.md
    .venv/bin/python bench/run.py --only 'csv export'  # one download and its peak memory

It runs against PostgreSQL (``BENCH_DATABASE_URL``, default a ``crm_bench`` database on
127.0.0.1), never in the test suite. It prints one table and writes it, with the machine
and the date, to ``bench/results.md``. For the reads it also replays, through psycopg, the
exact SQL the application ran for one call, and prints our time over that floor.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
from pathlib import Path

import nodes
from download import download
from load import load, status_of
from probes import (
    captured_sql,
    floor,
    scan_timing,
    search_fields_seeded,
    seeded,
    session_cookie,
    token,
)
from report import report
from scenarios import scenarios
from server import ROOT, ensure_database, manage, setup_django, start_gunicorn, worker_rss_mb
from webhook_bench import deliveries_row, subscribed

TARGETS = {  # scenario -> p95 target in ms
    "service_requests/show": 25,
    "get_completed, 50 rows, offset 0": 40,
    "get_completed, 50 rows, offset 10000": 40,
    "service_requests/create": 50,
    "service_requests/respond": None,
    "queue page (Pending)": None,
    # Service levels (issue 12): the at-risk queue with its countdowns, and a customer's
    # requests filtered by sla_status, each with its sla object.
    "queue page (At risk)": 250,
    "list sla_status=AT_RISK,BREACHED, 50 rows": 150,
    # Search (issue 13): a mix of what people type, taken from the seeded rows (search_mix).
    "service_requests/search": 100,
    "jobs/search": None,
    "search page (header)": None,
    # The same mix asking only what a result list shows: the matching without the cost of
    # fifty whole objects (which get_completed pays as well).
    "service_requests/search, fields_set=id,number,life_cycle_state": None,
    # Reports and dashboard (issue 14), over every request (the admin sees them all).
    "dashboard page": 500,
    "reports summary (the 8 group_by in turn)": 500,
    "reports summary, open_only (the 8 group_by in turn)": 500,
    "reports aging (ungrouped, then the 8 group_by)": 500,
    "reports trend DAY, 30 days": 500,
    "reports trend WEEK, 1 year": 500,
    "reports sla_compliance WEEK, 12 weeks": 500,
    # The whole file once: its wall time (no target) and the worker's peak memory (below).
    "csv export (All requests, no filter)": None,
    # Working together (issue 15): writes with a row lock and an event, as create.
    "service_requests/comments/create": 50,
    "service_requests/comments/list": 25,
    "service_requests/create, Field Team round robin": 50,
    # Webhooks (issue 16): a creation writing a delivery for each of two subscriptions, as
    # fast as one without; the sender in-process against a local receiver, 50/s (20 ms each).
    "service_requests/create with 2 webhooks subscribed": 50,
    # Customer acceptance (contract section 12): the page a mailed link opens, no sign-in.
    "acceptance link page (GET)": 50,
}
# Scenarios that need something in place while they run (a context manager around them).
AROUND = {"service_requests/create with 2 webhooks subscribed": subscribed}
WEBHOOK_ROW = "webhook deliveries per second"
# Scenarios measured as one download read to its end (bench/download.py), with a target for
# the serving worker's peak resident memory in MB: streaming keeps it flat at any size.
DOWNLOADS = {"csv export (All requests, no filter)": 150}
# Pages and methods other work may not have finished yet: unless their first request
# answers 200 (a 404 while they are not there), they are skipped, with a note.
OPTIONAL = ("dashboard page", "reports ")
# The scenarios whose SQL the report replays through psycopg (the floor).
FLOORED = (
    "service_requests/show",
    "get_completed, 50 rows, offset 0",
    "get_completed, 50 rows, offset 10000",
    "service_requests/search",
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench"
        ),
    )
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=200_000)
    parser.add_argument("--count", type=int, default=400, help="requests per scenario")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated words: run only the scenarios whose name holds one of them "
        "(e.g. --only search; the beat scan is the scenario 'scan')",
    )
    return parser.parse_args()


def prepare(args: argparse.Namespace) -> list[str]:
    """The database migrated and seeded (once), Django set up here; what seeding took."""
    ensure_database(args.database_url)
    manage(args.database_url, "migrate", "--no-input", "-v0")
    # The demo's configuration brought up to date (idempotent): a database seeded before a
    # feature lacks what its scenarios use, such as the round-robin "Field Team" (issue 15).
    manage(args.database_url, "seed_demo", "-v0")
    setup_django(args.database_url)
    extra = []
    if not seeded(args.requests):
        started = time.perf_counter()
        manage(
            args.database_url, "bench_seed", f"--requests={args.requests}", f"--jobs={args.jobs}"
        )
        extra.append(
            f"Seeding {args.requests:,} requests and {args.jobs:,} jobs took "
            f"{time.perf_counter() - started:.0f} s (manage.py bench_seed)."
        )
    if not search_fields_seeded():
        # A database seeded before search (issue 13): e-mails, phones, description words.
        manage(args.database_url, "bench_seed", "--search-fields-only")
    return extra


def measure(
    plans: dict, args: argparse.Namespace, cookie: str
) -> tuple[list[dict], list[float], list[str]]:
    """Each planned scenario through gunicorn (after a warm-up): its row of the table, the
    web workers' resident memory at the end, and notes (downloads, skipped scenarios)."""
    floor_ms = {
        name: floor(captured_sql(plans[name][0][1]), args.database_url, 30)
        for name in FLOORED
        if name in plans
    }
    headers = {"Content-Type": "application/json", "Cookie": cookie}
    server = start_gunicorn(args.database_url, args.workers)
    rows, notes = [], []
    try:
        for name, requests in plans.items():
            status = status_of(requests[0], headers) if name.startswith(OPTIONAL) else 200
            if status != 200:
                path = requests[0][1].split("?")[0]
                notes.append(f"Skipped {name}: {path} answers {status}.")
                print(notes[-1], flush=True)
                continue
            if name in DOWNLOADS:
                row, note = download_row(name, requests[0][1], headers, server.pid)
            else:
                with AROUND.get(name, contextlib.nullcontext)():
                    row, note = load_row(name, requests, args.clients, headers), None
            rows.append({**row, "target": TARGETS.get(name), "floor": floor_ms.get(name)})
            notes += [note] if note else []
        return rows, worker_rss_mb(server.pid), notes
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def load_row(name: str, requests: list[tuple], clients: int, headers: dict) -> dict:
    load(requests[:20], min(2, clients), headers)  # warm up
    result = load(requests[20:] if len(requests) > 40 else requests, clients, headers)
    print(
        f"{name}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, {result['rps']:.0f}/s",
        flush=True,
    )
    return {"name": name, **result}


def download_row(name: str, path: str, headers: dict, master: int) -> tuple[dict, str]:
    """One download read to its end: its row (the wall time as p50 and p95) and a note with
    its size, speed and the serving worker's peak memory against its target."""
    got = download(path, headers, master)
    target = DOWNLOADS[name]
    met = "met" if got["peak_mb"] <= target else "**not met**"
    note = (
        f"{name}: {got['lines'] - 1:,} rows, {got['bytes'] / 1e6:.0f} MB in "
        f"{got['seconds']:.1f} s ({(got['lines'] - 1) / got['seconds']:,.0f} rows/s), first "
        f"byte after {got['first_byte'] * 1000:.0f} ms; web worker peak resident memory "
        f"{got['peak_mb']:.0f} MB ({got['peak_from']}; sampled {got['sampled_peak_mb']:.0f} MB; "
        f"{got['rss_before_mb']:.0f} MB before), target at most {target} MB: {met}."
    )
    print(note, flush=True)
    ms = got["seconds"] * 1000
    return {"name": name, "n": 1, "p50": ms, "p95": ms, "rps": 1 / got["seconds"]}, note


def scan_row() -> tuple[dict, str]:
    """The beat scan over 3,000 due requests, in this process: its row, and what it flagged."""
    scan_ms, flagged = scan_timing(3000)
    row = {
        "name": "beat scan, 3,000 due",
        "n": 1,
        "p50": scan_ms,
        "p95": scan_ms,
        "rps": 1000 / scan_ms,
        "target": 250,
        "floor": None,
    }
    return row, f"The scan flagged {flagged}."


def main() -> None:
    args = arguments()
    extra = prepare(args)
    only = [word.strip() for word in args.only.split(",") if word.strip()]
    plans = {
        name: build()
        for name, build in scenarios(token(), args.count).items()
        if not only or any(word in name for word in only)
    }
    # Nothing to serve on the usual port when only the beat scan or the two nodes run.
    rows, rss, notes = measure(plans, args, session_cookie()) if plans else ([], [], [])
    extra += notes
    if not only or any(word in "beat scan" for word in only):
        row, flagged = scan_row()
        rows.append(row)
        extra.append(flagged)
    if not only or any(word in WEBHOOK_ROW for word in only):
        row, note = deliveries_row(1000)
        rows.append(row)
        extra.append(note)
    if not only or any(word in nodes.NAME for word in only):
        found, notes = nodes.two_nodes(args.database_url, args.workers, token(), args.count)
        rows += [{**row, "target": None, "floor": None} for row in found]
        extra += notes
    if rss:
        extra.append(
            f"Resident memory per web worker after the run: "
            f"{', '.join(f'{mb:.0f} MB' for mb in rss)} (target: at most 150 MB)."
        )
    extra.append(
        f"{args.workers} gunicorn workers x 2 threads, {args.clients} client processes "
        f"on the same machine, over loopback; PostgreSQL on the same machine."
    )
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    text = report(rows, extra, command.strip())
    print(text)
    Path(args.output).write_text(text)


if __name__ == "__main__":
    main()
