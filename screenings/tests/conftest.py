import pytest


@pytest.fixture
def colcoa(demo):
    from screenings.models import Edition

    return Edition.objects.get(slug="colcoa-2021")
