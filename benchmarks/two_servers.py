"""`make load-test`: two app servers, one PostgreSQL, one Redis, loaded together for a minute.

    .venv/bin/python benchmarks/two_servers.py [--seconds 60] [--connections 50]

The set-up the README's deployment section describes, on one machine: a throwaway PostgreSQL
and redis-server (Debian's packages, tests/services.py), `migrate` and `load_content` run once,
then two gunicorn servers with the production settings and config/gunicorn.py. wrk loads both
at once, half the connections each, every connection walking through the reader pages
(benchmarks/mixed.lua; /healthz is left out: a load balancer asks for it every few seconds,
and each time it opens a database connection of its own). Only 127.0.0.1 is contacted, and
the run is bounded: at most 60 s and 50 connections. Then Django's bare hello view (the floor
of `make bench`) is loaded for up to 10 s with as many connections, as the baseline. It prints
requests per second, latency and every answer that was not a 2xx, exits with status 1 if there
was any, and writes the figures into docs/benchmarks.md (--record - to skip that).
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from serve import (  # noqa: E402
    ROOT,
    Server,
    environment_without_settings,
    prepare_database,
    record,
)

from tests.services import PostgresServer, RedisServer  # noqa: E402

MAX_SECONDS, MAX_CONNECTIONS = 60, 50
ARTICLE = "/articles/long-term-hormonal-adaptations"
PATHS = [
    "/",
    *(f"{ARTICLE}/{tier}/" for tier in ("fundamentals", "intermediate", "academic")),
    "/articles/exercise-and-metabolic-health/fundamentals/",
    "/explorer/",
    "/explorer/ampk/",
    "/explorer/ampk/academic/",
    "/explorer/paths/?from=hiit&to=insulin-sensitivity&chain=2",
    "/explorer/compare/",
    "/explorer/walks/",
]


def load(server, seconds, connections, paths=PATHS):
    command = ["wrk", "--threads=1", f"--connections={connections}", f"--duration={seconds}s"]
    command += ["--timeout=10s", f"--script={HERE / 'mixed.lua'}", server.url("/")]
    return subprocess.Popen(
        command,
        env=os.environ | {"PATHS": "\n".join(paths)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def figures(wrk):
    out, err = wrk.communicate(timeout=MAX_SECONDS + 60)
    if wrk.returncode != 0:
        raise SystemExit(f"wrk failed:\n{err}")
    return json.loads(next(line for line in out.splitlines() if line.startswith("{")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=MAX_SECONDS)
    parser.add_argument("--connections", type=int, default=MAX_CONNECTIONS)
    parser.add_argument("--record", default="docs/benchmarks.md", help="or - for none")
    args = parser.parse_args()
    if not (1 <= args.seconds <= MAX_SECONDS and 2 <= args.connections <= MAX_CONNECTIONS):
        parser.error(f"at most {MAX_SECONDS} s and {MAX_CONNECTIONS} connections (at least 2)")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run `make load-test`, or apt-get install -y wrk")

    workdir = Path(tempfile.mkdtemp(prefix="exercise-signals-load-"))
    postgres, redis = PostgresServer(), RedisServer()
    servers = []
    try:
        postgres.start()
        redis.start()
        env = environment_without_settings() | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": postgres.create_database(),
            "REDIS_URL": redis.url,
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "PYTHONPATH": str(ROOT),
        }
        print(f"PostgreSQL on :{postgres.port}, Redis on :{redis.port}; loading content…")
        prepare_database("shipped", env, workdir)
        servers = [Server(name, "config.wsgi", env, workdir / f"{name}.log") for name in "AB"]
        for server in servers:
            server.wait()
            for path in PATHS:  # fill the shared cache before the clock starts
                with urllib.request.urlopen(server.url(path), timeout=30) as answer:
                    answer.read()
        each = args.connections // 2
        workers = subprocess.run(
            ["pgrep", "-P", str(servers[0].process.pid)], capture_output=True, text=True
        ).stdout.count("\n")
        print(f"wrk: {args.seconds} s, {each} connections on each of 2 servers, {len(PATHS)} pages")
        runs = [load(server, args.seconds, each) for server in servers]
        results = [figures(run) for run in runs]
        for server in servers:
            server.stop()
        # The baseline, right after, on the same machine: Django's bare hello view under the
        # same gunicorn settings, with as many connections.
        floor = Server("The floor", "benchmarks.floor", env, workdir / "floor.log")
        servers = [floor]
        floor.wait()
        floor_seconds = min(args.seconds, 10)
        floor_result = figures(load(floor, floor_seconds, args.connections, paths=["/"]))
    finally:
        for server in servers:
            server.stop()
        redis.remove()
        postgres.remove()
        shutil.rmtree(workdir, ignore_errors=True)

    total = sum(result["requests"] for result in results)
    seconds = max(result["duration_us"] for result in results) / 1e6
    wrong = sum(result["not_2xx"] + result["socket_errors"] for result in results)
    lines = [
        f"  server {name}: {result['requests']:,} requests, "
        f"{result['requests'] / (result['duration_us'] / 1e6):,.0f}/s, "
        f"p50 {result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms, "
        f"max {result['max_us'] / 1000:.0f} ms, not 2xx {result['not_2xx']}, "
        f"socket errors {result['socket_errors']}"
        for name, result in zip("AB", results, strict=True)
    ]
    floor_rate = floor_result["requests"] / (floor_result["duration_us"] / 1e6)
    lines.append(
        f"Both: {total:,} requests in {seconds:.1f} s, {total / seconds:,.0f}/s; not 2xx: {wrong}"
    )
    lines.append(
        f"Floor (bare Django hello view, one server, {args.connections} connections, "
        f"{floor_seconds} s): {floor_rate:,.0f}/s; both servers together: "
        f"{total / seconds / floor_rate:.2f}\N{MULTIPLICATION SIGN} the floor"
    )
    print("\n".join(lines))
    if args.record != "-":
        when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        text = (
            f"`make load-test`, {when}: {args.seconds} s, {each} connections on each of two "
            f"gunicorn servers ({workers} workers each), one PostgreSQL, one Redis, "
            f"{len(PATHS)} pages in turn; {os.cpu_count()} cores, shared with wrk, PostgreSQL "
            "and Redis.\n\n```\n" + "\n".join(lines) + "\n```"
        )
        record(ROOT / args.record, "two-servers", text)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
