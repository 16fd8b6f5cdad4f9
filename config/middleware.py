"""Middleware of the site as a whole."""

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string

from apps.core.readers import preferred_encoding, visitor

# Brotli's quality runs from 0 to 11. 6 compresses a 100 KB page in about 2 ms on this
# project's machines, some 8% smaller than gzip; 11 gains another 12% but takes 70-150 ms,
# too slow for the first reader of a changed page.
BROTLI_QUALITY = 6


def compress(content, encoding):
    if encoding == "br":
        return brotli.compress(content, quality=BROTLI_QUALITY)
    return compress_string(content, max_random_bytes=GZipMiddleware.max_random_bytes)


class ReaderCompressionMiddleware(GZipMiddleware):
    """Brotli, or else gzip, for what readers are sent; never a response that may hold a secret.

    BREACH recovers a secret from the compressed size of a page that holds it next to text an
    attacker controls. Reader pages hold none: no session, no CSRF token, nothing per reader.
    The admin (CSRF tokens, drafts) and every page sent to a signed-in editor do, so they go
    out uncompressed. (Django's GZipMiddleware also pads with random bytes against BREACH;
    that makes the attack slower, not impossible, so it is not relied on here.)

    Below the page cache (apps.core.readers.ReaderPageCacheMiddleware), which keeps reader
    pages as compressed here, so each is compressed once per change, not once per request.

    Placed after WhiteNoise, which answers static files itself, precompressed. Not
    django-compression-middleware: its last release (2023) lists Django 4.1 at most, and it
    could not keep compressed copies.
    """

    def process_response(self, request, response):
        if request.path.startswith("/admin/") or visitor(request).is_authenticated:
            return response
        if response.streaming:
            return super().process_response(request, response)  # gzip, as Django does
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = preferred_encoding(request)
        if not encoding:
            return response
        compressed = compress(response.content, encoding)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag", "")
        if etag.startswith('"'):
            # A strong ETag names these exact bytes; the compressed body is other bytes
            # (RFC 9110, 8.8.1). Weak, it still matches If-None-Match, as with Django's gzip.
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = encoding
        return response


class CrossOriginIsolationMiddleware:
    """Cross-Origin-Resource-Policy and Cross-Origin-Embedder-Policy on every response (Django
    sets only the opener policy, SECURE_CROSS_ORIGIN_OPENER_POLICY).

    Every page, script, stylesheet and image comes from this site, so other sites may not embed
    them (CORP same-origin) and our pages load nothing that has not agreed to it (COEP
    require-corp). Placed just below SecurityMiddleware, above WhiteNoise: static files get the
    headers too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Embedder-Policy", "require-corp")
        return response


class PrivateForEditorsMiddleware:
    """Anything a signed-in editor is sent is marked Cache-Control: private, whatever view made
    it (an error page too), so no shared cache keeps a page that may show drafts or the
    editor bar. (Reader pages and the admin already say so; this covers the rest.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # visitor(): no session cookie, no editor, and the session is not read (which would
        # add Vary: Cookie to every reader's page).
        if visitor(request).is_authenticated:
            patch_cache_control(response, private=True)
        return response
