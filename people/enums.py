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


class RelationKind(models.TextChoices):
    """How one person relates to another, read "<person> is the … of <other>"."""

    CHILD_OF = "child_of", _("child of")
    SPOUSE_OF = "spouse_of", _("spouse of")
    SIBLING_OF = "sibling_of", _("sibling of")
    PARTNER_OF = "partner_of", _("partner of")


class CreditTarget(models.TextChoices):
    """Who a role is usually given to; decides what a pasted new name becomes."""

    PERSON = "person", _("a person")
    ORGANIZATION = "organization", _("an organisation")
    EITHER = "either", _("a person or an organisation")
