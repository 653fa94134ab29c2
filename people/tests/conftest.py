"""The demo fixture is the catalog one: the whole demo as `make run` loads it."""

from catalog.tests.conftest import demo  # noqa: F401
