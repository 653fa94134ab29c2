import datetime

import pytest

#: The day the tests pretend it is: after the first batch of the demo release, before the second.
FROZEN_NOW = datetime.datetime(2026, 2, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen_today(time_machine):
    """The clock stands still at ``FROZEN_NOW`` for this test (and the live server's thread, which
    shares the process): ``timezone.now()``, ``localdate()`` and so ``streaming.models.today()``
    read it from the real time source, which time-machine replaces."""
    time_machine.move_to(FROZEN_NOW, tick=False)
    return FROZEN_NOW.date()
