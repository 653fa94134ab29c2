import datetime

import pytest
from django.utils import timezone

#: The day the tests pretend it is: after the first batch of the demo release, before the second.
FROZEN_NOW = datetime.datetime(2026, 2, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen_today(monkeypatch):
    """``timezone.now()`` (and so ``localdate()``, which the pages use for "today") is fixed."""
    monkeypatch.setattr(timezone, "now", lambda: FROZEN_NOW)
    return FROZEN_NOW.date()


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
