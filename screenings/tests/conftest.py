import pytest
from django.core.management import call_command


@pytest.fixture
def demo(iso_codes):
    """The whole demo, as `make run` loads it."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def colcoa(demo):
    from screenings.models import Edition

    return Edition.objects.get(slug="colcoa-2021")


@pytest.fixture(autouse=True)
def _english():
    """Messages built outside a request are in English, whatever a previous /fr/ request left."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def iso_codes(db):
    """Languages and countries the factories use. Transactional tests run on a database that an
    earlier transactional test may have flushed (the seeding migration's rows gone)."""
    from importlib import import_module

    from django.apps import apps

    import_module("catalog.migrations.0002_seed_countries_languages").seed(apps, None)
