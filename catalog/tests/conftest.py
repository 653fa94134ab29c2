import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """The whole demo, as `make run` loads it."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
