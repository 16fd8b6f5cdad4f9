"""How `make run` serves the site: gunicorn, a production server, in front of Django (with
WhiteNoise serving the static files). `gunicorn --config config/gunicorn.py config.wsgi`.

Ctrl-C (SIGINT) or SIGTERM stops it: workers finish the requests they hold, then exit.
"""

import multiprocessing
import os

# EXERCISE_SIGNALS_BIND moves it (the tests serve on a free port); behind a reverse proxy,
# bind to what the proxy reaches.
bind = os.environ.get("EXERCISE_SIGNALS_BIND", "127.0.0.1:8000")
# Gunicorn's advice for synchronous workers: two per core, and one more. WEB_CONCURRENCY, the
# usual setting on hosting platforms, overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
accesslog = "-"
graceful_timeout = 10
