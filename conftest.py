import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads made by tests go to a temporary folder, never into media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests read what a visitor reads; plain static storage needs no collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
