"""Site-wide rules: migrations, one <h1>, security headers, production settings."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.core.models import Tier
from tests.conftest import make_article, make_graph

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def site_urls():
    return [
        "/",
        "/no-such-page/",
        *(f"/articles/insulin-and-exercise/{tier.value}/" for tier in Tier),
        "/explorer/",
        "/explorer/?modality=exercise-0",
        "/explorer/sensor-0/",
        "/explorer/sensor-0/academic/",
        "/explorer/paths/",
        "/explorer/paths/?from=exercise-0&to=result-0",
        "/explorer/compare/",
        "/healthz",
    ]


@pytest.mark.django_db
def test_every_page_has_one_h1_and_the_security_headers(client):
    make_article("insulin-and-exercise")
    make_graph()
    for url in site_urls():
        response = client.get(url)
        html = response.content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(client):
    make_article("insulin-and-exercise")
    make_graph()
    for url in site_urls():
        html = client.get(url).content.decode()
        # A JSON-LD block is data, not script: browsers never run it (tests/test_open_data*.py).
        assert not re.search(
            r'<script(?![^>]*\ssrc=)(?! type="application/ld\+json")[^>]*>', html
        ), url
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


@pytest.mark.django_db
def test_htmx_is_served_locally_and_configured_for_the_csp(client):
    make_article("insulin-and-exercise")
    html = client.get("/articles/insulin-and-exercise/fundamentals/").content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer>', html)
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
    assert "https://" not in "".join(re.findall(r"<(?:script|link)[^>]*>", html))


def run_settings(env):
    """Import the real settings in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_the_development_secret():
    result = run_settings({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is unset or is the development key" in result.stderr


def test_production_reads_its_settings_from_the_environment():
    result = run_settings(
        {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.org,www.example.org"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['example.org', 'www.example.org']"


def test_development_needs_no_secret():
    result = run_settings({"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("True")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/articles/insulin-and-exercise/academic/", "/explorer/"])
@pytest.mark.parametrize(
    ("accept_encoding", "encoding"),
    [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip")],
)
def test_reader_pages_are_sent_compressed(client, url, accept_encoding, encoding):
    import gzip

    import brotli

    make_article(slug="insulin-and-exercise")
    make_graph()
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": accept_encoding})

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed["Vary"]
    unpack = brotli.decompress if encoding == "br" else gzip.decompress
    assert unpack(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    # Other bytes: a weak ETag of its own, which a browser's If-None-Match still matches.
    assert packed["ETag"].startswith('W/"')
    assert packed["ETag"] != "W/" + plain["ETag"]
    again = client.get(
        url, headers={"accept-encoding": accept_encoding, "if-none-match": packed["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.django_db
def test_a_reader_page_is_compressed_once_per_change(client, monkeypatch):
    from config import middleware

    calls = []
    real_compress = middleware.compress
    monkeypatch.setattr(
        middleware, "compress", lambda *args: calls.append(args[1]) or real_compress(*args)
    )
    article = make_article(slug="insulin-and-exercise")
    url = "/articles/insulin-and-exercise/academic/"
    first = client.get(url, headers={"accept-encoding": "br"})
    second = client.get(url, headers={"accept-encoding": "br"})
    assert calls == ["br"]
    assert first.content == second.content

    client.get(url, headers={"accept-encoding": "gzip"})
    assert calls == ["br", "gzip"]

    article.title = "Insulin, glucose and exercise"
    article.save()
    changed = client.get(url, headers={"accept-encoding": "br"})
    assert calls == ["br", "gzip", "br"]
    assert "Insulin, glucose and exercise" in brotli_text(changed)


def brotli_text(response):
    import brotli

    return brotli.decompress(response.content).decode()


def test_accepted_encodings_reads_weights():
    from apps.core.readers import accepted_encodings

    assert accepted_encodings("gzip, deflate, br") == {"gzip", "deflate", "br"}
    assert accepted_encodings("br;q=0, GZIP;q=0.5") == {"gzip"}
    assert accepted_encodings("br;q=0.0,gzip;q=nonsense") == {"gzip"}
    assert accepted_encodings("") == set()


@pytest.mark.django_db
def test_pages_that_may_hold_a_secret_are_not_compressed(client, django_user_model):
    """BREACH: the admin's CSRF tokens and whatever an editor sees stay uncompressed."""
    make_graph()
    gzip_please = {"accept-encoding": "gzip, br"}
    login_page = client.get("/admin/login/", headers=gzip_please)
    assert 'name="csrfmiddlewaretoken"' in login_page.content.decode()
    assert "Content-Encoding" not in login_page

    editor = django_user_model.objects.create_user("ed", password="long-enough-pw-1", is_staff=True)
    client.force_login(editor)
    assert "Content-Encoding" not in client.get("/explorer/", headers=gzip_please)
    assert "Content-Encoding" not in client.get("/admin/", headers=gzip_please)


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_site_is_served_by_gunicorn_as_make_run_does_and_stops_on_ctrl_c(tmp_path):
    import signal
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "gunicorn-test-only-secret-key-not-for-any-deployment",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "EXERCISE_SIGNALS_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    python = Path(sys.executable)
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):  # as make run
        subprocess.run(
            [python, "manage.py", *command], cwd=ROOT, env=environment, check=True,
            capture_output=True,
        )  # fmt: skip
    # The command `make run` runs (Makefile), with this test's port.
    makefile = (ROOT / "Makefile").read_text()
    assert "gunicorn --config config/gunicorn.py config.wsgi" in makefile
    log_path = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [python.parent / "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT, env=environment, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    assert response.status == 200
                    assert b"Exercise Signals" in response.read()
                break
            except urllib.error.HTTPError:
                raise
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 10 s")
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=15) == 0
        log = log_path.read_text()
        assert "Booting worker" in log
        assert '"GET / HTTP/1.1" 200' in log
    finally:
        if server.poll() is None:
            server.kill()
