import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """The whole demo, as `make run` loads it."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def colcoa(demo):
    from screenings.models import Edition

    return Edition.objects.get(slug="colcoa-2021")
