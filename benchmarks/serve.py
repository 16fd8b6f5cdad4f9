"""`make bench`: reader pages served as in production, against Django's own floor.

    .venv/bin/python benchmarks/serve.py [--content shipped|10x] [--seconds 10] [--wagtail]

Loads content into a throwaway SQLite database, then starts two gunicorn servers with the
site's gunicorn settings (config/gunicorn.py, the same worker count): the site, and the floor,
the smallest Django project there is (benchmarks/floor.py: one "Hello, world." view, no
middleware, no database). wrk (Debian's package) loads each page for a fixed time with 10
connections, as a browser asks (Accept-Encoding: gzip, deflate, br), after a warm-up that fills
every worker's page cache. The table gives requests per second, median and 99th-percentile
latency, answers with another status than expected, and the ratio to the floor, measured in
the same run just before and just after the page (the average of the two): the machine is
shared and noisy, so the ratios are what to compare. "Cache miss" is the server time of the
page when it is not cached (Django's test client in this process, median of 5, the page cache
emptied before each).

With --content 10x the database holds ten copies of content/ (manage.py generate_content):
20 articles, 520 nodes, 1,008 arrows, 670 references; the time load_content took is printed.
With --wagtail a stock Wagtail 8 site (its own virtualenv in .bench/, set up on first use) is
served the same way and its home page measured too.

The table is also written into docs/benchmarks.md (--record - to skip that).
"""

import argparse
import datetime
import json
import logging
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK_SCRIPT = ROOT / "benchmarks" / "wrk.lua"
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.py"
WAGTAIL_DIR = ROOT / ".bench" / "wagtail"
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br"}
HX = {"HX-Request": "true"}
ARTICLE = "/articles/long-term-hormonal-adaptations"
TIERS = ("fundamentals", "intermediate", "academic")


@dataclass
class Page:
    label: str
    path: str
    headers: dict = field(default_factory=dict)
    status: int = 200
    kind: str = "article"  # article (home and articles), explorer, floor or other
    result: dict = field(default_factory=dict)
    floor_rps: float = 0.0  # the floor's requests/s, just before and after this page
    cold_ms: float | None = None
    size: int | None = None


def site_pages():
    pages = [Page("Home", "/")]
    for tier in TIERS:
        pages.append(Page(f"Article, {tier}", f"{ARTICLE}/{tier}/"))
        pages.append(Page(f"Article, {tier}, htmx swap", f"{ARTICLE}/{tier}/", HX))
    pages += [
        Page("Explorer", "/explorer/", kind="explorer"),
        Page("Node", "/explorer/ampk/", kind="explorer"),
        Page("Node, htmx swap", "/explorer/ampk/academic/", HX, kind="explorer"),
        Page(
            "Paths, with a chain",
            "/explorer/paths/?from=hiit&to=insulin-sensitivity&chain=2",
            kind="explorer",
        ),
        Page("Compare", "/explorer/compare/", kind="explorer"),
        Page("Node preview (htmx)", "/explorer/ampk/preview/", HX, kind="explorer"),
        Page("Page not found (404)", "/no-such-page/", status=404, kind="other"),
        Page("Hello view, this site's middleware", "/bench/hello/", kind="other"),
    ]
    return pages


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command, env, cwd=ROOT):
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


class Server:
    """A gunicorn with the site's settings, on a free port, its log in `log`."""

    def __init__(self, name, app, env, log, cwd=ROOT, gunicorn=BIN / "gunicorn"):
        self.name, self.port = name, free_port()
        env = env | {"EXERCISE_SIGNALS_BIND": f"127.0.0.1:{self.port}"}
        command = [str(gunicorn), "--config", str(GUNICORN_CONFIG), app]
        self.log = open(log, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT
        )

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, path="/", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped at start; see {self.log.name}")
            try:
                urllib.request.urlopen(self.url(path), timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer within {timeout} s; see {self.log.name}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def load(server, page, seconds, connections):
    """wrk's figures for `page`: requests/s, p50 and p99 in ms, unexpected statuses."""
    command = [
        "wrk",
        "--threads=1",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={WRK_SCRIPT}",
    ]
    for name, value in (BROWSER_HEADERS | page.headers).items():
        command += ["--header", f"{name}: {value}"]
    command.append(server.url(page.path))
    env = os.environ | {"BENCH_EXPECTED_STATUS": str(page.status)}
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    figures = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50": figures["p50_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "wrong": figures["unexpected"] + figures["socket_errors"],
    }


def prepare_database(content, env, workdir):
    """Migrate and load content; returns how long load_content took, in seconds."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    run([*manage, "migrate", "--noinput"], env)
    content_dir = ROOT / "content"
    if content == "10x":
        content_dir = workdir / "content-10x"
        run([*manage, "generate_content", str(content_dir), "--times", "10"], env)
    started = time.perf_counter()
    run([*manage, "load_content", "--content-dir", str(content_dir)], env)
    seconds = time.perf_counter() - started
    run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env)
    return seconds


def cold_times(pages, env, repeat=5):
    """Each page's server time with the page cache emptied before each request, in this
    process (no network), and the size of what a browser is sent."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client(headers=BROWSER_HEADERS)
    logging.disable(logging.WARNING)  # "Not Found: /no-such-page/", each time
    for page in pages:
        response = client.get(page.path, headers=page.headers)
        assert response.status_code == page.status, (page.path, response.status_code)
        page.size = len(response.content)
        times = []
        for _ in range(repeat):
            cache.clear()
            started = time.perf_counter()
            client.get(page.path, headers=page.headers)
            times.append(time.perf_counter() - started)
        page.cold_ms = statistics.median(times) * 1000


def environment_without_settings():
    """This process's environment less any Django or database settings, which each server
    is given its own of."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_"))
    }


def wagtail_server(workdir):
    """A stock Wagtail 8 site in .bench/wagtail (made on first use), served like ours."""
    venv, site = WAGTAIL_DIR / "venv", WAGTAIL_DIR / "site"
    python = venv / "bin" / "python"
    if not (venv / "bin" / "wagtail").exists():
        print("Setting up a stock Wagtail 8 site in .bench/wagtail (first use only)…")
        shutil.rmtree(WAGTAIL_DIR, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "wagtail>=8,<9", "gunicorn"]
        installed = subprocess.run(pip, capture_output=True, text=True)
        if installed.returncode:
            shutil.rmtree(WAGTAIL_DIR, ignore_errors=True)
            raise SystemExit(f"Installing Wagtail failed:\n{installed.stderr[-2000:]}")
    if not (site / "manage.py").exists():
        site.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(venv / "bin" / "wagtail"), "start", "stock", str(site)], check=True)
        (site / "stock" / "settings" / "local.py").write_text(
            f'SECRET_KEY = "{secrets.token_urlsafe(40)}"\nALLOWED_HOSTS = ["127.0.0.1"]\n'
        )
    env = environment_without_settings() | {"DJANGO_SETTINGS_MODULE": "stock.settings.production"}
    run([str(python), "manage.py", "migrate", "--noinput"], env, cwd=site)
    run([str(python), "manage.py", "collectstatic", "--noinput", "-v", "0"], env, cwd=site)
    return Server(
        "Wagtail",
        "stock.wsgi",
        env,
        workdir / "wagtail.log",
        cwd=site,
        gunicorn=venv / "bin" / "gunicorn",
    )


TIMES = "\N{MULTIPLICATION SIGN}"
NONE = "\N{EN DASH}"
COLUMNS = (
    "Page", "Requests/s", "p50 ms", "p99 ms", "Wrong status", f"{TIMES} floor", "Cache miss ms",
    "Sent KB",
)  # fmt: skip


def ratio(page):
    return page.result["rps"] / page.floor_rps


def table(pages):
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---" + "|---:" * (len(COLUMNS) - 1) + "|"]
    for page in pages:
        result = page.result
        cells = [
            page.label,
            f"{result['rps']:,.0f}",
            f"{result['p50']:.1f}",
            f"{result['p99']:.1f}",
            str(result["wrong"]),
            f"{ratio(page):.2f}{TIMES}",
            f"{page.cold_ms:.1f}" if page.cold_ms is not None else NONE,
            f"{page.size / 1024:.1f}" if page.size is not None else NONE,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdicts(pages, wagtail, content, load_seconds):
    """The issue's targets, each with whether this run met it. The explorer's size is a
    target for the shipped map (ten times the map is ten times the page); the load time, for
    ten times the content."""
    cached = [page for page in pages if page.kind in ("article", "explorer")]
    articles = [page for page in pages if page.kind == "article"]
    explorer = [page for page in pages if page.kind == "explorer"]
    worst_article = min(ratio(page) for page in articles)
    worst_explorer = min(ratio(page) for page in explorer)
    worst_p99 = max(page.result["p99"] for page in cached)
    wrong = sum(page.result["wrong"] for page in pages)
    explorer_kb = next(page.size for page in pages if page.path == "/explorer/") / 1024
    lines = [
        (
            f"Home and articles \N{GREATER-THAN OR EQUAL TO} 0.6{TIMES} the floor",
            worst_article >= 0.6,
            f"lowest {worst_article:.2f}{TIMES}",
        ),
        (
            f"Explorer pages \N{GREATER-THAN OR EQUAL TO} 0.3{TIMES} the floor",
            worst_explorer >= 0.3,
            f"lowest {worst_explorer:.2f}{TIMES}",
        ),
        (
            "p99 \N{LESS-THAN OR EQUAL TO} 20 ms on every cached page",
            worst_p99 <= 20,
            f"highest {worst_p99:.1f} ms",
        ),
        ("No unexpected status", wrong == 0, f"{wrong}"),
    ]
    if content == "10x":
        lines.append(
            (
                "load_content of ten times the content \N{LESS-THAN OR EQUAL TO} 10 s",
                load_seconds <= 10,
                f"{load_seconds:.1f} s",
            )
        )
    if content == "shipped":
        lines.append(
            (
                "Explorer page \N{LESS-THAN OR EQUAL TO} 30 KB sent",
                explorer_kb <= 30,
                f"{explorer_kb:.1f} KB",
            )
        )
    if wagtail:  # compared as ratios to the floor, each measured beside its own floor runs
        lowest = min(ratio(page) for page in articles) / ratio(wagtail)
        lines.append(
            (
                f"Home and articles \N{GREATER-THAN OR EQUAL TO} 10{TIMES} stock Wagtail",
                lowest >= 10,
                f"lowest {lowest:.1f}{TIMES}",
            )
        )
    return "\n".join(
        f"- {'met' if met else 'NOT MET'}: {name} ({detail})" for name, met, detail in lines
    )


def record(path, content, text):
    """Replace this content set's section of docs/benchmarks.md (between its markers)."""
    begin, end = f"<!-- bench:{content} -->", f"<!-- /bench:{content} -->"
    document = path.read_text(encoding="utf-8") if path.exists() else ""
    section = f"{begin}\n{text}\n{end}"
    if begin in document and end in document:
        pattern = re.escape(begin) + r".*?" + re.escape(end)
        document = re.sub(pattern, lambda _: section, document, flags=re.S)
    else:
        document = document.rstrip("\n") + f"\n\n{section}\n"
    path.write_text(document, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", choices=("shipped", "10x"), default="shipped")
    parser.add_argument("--seconds", type=int, default=10, help="per page (default 10)")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--wagtail", action="store_true", help="also measure stock Wagtail 8")
    parser.add_argument("--record", default="docs/benchmarks.md", help="or - for none")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run `make bench`, or apt-get install -y wrk")

    floor_seconds = max(1, args.seconds // 2)
    workdir = Path(tempfile.mkdtemp(prefix="exercise-signals-bench-"))
    env = environment_without_settings() | {
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "PYTHONPATH": str(ROOT),
    }
    print(f"Preparing the {args.content} content in {workdir}…", flush=True)
    load_seconds = prepare_database(args.content, env, workdir)
    print(f"load_content: {load_seconds:.1f} s", flush=True)

    pages = site_pages()
    floor = Page("Floor: bare Django hello view", "/", kind="floor")
    site = Server("The site", "config.wsgi", env, workdir / "site.log")
    bare = Server("The floor", "benchmarks.floor", env, workdir / "floor.log")
    wagtail = Page("Stock Wagtail 8 home page", "/", kind="other") if args.wagtail else None
    wagtail_site = wagtail_server(workdir) if args.wagtail else None
    servers = [site, bare, *([wagtail_site] if wagtail_site else [])]
    try:
        for server in servers:
            server.wait()
        workers = subprocess.run(
            ["pgrep", "-P", str(site.process.pid)], capture_output=True, text=True
        ).stdout.split()
        print(
            f"Serving with gunicorn, {len(workers)} sync workers each; wrk, "
            f"{args.connections} connections, {args.seconds} s a page.",
            flush=True,
        )
        measured = [(bare, floor), *((site, page) for page in pages)]
        if wagtail:
            measured.append((wagtail_site, wagtail))
        for server, page in measured:  # fill every worker's caches
            load(server, page, 1, args.connections)
        # The floor is measured between every two pages, and each page is compared with the
        # floor just before and just after it: figures taken under the same load on the
        # machine, seconds apart.
        floors = [load(bare, floor, floor_seconds, args.connections)]
        for server, page in measured[1:]:
            page.result = load(server, page, args.seconds, args.connections)
            floors.append(load(bare, floor, floor_seconds, args.connections))
            page.floor_rps = statistics.mean(run["rps"] for run in floors[-2:])
            print(f"  {page.label}: {ratio(page):.2f}{TIMES} the floor", flush=True)
    finally:
        for server in servers:
            server.stop()
    floor.result = {
        name: statistics.mean(run[name] for run in floors) for name in ("rps", "p50", "p99")
    } | {"wrong": sum(run["wrong"] for run in floors)}
    floor.floor_rps = floor.result["rps"]
    lowest, highest = min(run["rps"] for run in floors), max(run["rps"] for run in floors)

    cold_times(pages, env)
    rows = [floor, *pages, *([wagtail] if wagtail else [])]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "make bench" + (" CONTENT=10x" if args.content == "10x" else "")
    command += " WAGTAIL=1" if args.wagtail else ""
    text = "\n".join(
        [
            f"Run {when} with `{command}` on {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}: gunicorn, {len(workers)} sync workers; wrk, "
            f"{args.connections} connections, {args.seconds} s a page, between two "
            f"{floor_seconds} s runs of the floor. Floor {floor.floor_rps:,.0f} "
            f"requests/s on average ({lowest:,.0f} to {highest:,.0f}). load_content: "
            f"{load_seconds:.1f} s.",
            "",
            table(rows),
            "",
            verdicts(pages, wagtail, args.content, load_seconds),
        ]
    )
    print()
    print(text)
    if args.record != "-":
        record(ROOT / args.record, args.content, text)
        print(f"\nWritten into {args.record}.")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
