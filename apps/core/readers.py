"""Who is reading, and at which depth: what every reader page asks of a request."""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from .models import DEFAULT_TIER, ContentVersion, Tier, sees_drafts

TIER_COOKIE = "tier"
TIER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def remembered_tier(request):
    value = request.COOKIES.get(TIER_COOKIE)
    return Tier(value) if value in Tier.values else DEFAULT_TIER


def remember_tier(response, tier):
    """The reader's choice of depth follows them to every article and node."""
    response.set_cookie(
        TIER_COOKIE, tier.value, max_age=TIER_COOKIE_MAX_AGE, samesite="Lax", httponly=True
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
# stale; it is simply forgotten a day after its last use.
SHARED_CACHE_SECONDS = 60
STALE_WHILE_REVALIDATE_SECONDS = 300
SERVER_CACHE_SECONDS = 24 * 60 * 60


def page_cache_key(request, version, depth_in_address):
    """What a reader page depends on: the content version, the address, whether htmx asked
    (and whether for a history restore), and, unless the address names it, the depth the
    reader chose last."""
    parts = [
        str(version),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        "" if depth_in_address else request.COOKIES.get(TIER_COOKIE, ""),
    ]
    return "reader-page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def reader_page(view):
    """Serve a reader page from Django's cache until content changes.

    Signed-in editors always get the live page, marked private: it may hold drafts and the
    editor bar. Readers' pages are cached whole (the same for every anonymous reader of that
    address, depth and htmx request) under a key that includes the content version, which every
    content change raises; each carries an ETag and Last-Modified, so a browser's repeat is a
    304.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if visitor(request).is_authenticated or request.method not in ("GET", "HEAD"):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        version, changed_at = ContentVersion.current()
        key = page_cache_key(request, version, depth_in_address=kwargs.get("tier") is not None)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            response["ETag"] = f'"{key.rsplit(":", 1)[1][:32]}"'
            if changed_at is not None:
                response["Last-Modified"] = http_date(changed_at.timestamp())
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                s_maxage=SHARED_CACHE_SECONDS,
                stale_while_revalidate=STALE_WHILE_REVALIDATE_SECONDS,
            )
            cache.set(key, response, SERVER_CACHE_SECONDS)
        return response

    return wrapped
