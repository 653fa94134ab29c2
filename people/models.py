"""People, organisations, the role vocabulary and credits.

Names are matched through ``name_key`` columns (``catalog.text.normalize``), on the records
and on their aliases: see ``people/matching.py``, the project's one name matcher.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog import extensions, fields
from catalog.images import ImageRecord
from catalog.language import LocalizedNameMixin, in_language
from catalog.models import Country, Title, title_and_below, year_validators
from catalog.text import NameKeyMixin, normalize, search_terms
from catalog.versioning import VersionedModel

from .enums import CreditTarget, OrganizationKind, RelationKind


class NamedQuerySet(models.QuerySet):
    """Shared by people and organisations: both have ``name_key`` and ``aliases``."""

    def search(self, query: str):
        """Records whose name or one alias contains every word of ``query`` (accents and
        case aside). Preloads nothing."""
        alias_model = self.model.aliases.rel.related_model
        for term in search_terms(query):
            # Two IN sets, each read through the trigram index of its name_key on PostgreSQL
            # (migration 0006); an OR with a correlated EXISTS would read every record.
            named = self.model.objects.filter(name_key__contains=term).values("pk")
            aliased = alias_model.objects.filter(name_key__contains=term).values("owner_id")
            self = self.filter(Q(pk__in=named) | Q(pk__in=aliased))
        return self


class PersonQuerySet(NamedQuerySet):
    def for_listing(self):
        """Preloads the portrait (one join) for a list row."""
        return self.select_related("portrait", "nationality")

    def for_detail(self):
        """Preloads portrait, nationality, aliases and relations both ways with the other
        person: 1 query plus 3 prefetches."""
        return self.select_related("portrait", "nationality").prefetch_related(
            "aliases",
            models.Prefetch("relations", queryset=PersonRelation.objects.select_related("other")),
            models.Prefetch("relations_to", queryset=PersonRelation.objects.select_related("person")),
        )


class OrganizationQuerySet(NamedQuerySet):
    def for_listing(self):
        """Preloads the logo and country (joins)."""
        return self.select_related("logo", "country")

    def for_detail(self):
        """Preloads logo, country (joins) and aliases (one prefetch)."""
        return self.select_related("logo", "country").prefetch_related("aliases")


class KeepsFormerSlugs:
    """A record whose public address changed keeps its former slug (``former_slugs``), so that
    old links answer 301 to the new address (``people.views``) instead of 404. Every ``save``
    that changes a loaded record's slug records it, whatever path wrote it (admin form, merge,
    script); a CSV import writes slugs with ``bulk_update`` and records none."""

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        obj = super().from_db(db, field_names, values, *args, **kwargs)
        obj.slug_as_loaded = obj.__dict__.get("slug")
        return obj

    def save(self, *args, **kwargs):
        loaded = getattr(self, "slug_as_loaded", None)
        super().save(*args, **kwargs)
        if loaded and loaded.lower() != self.slug.lower():
            remember_slug(self, loaded)
            self.former_slugs.filter(slug__iexact=self.slug).delete()
        self.slug_as_loaded = self.slug


def remember_slug(owner, slug: str):
    """Make ``slug`` a former address of ``owner`` (taken from whoever had it before)."""
    former = owner.former_slugs.model
    updated = former.objects.filter(slug__iexact=slug).update(owner=owner)
    if not updated:
        former.objects.create(owner=owner, slug=slug)


class Person(KeepsFormerSlugs, NameKeyMixin, VersionedModel):
    name = fields.CharField(_("name"), max_length=200, help_text=_("As usually credited: “Cécile Ducrocq”."))
    sort_name = fields.CharField(_("sort name"), max_length=200, blank=True, help_text=_("“Ducrocq, Cécile”"))
    slug = fields.SlugField(_("slug"), max_length=120)
    name_key = fields.CharField(max_length=200, editable=False, db_index=True, default="")
    birth_date = models.DateField(_("born"), null=True, blank=True)
    death_date = models.DateField(_("died"), null=True, blank=True)
    nationality = models.ForeignKey(
        Country, verbose_name=_("nationality"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bio_en = fields.TextField(_("biography (English)"), blank=True)
    bio_fr = fields.TextField(_("biography (French)"), blank=True)
    bio_source = fields.CharField(_("biography source"), max_length=300, blank=True)
    imdb_id = fields.CharField(_("IMDb identifier"), max_length=20, blank=True)
    wikidata_id = fields.CharField(_("Wikidata identifier"), max_length=20, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("export_person", _("Can export people as CSV"))]
        ordering = ["sort_name", "name"]
        # The people list reads a page in this order: an index walk, not a sort of every person
        # (55 ms on PostgreSQL at the reference size).
        indexes = [models.Index(fields=["sort_name", "name"], name="person_sort")]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="person_slug_unique",
                violation_error_message=_(
                    "Another person already has this slug (the end of the web address): choose another one, e.g. with a number. If it is the same person, merge the two records from “Likely duplicates”."
                ),
            ),
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

    def get_absolute_url(self):
        return reverse("people:person_detail", kwargs={"slug": self.slug})

    def biography(self) -> tuple[str, str]:
        return in_language(self, "bio")

    @property
    def life_dates(self) -> str:
        born = self.birth_date.year if self.birth_date else ""
        died = self.death_date.year if self.death_date else ""
        if not born and not died:
            return ""
        return f"{born}–{died}" if died else f"{born}–"

    def all_relations(self) -> list[tuple[str, "Person"]]:
        """(how, other person) read from this person's side, from the prefetched relations:
        "child of Bertrand Tavernier", and the reverse "parent of Nils Tavernier"."""
        rows = [(r.get_kind_display(), r.other) for r in self.relations.all()]
        reverse_labels = {
            RelationKind.CHILD_OF: _("parent of"),
            RelationKind.SPOUSE_OF: _("spouse of"),
            RelationKind.SIBLING_OF: _("sibling of"),
            RelationKind.PARTNER_OF: _("partner of"),
        }
        rows += [(reverse_labels[r.kind], r.person) for r in self.relations_to.all()]
        return rows


class Organization(KeepsFormerSlugs, NameKeyMixin, VersionedModel):
    name = fields.CharField(_("name"), max_length=200)
    slug = fields.SlugField(_("slug"), max_length=120)
    name_key = fields.CharField(max_length=200, editable=False, db_index=True, default="")
    kind = fields.CharField(_("kind"), max_length=12, choices=OrganizationKind.choices, default=OrganizationKind.OTHER)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded"), null=True, blank=True, validators=year_validators(earliest=1000)
    )
    bio_en = fields.TextField(_("history (English)"), blank=True)
    bio_fr = fields.TextField(_("history (French)"), blank=True)
    bio_source = fields.CharField(
        _("history source"), max_length=300, blank=True, help_text=_("“New World Encyclopedia”")
    )
    website = fields.URLField(_("website"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [("export_organization", _("Can export organisations as CSV"))]
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="organization_slug_unique",
                violation_error_message=_(
                    "Another organisation already has this slug (the end of the web address): choose another one, e.g. with a number. If it is the same organisation, merge the two records from “Likely duplicates”."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("people:organization_detail", kwargs={"slug": self.slug})

    def history(self) -> tuple[str, str]:
        return in_language(self, "bio")


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


class Alias(NameKeyMixin, models.Model):
    """Another spelling of a name, and where it was seen ("Niels", numeridanse.tv)."""

    name = fields.CharField(_("name"), max_length=200)
    name_key = fields.CharField(max_length=200, editable=False, db_index=True, default="")
    seen_in = fields.internal(
        fields.CharField(
            _("seen in"),
            max_length=300,
            blank=True,
            help_text=_("Where this spelling is used: a site, a press kit (staff only)."),
        )
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class PersonAlias(Alias):
    owner = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="person_alias_unique",
                violation_error_message=_("This person already has this alias."),
            )
        ]


class OrganizationAlias(Alias):
    owner = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="aliases"
    )

    class Meta(Alias.Meta):
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="organization_alias_unique",
                violation_error_message=_("This organisation already has this alias."),
            )
        ]


class FormerSlug(models.Model):
    """An address a record had before a slug change or a merge: it redirects to the record."""

    slug = fields.SlugField(_("former slug"), max_length=120)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["slug"]

    def __str__(self):
        return self.slug


class PersonFormerSlug(FormerSlug):
    owner = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="former_slugs")

    class Meta(FormerSlug.Meta):
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="person_former_slug_unique",
                violation_error_message=_("This former address already leads to a person."),
            )
        ]


class OrganizationFormerSlug(FormerSlug):
    owner = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="former_slugs"
    )

    class Meta(FormerSlug.Meta):
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="organization_former_slug_unique",
                violation_error_message=_("This former address already leads to an organisation."),
            )
        ]


class PersonRelation(models.Model):
    """ "<person> is the <kind> <other>": Nils Tavernier, child of, Bertrand Tavernier."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relations")
    kind = fields.CharField(_("relation"), max_length=12, choices=RelationKind.choices)
    other = models.ForeignKey(
        Person, verbose_name=_("other person"), on_delete=models.CASCADE, related_name="relations_to"
    )

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "other"],
                name="person_relation_unique",
                violation_error_message=_("This relation is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("other")),
                name="person_relation_not_self",
                violation_error_message=_("A person cannot be related to themselves."),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_kind_display()} – {self.other}"


class Department(LocalizedNameMixin, VersionedModel):
    """A group of roles, in page order: Directing, Writing, … Partners."""

    slug = fields.SlugField(_("slug"), max_length=40)
    name_en = fields.CharField(_("English name"), max_length=100)
    name_fr = fields.CharField(_("French name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["order", "name_en"]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="department_slug_unique",
                violation_error_message=_("Another department already has this slug: choose another one."),
            )
        ]

    def __str__(self):
        return self.name


class RoleQuerySet(models.QuerySet):
    def for_labels(self, labels):
        """{label key: role} for the given labels (names or other labels), in one query
        with the department joined."""
        keys = {normalize(label) for label in labels} - {""}
        found = {}
        rows = RoleLabel.objects.filter(name_key__in=keys).select_related("role__department")
        for label in rows:
            found[label.name_key] = label.role
        return found


class Role(LocalizedNameMixin, VersionedModel):
    """What someone did on a work: Director, Producer, Actor, Sales agent…"""

    slug = fields.SlugField(_("slug"), max_length=60)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="roles"
    )
    name_en = fields.CharField(_("English name"), max_length=100)
    name_fr = fields.CharField(_("French name"), max_length=100)
    target = fields.CharField(
        _("given to"),
        max_length=12,
        choices=CreditTarget.choices,
        default=CreditTarget.PERSON,
        help_text=_("What a new name pasted under this role becomes."),
    )
    is_cast = models.BooleanField(
        _("cast role"), default=False, help_text=_("Names in parentheses are characters, not companies.")
    )
    schema_property = fields.CharField(
        _("schema.org property"), max_length=40, blank=True, help_text=_("director, actor, creator, producer…")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["department__order", "order", "name_en"]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="role_slug_unique",
                violation_error_message=_("Another role already has this slug: choose another one."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Its own names are labels too, so that "Director" and "Réalisateur" paste.
        for name in (self.name_en, self.name_fr):
            key = normalize(name)
            if key and not RoleLabel.objects.filter(name_key=key).exists():
                RoleLabel.objects.create(role=self, label=name)


class RoleLabel(NameKeyMixin, models.Model):
    """A label met in press kits for a role: "Directed by", "Réalisé par", "Film Editing"."""

    name_key_of = "label"

    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="labels")
    label = fields.CharField(_("label"), max_length=150)
    name_key = fields.CharField(max_length=150, editable=False, default="")

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="role_label_unique",
                violation_error_message=_("This label already belongs to a role."),
            )
        ]

    def __str__(self):
        return self.label


class CreditQuerySet(models.QuerySet):
    def characters(self, query: str):
        """Credits of people whose character's name (short or full) contains every word of
        ``query``, accents and case aside, on public titles; person and title with its
        parents joined, their names prefetched: 1 query, plus 1 per title level found."""
        terms = search_terms(query)
        if not terms:
            return self.none()
        found = self.published().filter(person__isnull=False).exclude(character_key="")
        for term in terms:
            # Through the text index of characters (people.hooks.character_index): a LIKE over
            # a million credits read them all (0.5 s at the reference size).
            found = extensions.text_indexes["characters"].contains(found, term)
        return (
            found.select_related("person", "title__parent__parent")
            .prefetch_related(
                "title__localized_titles", "title__parent__localized_titles", "title__parent__parent__localized_titles"
            )
            .order_by("person__name_key", "title__sort_title", "title__number", "pk")
        )

    def published(self, now=None):
        """Credits on titles the public may see (catalog.publishing): a draft title appears in
        no filmography and rolls up on no series page."""
        return self.filter(Title.public_q("title__", now))

    def under(self, title):
        """Credits given on ``title`` and on its seasons and episodes (two levels down)."""
        return self.filter(title__in=title_and_below(title))

    def for_title_page(self):
        """Preloads person, organisation, role and department, the credited title and its
        parent (one query with joins) and the affiliations (one prefetch)."""
        return (
            self.select_related("person", "organization", "role__department", "title__parent")
            .prefetch_related("affiliations")
            .order_by("role__department__order", "role__order", "order", "pk")
        )

    def for_filmography(self, names: bool = True):
        """Preloads role, department, the credited title with its parent and grandparent
        (one query with joins), their localized names (three prefetches) and the
        affiliations (one prefetch). ``names=False`` skips the names: ``filmography`` then
        reads the names of the top-level works only (a person on 3,000 episodes of a few
        series needs a few names, not 3,000)."""
        names_of = (
            ["title__localized_titles", "title__parent__localized_titles", "title__parent__parent__localized_titles"]
            if names
            else []
        )
        return (
            self.select_related("role__department", "title__parent__parent", "person", "organization")
            .prefetch_related("affiliations", *names_of)
            .order_by("role__department__order", "role__order", "title__year", "pk")
        )


class Credit(VersionedModel):
    """A person or an organisation (exactly one) in a role on a title at any level."""

    title = models.ForeignKey(Title, verbose_name=_("title"), on_delete=models.PROTECT, related_name="credits")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="credits"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credits",
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="credits")
    character = fields.CharField(
        _("character"), max_length=200, blank=True, help_text=_("As written in the source: “Zoe”.")
    )
    character_full_name = fields.CharField(
        _("character's full name"),
        max_length=200,
        blank=True,
        help_text=_("When the source gives a short form: “Zoé Monin” for “Zoe”. Used to group seasons."),
    )
    #: ``normalize`` of both character names, for the site search ("zoe monin zoe"); kept by
    #: ``save`` and by the bulk writers that call ``fill_character_key`` (CSV, generator).
    character_key = fields.CharField(max_length=401, blank=True, default="", editable=False)
    credited_as = fields.CharField(
        _("credited as"), max_length=200, blank=True, help_text=_("The name on this work when it differs.")
    )
    affiliations = models.ManyToManyField(
        Organization,
        verbose_name=_("for companies"),
        blank=True,
        related_name="affiliated_credits",
        help_text=_("The companies in “Florence Levard (Victoria Productions, Telfrance)”."),
    )
    order = models.PositiveSmallIntegerField(_("billing order"), default=0)

    objects = CreditQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        permissions = [("export_credit", _("Can export credits as CSV"))]
        ordering = ["role__department__order", "role__order", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="credit_person_xor_organization",
                violation_error_message=_("A credit names either a person or an organisation, not both."),
            ),
            models.UniqueConstraint(
                fields=["title", "person", "role", "character"],
                condition=Q(person__isnull=False),
                name="credit_person_unique",
                violation_error_message=_("This person already has this role (and character) on this title."),
            ),
            models.UniqueConstraint(
                fields=["title", "organization", "role"],
                condition=Q(organization__isnull=False),
                name="credit_organization_unique",
                violation_error_message=_("This organisation already has this role on this title."),
            ),
        ]
        indexes = [
            models.Index(fields=["person", "role"], name="credit_person_role"),
            models.Index(fields=["organization", "role"], name="credit_organization_role"),
        ]

    def __str__(self):
        return f"{self.name} – {self.role} – {self.title}"

    def fill_character_key(self):
        self.character_key = normalize(
            " ".join(dict.fromkeys(n for n in (self.character_full_name, self.character) if n))
        )

    def save(self, *args, **kwargs):
        self.fill_character_key()
        super().save(*args, **kwargs)

    @property
    def credited(self):
        """The person or the organisation."""
        return self.person or self.organization

    @property
    def name(self) -> str:
        return self.credited_as or str(self.credited or "")

    @property
    def character_name(self) -> str:
        """The character's full name when known, else as written."""
        return self.character_full_name or self.character
