from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlatformKind(models.TextChoices):
    SUBSCRIPTION = "subscription", _("Subscription streaming")
    AD_SUPPORTED = "ads", _("Free with ads")
    TRANSACTIONAL = "transactional", _("Rental and purchase")
    BROADCASTER = "broadcaster", _("Broadcaster or TV channel")
    ARCHIVE = "archive", _("Free archive")


class DeviceKind(models.TextChoices):
    WEB = "web", _("Web browser")
    APP = "app", _("TV or mobile app")
    DECODER = "decoder", _("TV decoder channel")


class AudienceMetric(models.TextChoices):
    SUBSCRIBERS = "subscribers", _("Subscribers")
    VISITS = "visits", _("Visits since launch")
    LIVE_RENTALS = "live_rentals", _("Live shows rented")
    CATALOGUE = "catalogue", _("Videos in the catalogue")


class BillingPeriod(models.TextChoices):
    MONTH = "month", pgettext_lazy("billing period", "Month")
    YEAR = "year", pgettext_lazy("billing period", "Year")
    ONCE = "once", pgettext_lazy("billing period", "One-off")


class PlanKind(models.TextChoices):
    SUBSCRIPTION = "subscription", _("Subscription")
    GIFT = "gift", _("Gift card")
    RENTAL = "rental", _("Rental of one live show")
    INSTITUTIONAL = "institutional", _("Institutional subscription")
    PARTNER_PASS = "pass", _("Partner pass")


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", _("Schools")
    CONSERVATORY = "conservatory", _("Conservatories")
    MEDIA_LIBRARY = "media_library", _("Media libraries")
    UNIVERSITY = "university", _("Universities")
    COMPANY = "company", _("Companies")


class DiscountAudience(models.TextChoices):
    SEASON_SUBSCRIBERS = "season_subscribers", _("Season subscribers")
    STUDENTS = "students", _("Students")
    MEMBERS = "members", _("Members")


class OfferType(models.TextChoices):
    SUBSCRIPTION = "subscription", _("Subscription")
    RENT = "rent", _("Rent")
    BUY = "buy", _("Buy")
    FREE = "free", _("Free")
    ADS = "ads", _("Free with ads")
    LIVE = "live", _("Live")
    BROADCAST = "broadcast", _("TV broadcast")


#: The order in which offer types are listed on a title page.
OFFER_TYPE_ORDER = [t.value for t in OfferType]


class Availability(models.TextChoices):
    """Where an offer's window stands on a given day (``availability.status_of``)."""

    AVAILABLE = "available", _("available")
    COMING = "coming", _("coming soon")
    ENDED = "ended", _("ended")


class Quality(models.TextChoices):
    SD = "sd", "SD"
    HD = "hd", "HD"
    UHD = "4k", "4K"
