"""CSV resources of people, organisations and credits (SPEC §6); machinery in catalog.csvio.

People and organisations are named in ``credits`` by slug or by name: names go through the
project's one name matcher (people.matching: accents, case, aliases), an unknown name
creates the record (listed as new in the dry run) and a name that matches two records is an
error. Roles are named by any of their labels, in either language.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Case, Q, TextField, Value, When
from django.db.models.functions import Concat, Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field

from catalog.csvio import (
    SEPARATOR,
    AfficheResource,
    CodePoint,
    ExportItems,
    ManyToManyColumn,
    Problem,
    RelatedColumn,
    StrictIntegerWidget,
    check_values,
    computed,
    date,
    foreign,
    grouped,
    integer,
    text,
)
from catalog.models import Country, Title
from catalog.text import normalize, unique_slug

from .enums import RelationKind
from .matching import match_names
from .models import (
    Credit,
    Organization,
    OrganizationAlias,
    Person,
    PersonAlias,
    PersonRelation,
    Role,
    RoleLabel,
)


class AliasesColumn(RelatedColumn):
    """``aliases``: "Niels [numeridanse.tv]|N. Tavernier", where it was seen in brackets."""

    prefetch = ("aliases",)

    def __init__(self, alias_model):
        self.alias_model = alias_model

    def parse(self, cell, row, resource):
        aliases = {}
        for item in cell.split(SEPARATOR):
            item = item.strip()
            if not item:
                continue
            name, seen_in = item, ""
            if item.endswith("]") and " [" in item:
                name, _sep, seen_in = item[:-1].rpartition(" [")
            checked = check_values(self.alias_model, name=name.strip(), seen_in=seen_in.strip())
            aliases[checked["name"]] = checked["seen_in"]
        return tuple(sorted(aliases.items()))

    def current(self, instance):
        if instance.pk is None:
            return ()
        return tuple(sorted((a.name, a.seen_in) for a in instance.aliases.all()))

    def render(self, instance):
        return self.cell(self.current(instance))

    @staticmethod
    def cell(aliases) -> str:
        return SEPARATOR.join(f"{name} [{seen}]" if seen else name for name, seen in aliases)

    def export_items(self, model):
        item = Case(
            When(Q(seen_in="") | Q(seen_in__isnull=True), then="name"),
            default=Concat("name", Value(" ["), "seen_in", Value("]"), output_field=TextField()),
            output_field=TextField(),
        )
        order = [CodePoint("name"), CodePoint("seen_in")]
        return ExportItems(self.alias_model.objects.all(), "owner_id", item, order)

    def export_values(self, model, pks):
        aliases = self.alias_model.objects.filter(owner_id__in=pks).values_list("owner_id", "name", "seen_in")
        return {pk: self.cell(sorted(items)) for pk, items in grouped(aliases).items()}

    def write(self, items):
        if not items:
            return
        self.alias_model.objects.filter(owner__in=[o.pk for o, _v in items]).delete()
        aliases = [
            self.alias_model(owner=owner, name=name, seen_in=seen)
            for owner, spellings in items
            for name, seen in spellings
        ]
        for alias in aliases:
            alias.fill_name_key()
        self.alias_model.objects.bulk_create(aliases)


class RelationsColumn(RelatedColumn):
    """``relations`` (a column of our own): "child_of:bertrand-tavernier|…". The other person
    may come later in the file, so links are written when every row is in."""

    prefetch = ("relations__other",)

    def parse(self, cell, row, resource):
        pairs = set()
        for item in cell.split(SEPARATOR):
            item = item.strip()
            if not item:
                continue
            kind, sep, slug = item.partition(":")
            if not sep or kind.strip() not in RelationKind.values or not slug.strip():
                raise ValueError(
                    _("Write relations as KIND:person-slug with KIND one of %(kinds)s (got “%(item)s”).")
                    % {"kinds": ", ".join(RelationKind.values), "item": item}
                )
            pairs.add((kind.strip(), slug.strip().lower()))
        return tuple(sorted(pairs))

    def current(self, instance):
        if instance.pk is None:
            return ()
        return tuple(sorted((r.kind, r.other.slug.lower()) for r in instance.relations.all()))

    def render(self, instance):
        return self.cell(self.current(instance))

    @staticmethod
    def cell(relations) -> str:
        return SEPARATOR.join(f"{kind}:{slug}" for kind, slug in relations)

    def export_items(self, model):
        item = Concat("kind", Value(":"), Lower("other__slug"), output_field=TextField())
        order = [CodePoint("kind"), CodePoint(Lower("other__slug"))]
        return ExportItems(PersonRelation.objects.all(), "person_id", item, order)

    def export_values(self, model, pks):
        relations = PersonRelation.objects.filter(person_id__in=pks).values_list("person_id", "kind", "other__slug")
        found = grouped((pk, kind, slug.lower()) for pk, kind, slug in relations)
        return {pk: self.cell(sorted(items)) for pk, items in found.items()}

    def write(self, items):
        """Deferred: PersonResource.finish writes them."""


def _name_key_before_write(items):
    for item in items:
        item.instance.fill_name_key()


def _warn_same_name(resource, line, instance, report):
    """Two rows of one file whose names match once accents, case and punctuation are set
    aside ("Agnès Varda", "Agnes  Varda") are most likely one person or organisation written
    twice: accepted (namesakes exist), with a warning naming the other line."""
    seen = resource.__dict__.setdefault("names_seen", {})
    instance.fill_name_key()
    first = seen.setdefault(instance.name_key, (line, instance.name))
    if first[0] != line and instance.name_key:
        report.warnings.append(
            Problem(
                line,
                "name",
                instance.name,
                _(
                    "Same name as line %(line)s (“%(name)s”) once accents, case and punctuation are set aside: "
                    "if it is the same %(label)s, keep one row (or merge the two records after the import)."
                )
                % {"line": first[0], "name": first[1], "label": instance._meta.verbose_name},
            )
        )


class PersonResource(AfficheResource):
    required_columns = ("slug", "name")
    bulk = True
    derived_fields = ("name_key",)
    related_columns = {"aliases": AliasesColumn(PersonAlias), "relations": RelationsColumn()}

    slug = text("slug")
    name = text("name")
    sort_name = text("sort_name")
    aliases = computed("aliases")
    birth_date = date("birth_date")
    death_date = date("death_date")
    nationality = foreign("nationality", Country, "code")
    bio_en = text("bio_en")
    bio_fr = text("bio_fr")
    bio_source = text("bio_source")
    imdb_id = text("imdb_id")
    wikidata_id = text("wikidata_id")
    relations = computed("relations")

    class Meta(AfficheResource.Meta):
        model = Person
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "sort_name",
            "aliases",
            "birth_date",
            "death_date",
            "nationality",
            "bio_en",
            "bio_fr",
            "bio_source",
            "imdb_id",
            "wikidata_id",
            "relations",
        ]
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.deferred_relations = []

    def get_export_queryset(self):
        return super().get_export_queryset().select_related("nationality").order_by("pk")

    def before_write(self, items):
        _name_key_before_write(items)

    def check_row(self, line, row, instance, report):
        _warn_same_name(self, line, instance, report)

    def write_related(self, items):
        super().write_related(items)
        self.deferred_relations += [
            (i.line, i.instance.pk, i.related["relations"]) for i in items if "relations" in i.related
        ]

    def finish(self, report):
        if not self.deferred_relations:
            return
        slugs = {slug for _line, _pk, pairs in self.deferred_relations for _kind, slug in pairs}
        found = dict(Person.objects.annotate(_key=Lower("slug")).filter(_key__in=slugs).values_list("_key", "pk"))
        links = []
        for line, pk, pairs in self.deferred_relations:
            for kind, slug in pairs:
                if slug not in found:
                    report.problems.append(Problem(line, "relations", slug, _("No person “%(v)s”.") % {"v": slug}))
                elif found[slug] == pk:
                    report.problems.append(Problem(line, "relations", slug, _("A person cannot relate to themselves.")))
                else:
                    links.append(PersonRelation(person_id=pk, kind=kind, other_id=found[slug]))
        PersonRelation.objects.filter(person__in=[pk for _line, pk, _pairs in self.deferred_relations]).delete()
        PersonRelation.objects.bulk_create(links)


class OrganizationResource(AfficheResource):
    required_columns = ("slug", "name")
    bulk = True
    derived_fields = ("name_key",)
    related_columns = {"aliases": AliasesColumn(OrganizationAlias)}

    slug = text("slug")
    name = text("name")
    kind = text("kind")
    country = foreign("country", Country, "code")
    founded_year = integer("founded_year")
    bio_en = text("bio_en")
    bio_fr = text("bio_fr")
    bio_source = text("bio_source")
    website = text("website")
    aliases = computed("aliases")

    class Meta(AfficheResource.Meta):
        model = Organization
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "kind",
            "country",
            "founded_year",
            "bio_en",
            "bio_fr",
            "bio_source",
            "website",
            "aliases",
        ]
        export_order = fields

    def get_export_queryset(self):
        return super().get_export_queryset().select_related("country").order_by("pk")

    def before_write(self, items):
        _name_key_before_write(items)

    def check_row(self, line, row, instance, report):
        _warn_same_name(self, line, instance, report)


# Credits ---------------------------------------------------------------------------


SLUG_SHAPE = re.compile(r"[a-z0-9_-]+")


class NamedLookup:
    """People or organisations named by slug or by name, resolved for a chunk at once:
    slugs first (one query), then names through the matcher (two queries); unknown names are
    created in one insert, a name matching several records is an error."""

    FIELDS = ("id", "slug", "name", "name_key")

    def __init__(self, model, resource):
        self.model, self.resource = model, resource
        self.cache: dict[str, object] = {}

    def prepare(self, cells):
        # In file order, so that the first spelling of a new name is the one kept.
        wanted = [c for c in dict.fromkeys(c.strip() for c in cells if c and c.strip()) if c.lower() not in self.cache]
        if not wanted:
            return
        # Only cells shaped like a slug can be one ("cecile-ducrocq", not "Cécile Ducrocq").
        slugs = {c.lower() for c in wanted if SLUG_SHAPE.fullmatch(c.lower())}
        if slugs:
            by_slug = self.model.objects.annotate(_key=Lower("slug")).filter(_key__in=slugs)
            for record in by_slug.only(*self.FIELDS):
                self.cache[record.slug.lower()] = record
        names = [c for c in wanted if c.lower() not in self.cache]
        new: dict[str, list[str]] = {}
        for name, found in match_names(self.model, names, self.FIELDS).items():
            if len(found) == 1:
                self.cache[name.lower()] = found[0]
            elif found:
                self.cache[name.lower()] = _("“%(name)s” matches several records (%(slugs)s): write the slug.") % {
                    "name": name,
                    "slugs": ", ".join(r.slug for r in found),
                }
            else:
                try:
                    check_values(self.model, name=name)
                except ValidationError as exc:
                    # Not created: the rows naming it get the message (line and column).
                    self.cache[name.lower()] = " ".join(exc.messages)
                    continue
                new.setdefault(normalize(name), []).append(name)
        if new:
            self.create(new)

    def create(self, new: dict[str, list[str]]):
        """One record per new name (spellings of one name make one record), in one insert."""
        bases = {key: slugify(key)[:110] or "item" for key in new}
        candidates = {f"{base}-{n}" if n > 1 else base for base in bases.values() for n in range(1, 10)}
        taken = set(
            self.model.objects.annotate(_key=Lower("slug")).filter(_key__in=candidates).values_list("_key", flat=True)
        )
        records = []
        for key, spellings in new.items():
            base = bases[key]
            slug = next((s for s in [base, *(f"{base}-{n}" for n in range(2, 10))] if s not in taken), None)
            if slug is None:
                slug = unique_slug(
                    spellings[0], lambda s: s in taken or self.model.objects.filter(slug__iexact=s).exists()
                )
            taken.add(slug)
            records.append(self.model(name=spellings[0], slug=slug, name_key=key))
        self.model.objects.bulk_create(records)
        label = self.model._meta.verbose_name
        for record, spellings in zip(records, new.values(), strict=True):
            for name in spellings:
                self.cache[name.lower()] = record
            self.resource.remember_created(record, f"{label}: {record.name}")

    def get(self, cell):
        cell = (cell or "").strip()
        if not cell:
            return None
        if cell.lower() not in self.cache:
            self.prepare([cell])
        return self.cache.get(cell.lower())

    def forget(self):
        self.cache.clear()


class NamedWidget(widgets.ForeignKeyWidget):
    """A person or an organisation by slug or name (see NamedLookup)."""

    def __init__(self, model):
        super().__init__(model, field="slug")
        self.lookup = None  # set by CreditResource for each import

    def clean(self, value, row=None, **kwargs):
        record = self.lookup.get(value)
        if isinstance(record, str):
            raise ValueError(record)
        return record

    #: The related record's field that ``render`` writes (the export reads it as a value).
    export_key = "slug"

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.slug


class RoleWidget(widgets.ForeignKeyWidget):
    """A role by any of its labels in either language ("Director", "Réalisation"), or its slug."""

    def __init__(self):
        super().__init__(Role, field="slug")
        self.roles = None

    def load(self):
        if self.roles is None:
            self.roles = {label.name_key: label.role for label in RoleLabel.objects.select_related("role")}
            self.roles |= {normalize(role.slug): role for role in Role.objects.all()}

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        self.load()
        role = self.roles.get(normalize(value))
        if role is None:
            raise ValueError(_("No role “%(value)s”.") % {"value": value})
        return role

    export_key = "name_en"

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name_en


class CreditResource(AfficheResource):
    required_columns = ("title", "role")
    bulk = True
    derived_fields = ("character_key",)
    related_columns = {"affiliations": ManyToManyColumn("affiliations", Organization, "slug")}
    export_filters = {
        "title": ("title__slug__iexact", "title__parent__slug__iexact", "title__parent__parent__slug__iexact")
    }

    title = foreign("title", Title)
    person = computed("person")
    organization = computed("organization")
    role = computed("role")
    character = text("character")
    credited_as = text("credited_as")
    affiliations = computed("affiliations")
    order = Field(attribute="order", column_name="order", widget=StrictIntegerWidget(), default=0)
    character_full_name = text("character_full_name")

    class Meta(AfficheResource.Meta):
        model = Credit
        import_id_fields = ["title", "person", "organization", "role", "character"]
        fields = [
            "title",
            "person",
            "organization",
            "role",
            "character",
            "credited_as",
            "affiliations",
            "order",
            "character_full_name",
        ]
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.people = NamedLookup(Person, self)
        self.organizations = NamedLookup(Organization, self)
        person_widget, organization_widget, self.role_widget = (
            NamedWidget(Person),
            NamedWidget(Organization),
            RoleWidget(),
        )
        person_widget.lookup, organization_widget.lookup = self.people, self.organizations
        self.fields["person"] = Field(attribute="person", column_name="person", widget=person_widget)
        self.fields["organization"] = Field(
            attribute="organization", column_name="organization", widget=organization_widget
        )
        self.fields["role"] = Field(attribute="role", column_name="role", widget=self.role_widget)
        self.columns_by_attribute |= {"person": "person", "organization": "organization", "role": "role"}

    def before_write(self, items):
        for item in items:
            item.instance.fill_character_key()

    def get_export_queryset(self):
        return super().get_export_queryset().select_related("title", "person", "organization", "role").order_by("pk")

    def prepare(self, rows):
        super().prepare(rows)
        if "person" in rows[0]:
            self.people.prepare(row["person"] for row in rows)
        if "organization" in rows[0]:
            self.organizations.prepare(row["organization"] for row in rows)

    def forget(self):
        super().forget()
        self.people.forget()
        self.organizations.forget()

    def _resolved(self, row):
        title = self.fields["title"].widget.lookup.get(row["title"]) if row.get("title", "").strip() else None
        person = self.people.get(row.get("person"))
        organization = self.organizations.get(row.get("organization"))
        try:
            role = self.role_widget.clean(row.get("role"))
        except ValueError:
            role = None
        if isinstance(person, str) or isinstance(organization, str):
            return None
        return (
            title.pk if title else None,
            person.pk if person else None,
            organization.pk if organization else None,
            role.pk if role else None,
            row.get("character", ""),
        )

    def key_of_row(self, row):
        # Resolved once per row: by ``existing`` for the chunk, then here.
        if "\0key" not in row:
            row["\0key"] = self._resolved(row)
        return row["\0key"]

    def key_of(self, credit):
        return (credit.title_id, credit.person_id, credit.organization_id, credit.role_id, credit.character)

    def existing(self, rows):
        keys = [k for k in map(self.key_of_row, rows) if k and k[0] and k[3]]
        if not keys:
            return {}
        titles = {k[0] for k in keys}
        people, organizations = {k[1] for k in keys} - {None}, {k[2] for k in keys} - {None}
        # Two queries that the partial unique indexes (title, person|organisation, role…) serve.
        base = self.get_export_queryset().filter(title__in=titles, role__in={k[3] for k in keys})
        queryset = [
            *(base.filter(person__isnull=False, person__in=people) if people else []),
            *(base.filter(organization__isnull=False, organization__in=organizations) if organizations else []),
        ]
        return {self.key_of(credit): credit for credit in queryset}

    def validate(self, instance, bulk, errored=()):
        if not {"person", "organization"} & set(errored) and (instance.person_id is None) == (
            instance.organization_id is None
        ):
            raise ValidationError({"person": _("Name either a person or an organisation, not both or neither.")})
        super().validate(instance, bulk, errored)
