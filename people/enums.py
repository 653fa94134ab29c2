from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    PRODUCTION = "production", _("Production company")
    BROADCASTER = "broadcaster", _("Broadcaster")
    SALES = "sales", _("Sales agent")
    DISTRIBUTOR = "distributor", _("Distributor")
    FUNDER = "funder", _("Funder")
    PATRON = "patron", _("Patron or sponsor")
    ENSEMBLE = "ensemble", _("Ensemble or company")
    FESTIVAL = "festival", _("Festival organiser")
    PLATFORM = "platform", _("Platform operator")
    INSTITUTION = "institution", _("Cultural institution")
    OTHER = "other", _("Other")
