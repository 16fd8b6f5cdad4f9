"""The site's answers when something under it fails: the database outage page and /healthz."""

import json
import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from health_check.views import HealthCheckView

# How long readers (and crawlers) are asked to wait before trying again. The site is back within
# a request of the database returning, so this is about how long outages usually last.
RETRY_AFTER_SECONDS = 5
OUTAGE_LOG_INTERVAL = 60

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """handler500: a 503 with Retry-After when the database could not be reached (unreachable,
    stopped, its file missing), so readers and load balancers see an outage rather than a bug;
    Django's own 500 page for anything else.

    Drawn without the request or the database: the page must not need what just failed.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
    return defaults.server_error(request)


class DatabaseOutageLogFilter(logging.Filter):
    """Lets through one 'database unavailable' record (with its traceback) per interval on the
    django.request logger, instead of one for every request answered with the 503 page."""

    def __init__(self, interval=OUTAGE_LOG_INTERVAL):
        super().__init__()
        self.interval = interval
        self.last_logged = None

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, DATABASE_UNAVAILABLE):
            return True
        now = time.monotonic()
        if self.last_logged is not None and now - self.last_logged < self.interval:
            return False
        self.last_logged = now
        return True


class WithoutTraceback(logging.Filter):
    """Keeps the message and drops the traceback: for records that are routine, not bugs
    (a request with a Host header the site does not serve)."""

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        return True


CSP_REPORT_MAX_BYTES = 16 * 1024
CSP_REPORTS_PER_MINUTE = 10
csp_logger = logging.getLogger("exercise_signals.csp")
_csp_window = {"started": 0.0, "logged": 0, "dropped": 0}


@csrf_exempt
@require_POST
def csp_report(request):
    """Where browsers report what the Content-Security-Policy blocked (its report-uri).

    Each report is one log line, at most CSP_REPORTS_PER_MINUTE a minute per process (anyone
    can post here; the rest are counted, and the count logged when the minute is over), and
    a body over CSP_REPORT_MAX_BYTES is refused unread."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > CSP_REPORT_MAX_BYTES:
        return HttpResponse("A report is at most 16 KB.", status=413, content_type="text/plain")
    try:
        report = json.loads(request.read(CSP_REPORT_MAX_BYTES) or b"null")
    except ValueError:
        return HttpResponse("Not a JSON report.", status=400, content_type="text/plain")
    body = report.get("csp-report", report) if isinstance(report, dict) else None
    if not isinstance(body, dict):
        return HttpResponse("Not a CSP report.", status=400, content_type="text/plain")
    now = time.monotonic()
    if now - _csp_window["started"] >= 60:
        if _csp_window["dropped"]:
            csp_logger.warning(
                "CSP: %d more reports in the last minute were not logged.", _csp_window["dropped"]
            )
        _csp_window.update(started=now, logged=0, dropped=0)
    if _csp_window["logged"] >= CSP_REPORTS_PER_MINUTE:
        _csp_window["dropped"] += 1
    else:
        _csp_window["logged"] += 1
        csp_logger.warning(
            "CSP blocked %s (%s) on %s",
            str(body.get("blocked-uri", "?"))[:200],
            str(body.get("violated-directive") or body.get("effective-directive", "?"))[:100],
            str(body.get("document-uri", "?"))[:200],
        )
    return HttpResponse(status=204)


class HealthView(HealthCheckView):
    """/healthz for load balancers: the database answers a query and the cache keeps a value.
    django-health-check reports a failure as 500; a load balancer reads 503 as "take me out of
    rotation for now", which is what a missing dependency means."""

    checks = ("health_check.checks.Database", "health_check.checks.Cache")

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
            response.reason_phrase = "Service Unavailable"
        return response
