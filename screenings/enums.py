from django.db import models
from django.utils.translation import gettext_lazy as _


class PremiereStatus(models.TextChoices):
    WORLD = "world", _("World premiere")
    INTERNATIONAL = "international", _("International premiere")
    NORTH_AMERICAN = "north-american", _("North American premiere")
    EUROPEAN = "european", _("European premiere")
    NATIONAL = "national", _("National premiere")
    LOCAL = "local", _("Local premiere")


class ScreeningStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SOLD_OUT = "sold-out", _("Sold out")
    CANCELLED = "cancelled", _("Cancelled")
    POSTPONED = "postponed", _("Postponed")


#: Statuses that occupy their room: a cancelled screening frees it (see docs/screenings.md).
#: The one definition: the Python check and the database constraint (``Screening.Meta``) read
#: it, so a change here needs the migration that ``makemigrations`` then writes.
ROOM_BLOCKING_STATUSES = [ScreeningStatus.SCHEDULED, ScreeningStatus.SOLD_OUT, ScreeningStatus.POSTPONED]


class When(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    PAST = "past", _("Past")
    ALL = "all", _("All dates")


class AmbiguousChoice(models.TextChoices):
    """Which of the two wall-clock times is meant when clocks go back."""

    EARLIER = "earlier", _("The first one (summer time, before the clocks go back)")
    LATER = "later", _("The second one (standard time, after the clocks go back)")
