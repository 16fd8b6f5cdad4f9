"""Django's Redis cache backend, made to outlive Redis.

The page cache is only a cache: every page can be drawn from the database. So when Redis is
down or unreachable, a read here is a miss and a write is dropped, the site goes on (slower),
and the log gets one warning per WARNING_INTERVAL seconds, not one per request. After a failure
the backend does not try Redis again for RETRY_SECONDS, so an unreachable Redis costs one
connect timeout per process per interval instead of one per request; then it tries again by
itself, and logs when Redis answers again.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("exercise_signals.cache")

WARNING_INTERVAL = 60
RETRY_SECONDS = 1.0


def _missing_when_down(fallback):
    """Run the method; when Redis fails, return `fallback(*args)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            if not self._may_try():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                self._failed(error)
                return fallback(*args, **kwargs)
            self._answered()
            return result

        return wrapped

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty_dict(*args, **kwargs):
    return {}


def _all_keys_failed(data, *args, **kwargs):
    return list(data)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._lock = threading.Lock()
        self._down_since = None  # monotonic time of the first failure of this outage
        self._retry_at = 0.0
        self._warned_at = None

    def _may_try(self):
        return self._down_since is None or time.monotonic() >= self._retry_at

    def _failed(self, error):
        now = time.monotonic()
        with self._lock:
            if self._down_since is None:
                self._down_since = now
            self._retry_at = now + RETRY_SECONDS
            warn = self._warned_at is None or now - self._warned_at >= WARNING_INTERVAL
            if warn:
                self._warned_at = now
        if warn:
            logger.warning(
                "Redis cache unavailable for %.0f s (%s: %s); pages are drawn from the database "
                "until it answers. (At most one such warning every %d s.)",
                now - self._down_since,
                type(error).__name__,
                error,
                WARNING_INTERVAL,
            )

    def _answered(self):
        if self._down_since is None:
            return
        with self._lock:
            down_since, self._down_since, self._warned_at = self._down_since, None, None
        if down_since is not None:
            logger.warning(
                "Redis cache answering again after %.1f s.", time.monotonic() - down_since
            )

    @property
    def available(self):
        """False while this process counts Redis as down."""
        return self._down_since is None

    get = _missing_when_down(_default)(RedisCache.get)
    get_many = _missing_when_down(_empty_dict)(RedisCache.get_many)
    has_key = _missing_when_down(_false)(RedisCache.has_key)
    add = _missing_when_down(_false)(RedisCache.add)
    set = _missing_when_down(_nothing)(RedisCache.set)
    set_many = _missing_when_down(_all_keys_failed)(RedisCache.set_many)
    incr = _missing_when_down(_nothing)(RedisCache.incr)
    touch = _missing_when_down(_false)(RedisCache.touch)
    delete = _missing_when_down(_false)(RedisCache.delete)
    delete_many = _missing_when_down(_nothing)(RedisCache.delete_many)
    clear = _missing_when_down(_nothing)(RedisCache.clear)
