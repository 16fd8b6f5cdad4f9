"""Hardening: sign-in that cannot be turned against an editor, reader pages that only read, and
the HTTPS settings (cookies, HSTS, the proxy header) as production gets them."""

import json
import logging
import os
import re
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.test import override_settings

from config import views as config_views
from tests.conftest import make_article, make_graph
from tests.test_editors import GOOD_PASSWORD, make_editor

ROOT = Path(__file__).resolve().parent.parent
READER_PAGES = ["/", "/articles/fuel/academic/", "/explorer/", "/explorer/sensor-0/"]


@pytest.fixture
def site(db):
    make_graph()
    make_article("fuel")


# Signing in ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_failures_for_alice_from_one_address_do_not_lock_her_out_from_another(client):
    make_editor("alice")
    wrong = {"username": "alice", "password": "not-her-password"}
    for _ in range(5):
        client.post("/admin/login/", wrong, REMOTE_ADDR="203.0.113.7")
    right = {"username": "alice", "password": GOOD_PASSWORD}
    assert client.post("/admin/login/", right, REMOTE_ADDR="203.0.113.7").status_code == 429

    assert client.post("/admin/login/", right, REMOTE_ADDR="198.51.100.20").status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_forwarded_address_is_not_believed_without_a_trusted_proxy(client):
    """Without DJANGO_TRUSTED_PROXY, X-Forwarded-For is the client's own word: ignored."""
    make_editor("alice")
    wrong = {"username": "alice", "password": "not-her-password"}
    for attempt in range(5):
        client.post("/admin/login/", wrong, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    right = {"username": "alice", "password": GOOD_PASSWORD}
    assert client.post("/admin/login/", right).status_code == 429  # all from one address


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY=True)
def test_behind_a_trusted_proxy_each_client_is_counted_by_the_address_the_proxy_saw(client):
    """Every request comes from the proxy; the address it appended tells the clients apart."""
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    make_editor("alice")
    wrong = {"username": "alice", "password": "not-her-password"}
    for _ in range(5):
        client.post("/admin/login/", wrong, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    right = {"username": "alice", "password": GOOD_PASSWORD}
    locked = client.post("/admin/login/", right, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert locked.status_code == 429

    signed_in = client.post("/admin/login/", right, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert signed_in.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY=True)
def test_behind_a_trusted_proxy_addresses_the_client_wrote_itself_are_ignored(client):
    """A client can put anything in X-Forwarded-For; the proxy appends the real address last."""
    make_editor("alice")
    wrong = {"username": "alice", "password": "not-her-password"}
    for attempt in range(5):
        client.post(
            "/admin/login/",
            wrong,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.7",
            REMOTE_ADDR="10.0.0.2",
        )
    right = {"username": "alice", "password": GOOD_PASSWORD}
    response = client.post(
        "/admin/login/",
        right,
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7",
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 429


# Reader pages only read ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
def test_reader_pages_answer_405_to_anything_but_get_and_head(client, site, method):
    for url in READER_PAGES:
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert response["Allow"] == "GET, HEAD"


def test_reader_pages_answer_get_and_head(client, site):
    for url in READER_PAGES:
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200


# HTTPS ---------------------------------------------------------------------------------------


def test_the_tier_cookie_is_secure_under_https(client, site, settings):
    settings.SESSION_COOKIE_SECURE = True
    cookie = client.get("/articles/fuel/academic/").cookies["tier"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_tier_cookie_is_not_secure_over_plain_http(client, site):
    assert not client.get("/articles/fuel/academic/").cookies["tier"]["secure"]


def production(env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return clean | {
        "DJANGO_SECRET_KEY": "h" * 20 + "-production-like-secret-for-checks-" + "k" * 20,
        "DJANGO_ALLOWED_HOSTS": "signals.example.org",
        # Django's checks open the database; a fresh clone has no db.sqlite3 yet.
        "DATABASE_URL": "sqlite:///:memory:",
        **env,
    }


def https_settings(env):
    script = (
        "import json, config.settings as s; print(json.dumps({name: getattr(s, name, None) "
        "for name in ('SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE', "
        "'TRUSTED_PROXY')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production(env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_https_sends_hsts_for_a_year_with_subdomains_and_preload_only_when_asked():
    https = https_settings({"DJANGO_HTTPS": "true"})
    assert https["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert https["SECURE_HSTS_PRELOAD"] is False
    assert https["SESSION_COOKIE_SECURE"] is True
    preload = https_settings({"DJANGO_HTTPS": "true", "DJANGO_HSTS_PRELOAD": "true"})
    assert preload["SECURE_HSTS_PRELOAD"] is True


def test_the_forwarded_https_header_is_trusted_only_behind_a_declared_proxy():
    direct = https_settings({"DJANGO_HTTPS": "true"})
    assert direct["SECURE_PROXY_SSL_HEADER"] is None
    assert direct["TRUSTED_PROXY"] is False
    behind_proxy = https_settings({"DJANGO_HTTPS": "true", "DJANGO_TRUSTED_PROXY": "true"})
    assert behind_proxy["TRUSTED_PROXY"] is True
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_check_deploy_is_clean_with_https_on():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production({"DJANGO_HTTPS": "true", "DJANGO_TRUSTED_PROXY": "true"}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_a_bogus_host_header_is_one_line_in_the_log(client, caplog):
    caplog.set_level(logging.ERROR, logger="django.security.DisallowedHost")
    response = client.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert "attacker.example" in record.getMessage()
    assert record.exc_info is None


# Files only the site may read ----------------------------------------------------------------


def test_the_secret_key_file_is_readable_by_its_owner_only(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)  # the venv the target asks for
    subprocess.run(
        ["make", "--no-print-directory", f"VENV={venv}", f"{venv}/secret-key"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    key = venv / "secret-key"
    assert len(key.read_text().strip()) >= 50
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


# Headers on every kind of answer ---------------------------------------------------------------


def test_every_kind_of_answer_carries_the_isolation_and_permissions_headers(client, site):
    answers = {
        url: client.get(url)
        for url in [*READER_PAGES, "/admin/login/", "/no-such-page/", "/static/css/site.css"]
    }
    for url, response in answers.items():
        assert response.status_code in (200, 404), url
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", url
        assert response["Cross-Origin-Embedder-Policy"] == "require-corp", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        if not url.startswith("/static/"):
            policy = response["Permissions-Policy"]
            assert "camera=()" in policy, url
            assert "geolocation=()" in policy, url
            assert "microphone=()" in policy, url


# Content files that cannot be read ---------------------------------------------------------------


def broken_files(content_dir):
    """Each way a content file can be unreadable: (file, how to break it, line, message)."""
    article = content_dir / "articles" / "test-article.md"
    node = next((content_dir / "explorer" / "nodes").glob("*.md"))
    return {
        "not UTF-8 in an article": (
            article,
            lambda: article.write_bytes(b"---\ntitle: Caf\xe9\n"),
            2,
            "byte 0xe9 is not UTF-8: save the file as UTF-8",
        ),
        "not UTF-8 in the references": (
            content_dir / "references.toml",
            lambda: (content_dir / "references.toml").write_bytes(b"[[reference]]\n\xff\n"),
            2,
            "byte 0xff is not UTF-8",
        ),
        "not UTF-8 in the arrows": (
            content_dir / "explorer" / "edges.yaml",
            lambda: (content_dir / "explorer" / "edges.yaml").write_bytes(b"- from: a\n\x80"),
            2,
            "byte 0x80 is not UTF-8",
        ),
        "a folder named like an article": (
            content_dir / "articles" / "folder.md",
            lambda: (content_dir / "articles" / "folder.md").mkdir(),
            1,
            "is not a file (a folder with a content file's name?)",
        ),
        "a link to nothing among the nodes": (
            content_dir / "explorer" / "nodes" / "gone.md",
            lambda: (content_dir / "explorer" / "nodes" / "gone.md").symlink_to(node.parent / "x"),
            1,
            "is a link to",
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [
        "not UTF-8 in an article",
        "not UTF-8 in the references",
        "not UTF-8 in the arrows",
        "a folder named like an article",
        "a link to nothing among the nodes",
    ],
)
def test_an_unreadable_content_file_is_named_with_its_line_and_nothing_changes(content_dir, case):
    from django.core.management import CommandError, call_command

    from tests.test_loader import load, snapshot

    load(content_dir)
    before = snapshot()
    path, breaking, line, message = broken_files(content_dir)[case]
    breaking()

    with pytest.raises(CommandError) as error:
        call_command("load_content", content_dir=content_dir, stdout=StringIO())

    shown = f"content/{path.relative_to(content_dir)}:{line}: "
    assert shown + message in str(error.value) or (
        shown in str(error.value) and message in str(error.value)
    )
    assert "nothing was changed" in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_yaml_nested_thousands_deep_is_named_with_file_and_line(content_dir):
    from django.core.management import CommandError, call_command

    edges = content_dir / "explorer" / "edges.yaml"
    edges.write_text(edges.read_text(encoding="utf-8") + "- from: " + "[" * 5_000 + "\n")
    line = edges.read_text(encoding="utf-8").count("\n")

    with pytest.raises(CommandError) as error:
        call_command("load_content", content_dir=content_dir, stdout=StringIO())

    expected = f"content/explorer/edges.yaml:{line}: invalid YAML: lists or mappings nested"
    assert expected in str(error.value)


# CSP violation reports -----------------------------------------------------------------------


def csp_report(client, body, content_type="application/csp-report"):
    return client.post("/csp-report/", body, content_type=content_type)


VIOLATION = {
    "csp-report": {
        "document-uri": "https://signals.example.org/explorer/",
        "violated-directive": "script-src-elem",
        "blocked-uri": "https://evil.example/x.js",
    }
}


def test_every_page_asks_browsers_to_report_what_its_policy_blocks(client, site):
    assert "report-uri /csp-report/" in client.get("/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_csp_report_is_one_log_line(client, caplog):
    caplog.set_level(logging.WARNING, logger="exercise_signals.csp")
    config_views._csp_window.update(started=0.0, logged=0, dropped=0)

    assert csp_report(client, json.dumps(VIOLATION)).status_code == 204

    [record] = caplog.records
    assert record.getMessage() == (
        "CSP blocked https://evil.example/x.js (script-src-elem) on "
        "https://signals.example.org/explorer/"
    )


@pytest.mark.django_db
def test_csp_reports_are_rate_limited_and_bounded(client, caplog):
    caplog.set_level(logging.WARNING, logger="exercise_signals.csp")
    config_views._csp_window.update(started=0.0, logged=0, dropped=0)

    for _ in range(50):
        assert csp_report(client, json.dumps(VIOLATION)).status_code == 204
    assert len(caplog.records) == config_views.CSP_REPORTS_PER_MINUTE

    assert csp_report(client, "x" * (config_views.CSP_REPORT_MAX_BYTES + 1)).status_code == 413
    assert csp_report(client, "not json").status_code == 400
    assert csp_report(client, "[1, 2]").status_code == 400
    assert client.get("/csp-report/").status_code == 405


# What the HTTP Observatory scores, on each kind of page, served over HTTPS ----------------------


@pytest.fixture
def over_https(settings):
    """The settings DJANGO_HTTPS=true gives (the redirect aside: requests here are HTTPS)."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True


def test_every_kind_of_page_sends_what_the_observatory_scores(client, site, over_https):
    pages = [
        "/",
        "/articles/fuel/academic/",
        "/explorer/",
        "/explorer/sensor-0/",
        "/admin/login/",
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), url
        csp = response["Content-Security-Policy"]
        for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'"):
            assert directive in csp, (url, directive)
        assert "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp, url
        assert "unsafe-eval" not in csp, url
        hsts = response["Strict-Transport-Security"]
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 365 * 24 * 60 * 60, url
        assert "includeSubDomains" in hsts, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        for name, cookie in response.cookies.items():
            assert cookie["secure"], (url, name)
            assert cookie["samesite"] in ("Lax", "Strict"), (url, name)
            assert cookie["httponly"], (url, name)
    assert client.get("/articles/fuel/academic/", secure=True).cookies["tier"]["secure"]


@pytest.mark.django_db
def test_every_page_a_signed_in_editor_sees_is_private(client):
    from apps.core.models import Status

    make_graph()
    make_article("draft-piece", status=Status.DRAFT)
    client.force_login(make_editor("alice"))
    for url in [
        "/",
        "/articles/draft-piece/academic/",
        "/explorer/",
        "/explorer/sensor-0/",
        "/no-such-page/",
        "/admin/",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "private" in response.get("Cache-Control", ""), (url, response.get("Cache-Control"))
