"""Settings for benchmark processes: production-like (DEBUG off, so no query log and no debug
templates), plain static storage (no collectstatic needed), and ``bench_urls`` for the trivial
view that every figure is compared with."""

import os
import warnings

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Pages are timed as rendered; bench/load.py turns the page cache on for its cached runs.
os.environ.setdefault("PAGE_CACHE", "0")

from config.settings import *  # noqa: F403

ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench_urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# WhiteNoise warns once per process that collectstatic has not run; pages do not need it here.
warnings.filterwarnings("ignore", message="No directory at")
