"""Sessions and login throttling work across app processes (issue 17, docs/deployment.md).

Several app servers behind a proxy each run their own processes: a staff session opened by one
must be known to the others, and failed logins counted by one must lock out on the others. Both
live in the database (sessions: ``db``, or ``cached_db`` with Redis in front; django-axes: its
database handler). The test logs in and fails logins in this process, then asks a second Python
process, started on the same database, to use that session and to try the locked-out login.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from catalog.testing import sqlite_file_database

ROOT = Path(__file__).resolve().parent.parent

OTHER_PROCESS = """
import json, sys
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.conf import settings
from django.test import Client

staff = Client()
staff.cookies[settings.SESSION_COOKIE_NAME] = sys.argv[1]
locked = Client(REMOTE_ADDR="203.0.113.9")
answer = locked.post(sys.argv[2], {"username": "editor", "password": "the-right-one-too-late"})
print(json.dumps({"admin": staff.get(sys.argv[3]).status_code, "login": answer.status_code}))
"""


def database_url(path=None) -> str:
    if path is not None:
        return f"sqlite:///{path}"
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def in_another_process(db_url: str, *argv: str) -> dict:
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "ERROR"}
    env.pop("PAGE_CACHE", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", OTHER_PROCESS, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def session_and_lockout(db_url: str, django_user_model) -> dict:
    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-1234")
    django_user_model.objects.create_user("editor", "ed@example.org", "the-right-one-too-late", is_staff=True)
    staff = Client()
    staff.force_login(django_user_model.objects.get(username="boss"))
    login = reverse("admin:login")
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        guesser.post(login, {"username": "editor", "password": f"wrong-{attempt}"})
    return in_another_process(db_url, staff.cookies[settings.SESSION_COOKIE_NAME].value, login, reverse("admin:index"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_session_and_a_lockout_made_in_one_process_hold_in_another(django_user_model, tmp_path):
    if connection.vendor == "sqlite":
        with sqlite_file_database(tmp_path) as path:
            seen = session_and_lockout(database_url(path), django_user_model)
    else:
        seen = session_and_lockout(database_url(), django_user_model)
    assert seen == {"admin": 200, "login": 429}


def test_no_per_process_store_holds_sessions_or_login_attempts():
    """The settings, for every configuration: sessions in the database (possibly with a shared
    cache in front), never in one process's memory or files; axes counts in the database."""
    engine = settings.SESSION_ENGINE
    assert engine in {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}, engine
    backend = settings.CACHES[settings.SESSION_CACHE_ALIAS]["BACKEND"]
    if engine.endswith("cached_db"):
        assert "locmem" not in backend
        assert "filebased" not in backend
    handler = getattr(settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler")
    assert handler == "axes.handlers.database.AxesDatabaseHandler"
