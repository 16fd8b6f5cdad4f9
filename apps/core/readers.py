"""Who is reading, and at which depth: what every reader page asks of a request."""

import datetime
import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .models import DEFAULT_TIER, ContentVersion, Tier, sees_drafts

TIER_COOKIE = "tier"
TIER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def remembered_tier(request):
    value = request.COOKIES.get(TIER_COOKIE)
    return Tier(value) if value in Tier.values else DEFAULT_TIER


def remember_tier(response, tier):
    """The reader's choice of depth follows them to every article and node."""
    response.set_cookie(
        TIER_COOKIE,
        tier.value,
        max_age=TIER_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,  # Secure under HTTPS, like every other cookie
    )


def visitor(request):
    """Who is reading: an editor signed in to the admin, or an anonymous reader.

    A request without a session cookie is a reader, and is answered without reading the
    session. Reading it would add `Vary: Cookie`, and then the tier cookie changing would make
    the Back button fetch the page again instead of showing it from the browser's cache.
    (Responses for editors do vary on the cookie, so a draft is never cached for readers.)
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return AnonymousUser()
    return request.user


def editor_context(request, page, edit_url):
    """What the editor bar needs: only signed-in editors see it, and drafts only to them."""
    return {"editor": sees_drafts(visitor(request)), "draft": page.is_draft, "edit_url": edit_url}


# How long a browser or CDN may use a reader page: a browser asks again every time (and gets a
# 304 when nothing changed); a shared cache may serve it for a minute, and for five more while
# it fetches a fresh one. The server's own copy is keyed by the content version, so it is never
# stale; it is simply forgotten a day after it was stored.
SHARED_CACHE_SECONDS = 60
STALE_WHILE_REVALIDATE_SECONDS = 300
SERVER_CACHE_SECONDS = 24 * 60 * 60


def may_use_page_cache(request):
    """A reader's GET or HEAD with no session cookie: the page cache may answer it.

    (A session cookie may mean an editor, and only the authentication middleware, which runs
    after the page cache, can tell.)"""
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def accepted_encodings(accept_encoding):
    """The content codings an Accept-Encoding header allows ("br", "gzip", ...), lower case;
    a coding given q=0 is refused."""
    accepted = set()
    for item in accept_encoding[:200].split(","):  # a longer header is not a real browser's
        coding, _, parameters = item.partition(";")
        weight = parameters.strip().lower().removeprefix("q=")
        try:
            refused = bool(parameters.strip()) and float(weight) == 0
        except ValueError:
            refused = False
        if coding.strip() and not refused:
            accepted.add(coding.strip().lower())
    return accepted


def preferred_encoding(request):
    """How a reader page is compressed for this request: "br", else "gzip", else ""."""
    return _preferred_encoding(request.META.get("HTTP_ACCEPT_ENCODING", "")[:200])


@functools.lru_cache(maxsize=256)  # browsers send a handful of distinct headers; parse each once
def _preferred_encoding(accept_encoding):
    accepted = accepted_encodings(accept_encoding)
    return next((name for name in ("br", "gzip") if name in accepted), "")


@dataclass(frozen=True)
class PageCacheEntry:
    """Where a reader page is kept. A page whose address names its depth is the same whatever
    depth the reader chose last, so it is kept under `address_key`; any other page under
    `chosen_depth_key`, which adds the tier cookie."""

    address_key: str
    chosen_depth_key: str
    changed_at: datetime.datetime | None

    @classmethod
    def of(cls, request):
        """The keys hold the content version, the scheme and host, the address, whether htmx
        asked (and whether for a history restore), and the compression the page is sent with.
        One query."""
        version, changed_at = ContentVersion.current()
        parts = [
            str(version),
            # Pages name their own absolute address (canonical, Open Graph, the sitemap).
            f"{request.scheme}://{request.META.get('HTTP_HOST', '')}",
            request.get_full_path(),
            request.META.get("HTTP_HX_REQUEST", ""),
            request.META.get("HTTP_HX_HISTORY_RESTORE_REQUEST", ""),
            preferred_encoding(request),
        ]
        chosen = request.COOKIES.get(TIER_COOKIE, "")
        chosen = chosen if chosen in Tier.values else ""
        return cls(
            address_key=_cache_key(parts),
            chosen_depth_key=_cache_key([*parts, f"tier={chosen}"]),
            changed_at=changed_at,
        )

    def key(self, depth_in_address):
        return self.address_key if depth_in_address else self.chosen_depth_key

    def etag(self, depth_in_address):
        return f'"{self.key(depth_in_address).rsplit(":", 1)[1][:32]}"'


def _cache_key(parts):
    return "reader-page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class ReaderPageCacheMiddleware:
    """Answer a reader's repeat of a reader page from Django's cache, before the middleware
    below it runs: a cached page costs one query, less than a bare Django view served
    through the whole middleware stack.

    A page is stored as it is sent, once it has passed through the middleware below: so it
    carries their headers (the CSP, X-Frame-Options, Vary) and is already compressed, once
    per change for each of brotli, gzip and none. Only pages `reader_page` marked are stored,
    and only a 200 (a 304 that ConditionalGetMiddleware made is a new response, unmarked).
    A stored page answers If-None-Match and If-Modified-Since itself, as that middleware
    would. Signed-in editors never reach the cache (see may_use_page_cache).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_use_page_cache(request):
            return self.get_response(request)
        try:
            entry = PageCacheEntry.of(request)
        except DatabaseError:
            # No version, no key. Let the view answer: a page needing the database then gets
            # the outage page, and /healthz reports what is down.
            return self.get_response(request)
        request.page_cache_entry = entry
        response = cache.get(entry.address_key) or cache.get(entry.chosen_depth_key)
        if response is None:
            response = self.get_response(request)
            depth_in_address = getattr(response, "cache_for_readers", None)
            if depth_in_address is not None and response.status_code == 200:
                cache.set(entry.key(depth_in_address), response, SERVER_CACHE_SECONDS)
        elif "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            response = get_conditional_response(
                request, etag=response.get("ETag"), last_modified=last_modified, response=response
            )
        return response


def reader_page(view):
    """A page readers may get from the page cache until content changes.

    Signed-in editors always get the live page, marked private: it may hold drafts and the
    editor bar. A reader's page (the same for every anonymous reader of that address, depth
    and htmx request) is marked for ReaderPageCacheMiddleware to keep, under a key that
    includes the content version, which every content change raises; it carries an ETag and
    Last-Modified, so a browser's repeat is a 304.
    """

    # Readers only read: any other method is a 405 naming GET and HEAD (before CSRF's 403,
    # which would suggest that a form was expected).
    @csrf_exempt
    @require_safe
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if visitor(request).is_authenticated:
            patch_cache_control(response, private=True)
            return response
        if response.status_code != 200:
            return response
        depth_in_address = kwargs.get("tier") is not None
        entry = getattr(request, "page_cache_entry", None)
        if entry is not None:  # the page cache looked for it: keep it, and where
            response.cache_for_readers = depth_in_address
        else:  # a reader with a session cookie but not signed in: the same headers, not kept
            entry = PageCacheEntry.of(request)
        response["ETag"] = entry.etag(depth_in_address)
        if entry.changed_at is not None:
            response["Last-Modified"] = http_date(entry.changed_at.timestamp())
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=SHARED_CACHE_SECONDS,
            stale_while_revalidate=STALE_WHILE_REVALIDATE_SECONDS,
        )
        return response

    return wrapped
