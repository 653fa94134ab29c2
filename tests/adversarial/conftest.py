"""What every hostile case shares: the demo loaded once per module, a snapshot of every
application table to prove that a refused request wrote nothing, and staff users per role.

The demo is the root conftest.py's ``demo``, loaded inside a transaction that spans the module and
is rolled back at its end (as ``TestCase.setUpTestData`` does); each test runs in a savepoint inside it.
"""

from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from catalog.roles import EDITOR, PROGRAMMER, VIEWER

SNAPSHOT_APPS = ("catalog", "people", "screenings", "streaming", "auth", "admin")
PASSWORD = "a-long-test-password-1"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.adversarial)


@pytest.fixture(scope="module")
def demo_once_per_module():
    """The hostile cases only read the demo (a write is rolled back with its test's savepoint)."""
    return True


@pytest.fixture(scope="module")
def demo_with_every_model():
    """The cases go through every registered admin, closures included (no document names one)."""
    return True


def snapshot() -> dict[str, list[str]]:
    """Every row of every table of the apps (many-to-many tables included), in pk order."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in SNAPSHOT_APPS and not model._meta.proxy:
            rows = model._base_manager.order_by("pk").values_list()
            tables[model._meta.label] = [repr(row) for row in rows]
    return tables


def diff(before, after) -> dict[str, Counter]:
    """{model label: Counter(added=…, removed=…)} for the tables that differ."""
    changes = {}
    for label in after:
        old, new = set(before.get(label, ())), set(after[label])
        if old != new:
            changes[label] = Counter(added=len(new - old), removed=len(old - new))
    return changes


class Unchanged:
    """``with unchanged():`` fails unless the tables hold exactly what they held before;
    ``with unchanged(allow={"people.Person": 1}):`` allows exactly those added rows (a case
    where hostile text is accepted, then shown escaped); ``{"people.Person": {"added": 1,
    "removed": 1}}`` allows one changed row."""

    def __init__(self, allow=None):
        self.allow = allow or {}

    def __enter__(self):
        self.before = snapshot()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            return False
        changes = diff(self.before, snapshot())
        expected = {
            label: Counter(n) if isinstance(n, dict) else Counter(added=n, removed=0) for label, n in self.allow.items()
        }
        assert changes == expected, f"the database changed: {changes}"
        return False


@pytest.fixture
def unchanged():
    return Unchanged


@pytest.fixture
def staff(db):
    """{role: a logged-in client} for each group, plus "superuser"."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    clients = {}
    for role in (EDITOR, PROGRAMMER, VIEWER):
        user = users.create_user(f"{role.lower()}-user", password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        clients[role] = Client()
        clients[role].force_login(user)
    clients["superuser"] = Client()
    clients["superuser"].force_login(users.create_superuser("super-user", password=PASSWORD))
    return clients
