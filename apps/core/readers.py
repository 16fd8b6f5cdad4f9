"""Who is reading, and at which depth: what every reader page asks of a request."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from .models import DEFAULT_TIER, Tier, sees_drafts

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
