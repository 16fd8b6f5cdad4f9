"""`make bench` end to end, briefly: both servers start, every page is loaded, the table is
printed and recorded. (The figures themselves are not checked: that is what the benchmark is
for, on a quiet machine, not a test.)"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = [
    "Floor: bare Django hello view",
    "Home",
    "Article, fundamentals",
    "Article, academic, htmx swap",
    "Explorer",
    "Node, htmx swap",
    "Paths, with a chain",
    "Compare",
    "Node preview (htmx)",
    "Page not found (404)",
]


def test_the_benchmark_prints_and_records_a_row_for_every_page(tmp_path):
    document = tmp_path / "benchmarks.md"
    document.write_text("# Kept\n\n<!-- bench:shipped -->\nold\n<!-- /bench:shipped -->\n")
    result = subprocess.run(
        [sys.executable, "benchmarks/serve.py", "--seconds", "1", "--record", str(document)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {
        cells[0]: cells
        for line in result.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| Page |")
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    for label in LABELS:
        assert label in rows, label
        requests_per_second, wrong_status = rows[label][1], rows[label][4]
        assert int(requests_per_second.replace(",", "")) > 0
        assert wrong_status == "0", label
    assert re.search(r"^- (met|NOT MET): Home and articles", result.stdout, re.M)

    written = document.read_text()
    assert written.startswith("# Kept\n")
    assert "old" not in written
    assert "| Page not found (404) |" in written
    assert written.count("<!-- bench:shipped -->") == 1


def test_the_load_test_loads_two_servers_on_postgresql_and_redis_without_an_error():
    result = subprocess.run(
        [
            *(sys.executable, "benchmarks/two_servers.py", "--record", "-"),
            *("--seconds", "3", "--connections", "4"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert re.search(
        r"^  server A: [\d,]+ requests, .* not 2xx 0, socket errors 0$", result.stdout, re.M
    )
    assert re.search(
        r"^  server B: [\d,]+ requests, .* not 2xx 0, socket errors 0$", result.stdout, re.M
    )
    assert re.search(
        r"^Both: [\d,]+ requests in [\d.]+ s, [\d,]+/s; not 2xx: 0$", result.stdout, re.M
    )
    floor = r"^Floor \(bare Django hello view, .*\): [\d,]+/s; both servers together: [\d.]+"
    assert re.search(floor, result.stdout, re.M)


def test_the_load_test_refuses_more_than_a_minute_or_fifty_connections():
    for arguments in (["--seconds", "61"], ["--connections", "51"]):
        result = subprocess.run(
            [sys.executable, "benchmarks/two_servers.py", *arguments],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert "at most 60 s and 50 connections" in result.stderr
