"""People and organisations. Credits, roles, aliases and relations arrive with the people issue."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.images import ImageRecord
from catalog.models import Country
from catalog.text import normalize

from .enums import OrganizationKind


def _in_language(obj, field: str) -> tuple[str, str]:
    """(text, language) of ``field_en`` / ``field_fr``: the visitor's language first."""
    language = (get_language() or "en")[:2]
    for lang in ["fr", "en"] if language == "fr" else ["en", "fr"]:
        text = getattr(obj, f"{field}_{lang}")
        if text:
            return text, lang
    return "", language


class Person(models.Model):
    name = models.CharField(_("name"), max_length=200, help_text=_("As usually credited: “Cécile Ducrocq”."))
    sort_name = models.CharField(_("sort name"), max_length=200, blank=True, help_text=_("“Ducrocq, Cécile”"))
    slug = models.SlugField(_("slug"), max_length=120)
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    birth_date = models.DateField(_("born"), null=True, blank=True)
    death_date = models.DateField(_("died"), null=True, blank=True)
    nationality = models.ForeignKey(
        Country, verbose_name=_("nationality"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bio_en = models.TextField(_("biography (English)"), blank=True)
    bio_fr = models.TextField(_("biography (French)"), blank=True)
    bio_source = models.CharField(_("biography source"), max_length=300, blank=True)
    imdb_id = models.CharField(_("IMDb identifier"), max_length=20, blank=True)
    wikidata_id = models.CharField(_("Wikidata identifier"), max_length=20, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_name", "name"]
        constraints = [
            models.UniqueConstraint(Lower("slug"), name="person_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(death_date__isnull=True)
                | models.Q(birth_date__isnull=True)
                | models.Q(death_date__gte=models.F("birth_date")),
                name="person_death_after_birth",
                violation_error_message=_("A person cannot die before being born."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)

    def biography(self) -> tuple[str, str]:
        return _in_language(self, "bio")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120)
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    kind = models.CharField(_("kind"), max_length=12, choices=OrganizationKind.choices, default=OrganizationKind.OTHER)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    bio_en = models.TextField(_("history (English)"), blank=True)
    bio_fr = models.TextField(_("history (French)"), blank=True)
    bio_source = models.CharField(
        _("history source"), max_length=300, blank=True, help_text=_("“New World Encyclopedia”")
    )
    website = models.URLField(_("website"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("slug"), name="organization_slug_unique")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)

    def history(self) -> tuple[str, str]:
        return _in_language(self, "bio")


class OrganizationLogo(ImageRecord):
    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="logo")

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")

    def __str__(self):
        return f"{self.organization_id}"


class PersonPortrait(ImageRecord):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="portrait")

    class Meta:
        verbose_name = _("portrait")
        verbose_name_plural = _("portraits")

    def __str__(self):
        return f"{self.person_id}"
