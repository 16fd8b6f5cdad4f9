"""The site's own settings, with one more address for `make bench`: /bench/hello/, a bare
Django view served through the site's whole middleware stack."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
