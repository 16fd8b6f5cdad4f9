"""Settings for Exercise Signals, read from the environment.

Development (`DJANGO_DEBUG=true`) works with no other variables. Anything else is treated as
production and needs a real DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is unset or is the development key. Set a secret of your own, "
        "or set DJANGO_DEBUG=true for local development."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")

INSTALLED_APPS = [
    # The admin with Exercise Signals' own site: preview, review queue, editor pages.
    "apps.editors.apps.EditorsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # sitemap.xml (config/sitemaps.py)
    # Full-text search and trigram similarity when the database is PostgreSQL (apps.search).
    "django.contrib.postgres",
    "django_htmx",
    "reversion",
    "axes",
    "health_check",
    # Ours, lowest layer first; each imports only apps listed before it (README.md,
    # "How the code is layered").
    "apps.core",
    "apps.explorer",
    "apps.articles",
    "apps.search",
    "apps.changes",
    "apps.content_sync",
    "apps.editors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Cross-Origin-Resource-Policy and -Embedder-Policy on everything, static files included.
    "config.middleware.CrossOriginIsolationMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers readers' repeats from the page cache, compressed, skipping everything below it.
    "apps.core.readers.ReaderPageCacheMiddleware",
    # Compresses reader pages only; see why in config/middleware.py.
    "config.middleware.ReaderCompressionMiddleware",
    # Answers a matching If-None-Match or If-Modified-Since with 304 (reader pages carry an
    # ETag and Last-Modified from apps.core.readers.reader_page).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateForEditorsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Reader pages are cached whole (apps.core.readers: reader_page marks them,
# ReaderPageCacheMiddleware keeps and serves them), keyed by the content version kept in the
# database, so a change reaches every process and every machine through that one row. Without
# REDIS_URL each process keeps its own copies in memory; with it, every app server shares one
# Redis, so a page is drawn once for all of them. Redis going down only makes pages slower
# (config/cache.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "exercise-signals"),
            "OPTIONS": {
                # Give up quickly: a missing cache must cost little more than a cache miss.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "reader-pages",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# DATABASE_URL: SQLite (the default, a file beside the code) or PostgreSQL
# (postgres://user:password@host:port/name). Connections are kept between requests and checked
# before each request reuses one (CONN_HEALTH_CHECKS), so the site recovers by itself within a
# request of the database coming back; while it is away, readers get the 503 page.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=600, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, except that it never creates a missing file (config/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    # Several editors (and a running load_content) share one file. Writers queue instead of
    # failing with "database is locked": WAL lets reads go on during a write, IMMEDIATE takes
    # the write lock when a transaction starts (a deferred one that later tries to write fails
    # at once, whatever the timeout), and the timeout outlasts a full content load.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("DJANGO_SQLITE_TIMEOUT", "60")),
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        # A server that does not answer is an outage page after this many seconds, not a hang
        # (libpq's smallest useful value is 2).
        "connect_timeout": int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "2")),
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes counts failed logins first and refuses a locked-out username or address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A proxy we run is in front (it sets X-Forwarded-Proto and appends to X-Forwarded-For);
# without one, those headers are only what the client says.
TRUSTED_PROXY = env_bool("DJANGO_TRUSTED_PROXY")
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
# A lockout is for one username from one address together, so nobody can lock a named editor
# out from elsewhere by failing on purpose (and, behind a proxy, lock out everyone).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address comes from X-Forwarded-For only when DJANGO_TRUSTED_PROXY says a proxy is in
# front; see config/clients.py.
AXES_CLIENT_IP_CALLABLE = "config.clients.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic writes the files WhiteNoise serves (each app server builds its own).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CONTENT_DIR = BASE_DIR / "content"

# Security headers. No 'unsafe-inline' or 'unsafe-eval' anywhere: every script and style is a
# static file, and htmx is configured (base.html) not to inject styles or evaluate code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Browsers post what the policy blocked here (config.views.csp_report logs it).
    "report-uri": ["/csp-report/"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# No script reads the CSRF cookie (forms and htmx send the token from the form), so none may.
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The site uses none of these browser features; the header says so, for every page and frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
X_FRAME_OPTIONS = "DENY"

# Behind HTTPS in production, turn these on with DJANGO_HTTPS=true. Every cookie is then
# Secure (the reader's tier cookie too: apps.core.readers.remember_tier).
if env_bool("DJANGO_HTTPS"):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a promise to browsers' makers that is slow to take back: opt in.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # X-Forwarded-Proto says whether the browser used HTTPS only when a proxy we run sets it;
    # a client talking to gunicorn directly could send it too. DJANGO_TRUSTED_PROXY=true says
    # a proxy is in front (and replaces the header).
    if TRUSTED_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "database_outage": {"()": "config.views.DatabaseOutageLogFilter"},
        "without_traceback": {"()": "config.views.WithoutTraceback"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # During a database outage every request fails the same way: log it once a minute.
        "django.request": {"filters": ["database_outage"]},
        # Scanners send any Host header they like: one line each, not a traceback.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
}
