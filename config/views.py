"""The site's answers when something under it fails: the database outage page and /healthz."""

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults
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
