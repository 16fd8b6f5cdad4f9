"""Middleware of the site as a whole."""

from django.middleware.gzip import GZipMiddleware

from apps.core.readers import visitor


class ReaderGZipMiddleware(GZipMiddleware):
    """Gzip what readers are sent; never a response that may hold a secret.

    BREACH recovers a secret from the compressed size of a page that holds it next to text an
    attacker controls. Reader pages hold none: no session, no CSRF token, nothing per reader.
    The admin (CSRF tokens, drafts) and every page sent to a signed-in editor do, so they go
    out uncompressed. (Django's GZipMiddleware also pads with random bytes against BREACH;
    that makes the attack slower, not impossible, so it is not relied on here.)

    Placed after WhiteNoise, which answers static files itself, precompressed.
    """

    def process_response(self, request, response):
        if request.path.startswith("/admin/") or visitor(request).is_authenticated:
            return response
        return super().process_response(request, response)
