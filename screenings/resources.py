"""CSV resources of the screenings app (SPEC §6 "venues", "festivals", "screenings", and the
venues' "closures"); the machinery is in catalog.csvio and the cell formats are described in
docs/csv.md.

Times: ``starts_at``/``ends_at`` are wall-clock times in the venue's zone ("2021-11-03T09:00"),
read and written through screenings.localtime, the code that the admin forms use. A time that
the clocks skip is refused; a time that happens twice is refused unless the cell gives its
offset ("2021-11-07T01:30-07:00"), and the export writes the offset for those times only.
"""

import re
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from catalog.csvio import (
    SEPARATOR,
    AfficheResource,
    CachedLookup,
    ExportItems,
    ManyToManyColumn,
    NaturalKeysWidget,
    RelatedColumn,
    TextWidget,
    check_values,
    computed,
    date,
    date_time,
    decimal_number,
    foreign,
    grouped,
    integer,
    price,
    text,
    unknown_message,
)
from catalog.models import Country, Language, Title
from catalog.text import normalize, unique_slug
from people.models import Organization

from .enums import ScreeningStatus
from .localtime import UTC, format_wall_time, parse_wall_time
from .models import Edition, Festival, Screening, ScreeningTitle, Section, Venue, VenueClosure, conflict_message
from .services import Booking, running_time, save_closure, save_screenings, set_titles

# Shared cell widgets ---------------------------------------------------------------


class DefaultTextWidget(TextWidget):
    """A choice whose empty cell means the model's default ("scheduled")."""

    def __init__(self, default):
        super().__init__()
        self.default = default

    def clean(self, value, row=None, **kwargs):
        return (value or "").strip() or self.default


class UidWidget(TextWidget):
    """The calendar UID (a UUID, "…@affiche" accepted): kept by a round trip so that calendar
    subscribers see the same events; an empty cell keeps the stored one (or makes one)."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip().removesuffix("@affiche")
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError as exc:
            raise ValueError(
                _("Write the calendar UID as a UUID such as %(example)s, or leave it empty.")
                % {"example": "0b0e5a4e-6a0f-4c5e-9d55-2f9c2f6f1a11"}
            ) from exc

    value_render = True
    sql_kind = "uuid"

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


# Venues ----------------------------------------------------------------------------


class VenueResource(AfficheResource):
    export_filters = {"venue": ("slug__iexact", "parent__slug__iexact")}
    required_columns = ("slug", "name", "timezone")

    slug = text("slug")
    name = text("name")
    parent = foreign("parent", Venue, label=gettext_lazy("venue"))
    address = text("address")
    postcode = text("postcode")
    city = text("city")
    country = foreign("country", Country, "code")
    latitude = decimal_number("latitude")
    longitude = decimal_number("longitude")
    timezone = text("timezone")
    capacity = integer("capacity")
    changeover = integer("changeover")
    note = text("note")

    class Meta(AfficheResource.Meta):
        model = Venue
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "parent",
            "address",
            "postcode",
            "city",
            "country",
            "latitude",
            "longitude",
            "timezone",
            "capacity",
            "changeover",
            "note",
        ]
        export_order = fields

    def apply(self, instance, row):
        """A room's empty address (street, postcode, city, country, coordinates) is its building's
        (as on save)."""
        errors, related = super().apply(instance, row)
        if "parent" not in errors:
            instance.inherit_from_parent()
        return errors, related

    def get_export_queryset(self):
        """Buildings before their rooms, so that a file imports in order."""
        is_room = Case(When(parent__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        return super().get_export_queryset().select_related("parent", "country").order_by(is_room, "slug")


# Festivals (one row per edition) ---------------------------------------------------

FESTIVAL_COLUMNS = ("name", "organizer", "city", "country", "description_en", "description_fr")


class FestivalColumn(RelatedColumn):
    """``festival`` and the festival's own cells (name, organizer, city, country, descriptions),
    repeated on each of its editions' rows. The festival is found by its slug, or by its name
    (accents and case aside) when the cell is empty, and created when it does not exist."""

    prefetch = ()

    def __init__(self):
        self.festivals = CachedLookup(Festival)
        self.organizations = CachedLookup(Organization)
        self.countries = CachedLookup(Country, "code")

    def prepare(self, cells):
        self.festivals.prefetch(cells)

    def find(self, row) -> Festival | None:
        slug = row.get("festival", "").strip()
        if slug:
            return self.festivals.get(slug)
        key = normalize(row.get("name", ""))
        return next((f for f in Festival.objects.all() if normalize(f.name) == key), None) if key else None

    def parse(self, cell, row, resource):
        festival = self.find(row)
        values = self.current_values(festival) if festival else dict.fromkeys(FESTIVAL_COLUMNS, "")
        for column in FESTIVAL_COLUMNS:
            if column in row:
                values[column] = row[column] if column.startswith("description") else row[column].strip()
        errors = {}
        for column, lookup in (("organizer", self.organizations), ("country", self.countries)):
            if values[column]:
                record = lookup.get(values[column])
                if record is None:
                    errors[column] = [unknown_message(lookup.model, column, values[column])]
                else:
                    values[column] = getattr(record, lookup.field)  # as stored: "US", not "us"
        if errors:
            raise ValidationError(errors)
        if festival is None:
            slug = row.get("festival", "").strip() or unique_slug(
                values["name"], lambda s: Festival.objects.filter(slug__iexact=s).exists()
            )
            festival = self.store(Festival(slug=slug), values)
            self.festivals.remember(festival)
        resource.festival = festival
        return tuple(values[c] for c in FESTIVAL_COLUMNS)

    def store(self, festival, values) -> Festival:
        festival.name = values["name"]
        organizer = self.organizations.get(values["organizer"]) if values["organizer"] else None
        country = self.countries.get(values["country"]) if values["country"] else None
        festival.organizer, festival.country = organizer, country
        festival.city = values["city"]
        festival.description_en, festival.description_fr = values["description_en"], values["description_fr"]
        try:
            festival.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                {("festival" if name == "slug" else name): messages for name, messages in exc.message_dict.items()}
            ) from exc
        festival.save()
        return festival

    @staticmethod
    def current_values(festival) -> dict:
        return {
            "name": festival.name,
            "organizer": festival.organizer.slug if festival.organizer_id else "",
            "city": festival.city,
            "country": festival.country_id or "",
            "description_en": festival.description_en,
            "description_fr": festival.description_fr,
        }

    def current(self, instance):
        if not instance.festival_id:
            return ()
        return tuple(self.current_values(instance.festival).values())

    def render(self, instance):
        return instance.festival.slug

    def write(self, items):
        for edition, values in items:
            self.store(edition.festival, dict(zip(FESTIVAL_COLUMNS, values, strict=True)))


COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class SectionsColumn(RelatedColumn):
    """``sections``: "TV Series:Séries:#1a55c4|Classics", in order; a section keeps its
    screenings when its English name stays; sections no longer listed are removed."""

    prefetch = ("sections",)
    EXAMPLE = "TV Series:Séries:#1a55c4"

    def parse(self, cell, row, resource):
        sections, seen = [], set()
        for item in NaturalKeysWidget.keys(cell):
            name_en, name_fr, colour = [*(part.strip() for part in item.split(":", 2)), "", ""][:3]
            if not name_en:
                raise ValidationError(_("Write sections like %(example)s.") % {"example": self.EXAMPLE})
            if colour and not COLOUR.match(colour):
                raise ValidationError(_("“%(colour)s” is not a colour such as #1a55c4.") % {"colour": colour})
            if name_en.lower() in seen:
                raise ValidationError(_("Section “%(name)s” is listed twice.") % {"name": name_en})
            seen.add(name_en.lower())
            check_values(Section, name_en=name_en, name_fr=name_fr)
            sections.append((name_en, name_fr, (colour or Section._meta.get_field("colour").default).lower()))
        return tuple(sections)

    def current(self, instance):
        if instance.pk is None:
            return ()
        return tuple((s.name_en, s.name_fr, s.colour.lower()) for s in instance.sections.all())

    def render(self, instance):
        default = Section._meta.get_field("colour").default
        cells = []
        for name_en, name_fr, colour in self.current(instance):
            parts = [name_en, name_fr, "" if colour == default else colour]
            while not parts[-1]:
                parts.pop()
            cells.append(":".join(parts))
        return SEPARATOR.join(cells)

    def write(self, items):
        for edition, sections in items:
            existing = {s.name_en.lower(): s for s in edition.sections.all()}
            for order, (name_en, name_fr, colour) in enumerate(sections, start=1):
                section = existing.pop(name_en.lower(), None) or Section(edition=edition)
                section.name_en, section.name_fr, section.colour, section.order = name_en, name_fr, colour, order
                section.save()
            for section in existing.values():
                section.delete()


class FestivalResource(AfficheResource):
    """One row per festival edition ("colcoa-2021"), the slug that screenings name."""

    export_filters = {"festival": ("slug__iexact",)}

    required_columns = ("slug", "name", "year", "starts_on", "ends_on")
    slug = text("slug")
    name = computed("name")
    year = integer("year")
    starts_on = date("starts_on")
    ends_on = date("ends_on")
    organizer = computed("organizer")
    festival = computed("festival")
    city = computed("city")
    country = computed("country")
    description_en = computed("description_en")
    description_fr = computed("description_fr")
    sections = computed("sections")
    note = text("note")

    published_at = date_time("published_at")

    class Meta(AfficheResource.Meta):
        model = Edition
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "year",
            "starts_on",
            "ends_on",
            "organizer",
            "festival",
            "city",
            "country",
            "description_en",
            "description_fr",
            "sections",
            "note",
            "published_at",
        ]
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.related_columns = {"festival": FestivalColumn(), "sections": SectionsColumn()}
        self.festival = None

    def apply(self, instance, row):
        self.festival = None
        row = {**row, "festival": row.get("festival", "")}
        errors, related = super().apply(instance, row)
        if self.festival is not None:
            instance.festival = self.festival
        return errors, related

    def export_field(self, field, instance, **kwargs):
        if field.column_name in FESTIVAL_COLUMNS:
            return FestivalColumn.current_values(instance.festival)[field.column_name]
        return super().export_field(field, instance, **kwargs)

    def get_export_queryset(self):
        return (
            super()
            .get_export_queryset()
            .select_related("festival__organizer")
            .order_by("festival__slug", "year", "slug")
        )


# Rows at a venue's wall-clock times (screenings, closures) ------------------------


class LocalTimeWidget(TextWidget):
    """A wall-clock time in the zone of the row's venue (looked up by ``venues``)."""

    def __init__(self, venues: CachedLookup):
        super().__init__()
        self.venues = venues

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        venue = self.venues.get((row or {}).get("venue", ""))
        if venue is None:
            raise ValueError(_("A time is read in its venue's zone: give a known venue."))
        return parse_wall_time(value, venue.timezone)


class VenueTimesMixin:
    """A resource whose rows are at a ``venue`` (or room, by slug) from ``starts_at`` to
    ``ends_at``, wall-clock times in the venue's zone (``LocalTimeWidget``); its natural key is
    the venue and the instant of the start, so that a re-import finds the record whatever
    offset a cell wrote. The export writes the times as the import reads them."""

    export_cells = {
        "starts_at": (("starts_at", "venue__timezone"), format_wall_time),
        "ends_at": (("ends_at", "venue__timezone"), format_wall_time),
    }

    def read_local_times(self):
        """The time columns read in the zone of the row's venue (from ``__init__``)."""
        venues = self.fields["venue"].widget.lookup
        self.fields["starts_at"].widget = LocalTimeWidget(venues)
        self.fields["ends_at"].widget = LocalTimeWidget(venues)

    def start_of_row(self, row) -> datetime | None:
        """The instant that the row's ``starts_at`` means at its venue, None when unreadable."""
        venue = self.fields["venue"].widget.lookup.get(row.get("venue", "")) if row.get("venue", "").strip() else None
        try:
            return parse_wall_time(row.get("starts_at", ""), venue.timezone) if venue else None
        except ValidationError:
            return None

    def key_of(self, instance) -> tuple:
        return (instance.venue.slug.lower(), instance.starts_at.astimezone(UTC).isoformat())

    def key_of_row(self, row) -> tuple:
        start = self.start_of_row(row)
        return (
            str(row.get("venue", "")).strip().lower(),
            start.isoformat() if start else normalize(row.get("starts_at", "")),
        )

    def natural_key(self, row) -> tuple:
        return self.key_of_row(row)

    def existing(self, rows):
        lookup = self.fields["venue"].widget.lookup
        venues = {lookup.get(row["venue"]) for row in rows if row.get("venue", "").strip()} - {None}
        starts = {self.start_of_row(row) for row in rows} - {None}
        if not venues or not starts:
            return {}
        queryset = self.get_export_queryset().filter(venue__in=venues, starts_at__in=starts)
        return {self.key_of(record): record for record in queryset}

    def dehydrate_starts_at(self, record):
        return format_wall_time(record.starts_at, record.venue.timezone)

    def dehydrate_ends_at(self, record):
        return format_wall_time(record.ends_at, record.venue.timezone)


# Screenings ------------------------------------------------------------------------


class SectionWidget(TextWidget):
    """A section of the row's festival edition, by its English name."""

    def __init__(self, editions: CachedLookup):
        super().__init__()
        self.editions = editions

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        edition = self.editions.get((row or {}).get("festival", ""))
        section = edition and next((s for s in edition.sections.all() if s.name_en.lower() == value.lower()), None)
        if section is None:
            raise ValueError(_("No section “%(value)s” in this festival.") % {"value": value})
        return section

    #: The section's field that ``render`` writes (the export reads it as a value).
    export_key = "name_en"

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name_en


class TitlesColumn(RelatedColumn):
    """``titles``: the programme, in order, by slug: "l-opera-season-1-episode-1|…-episode-2"."""

    prefetch = ("screening_titles__title",)

    def __init__(self):
        self.lookup = CachedLookup(Title)

    def prepare(self, cells):
        self.lookup.prefetch(slug for cell in cells for slug in NaturalKeysWidget.keys(cell))

    def parse(self, cell, row, resource):
        titles, unknown = [], []
        for slug in NaturalKeysWidget.keys(cell):
            title = self.lookup.get(slug)
            if title is None:
                unknown.append(slug)
            elif title in titles:
                raise ValidationError(_("Title “%(slug)s” is listed twice.") % {"slug": slug})
            else:
                titles.append(title)
        if unknown:
            raise ValidationError(_("No title “%(value)s”.") % {"value": ", ".join(unknown)})
        return tuple(titles)

    def current(self, instance):
        if instance.pk is None:
            return ()
        return tuple(st.title for st in instance.screening_titles.all())

    def render(self, instance):
        return SEPARATOR.join(title.slug for title in self.current(instance))

    def export_items(self, model):
        return ExportItems(ScreeningTitle.objects.all(), "screening_id", "title__slug", ["order", "pk"])

    def export_values(self, model, pks):
        slugs = ScreeningTitle.objects.filter(screening_id__in=pks).values_list("screening_id", "title__slug")
        return {pk: SEPARATOR.join(items) for pk, items in grouped(slugs).items()}

    def write(self, items):
        for screening, titles in items:
            set_titles(screening, list(titles))


class ScreeningResource(VenueTimesMixin, AfficheResource):
    export_filters = {
        "festival": ("edition__slug__iexact",),
        "venue": ("venue__slug__iexact", "venue__parent__slug__iexact"),
        "title": ("titles__slug__iexact", "titles__parent__slug__iexact", "titles__parent__parent__slug__iexact"),
    }
    required_columns = ("venue", "starts_at")

    venue = foreign("venue", Venue, label=gettext_lazy("venue"))
    starts_at = text("starts_at")
    ends_at = text("ends_at")
    titles = computed("titles")
    label = text("label", "label_en")
    label_fr = text("label_fr")
    festival = foreign("festival", Edition, attribute="edition", label=gettext_lazy("festival"))
    section = text("section")
    premiere = text("premiere")
    language = foreign("language", Language, "code")
    subtitles = foreign("subtitles", Language, "code", attribute="subtitle_language")
    partners = computed("partners")
    status = Field(attribute="status", column_name="status", widget=DefaultTextWidget(ScreeningStatus.SCHEDULED))
    ticket_url = text("ticket_url")
    price = price("price")
    currency = text("currency")
    note = text("note")
    uid = Field(attribute="uid", column_name="uid", widget=UidWidget(), saves_null_values=False)

    published_at = date_time("published_at")

    class Meta(AfficheResource.Meta):
        model = Screening
        import_id_fields = ["venue", "starts_at"]
        fields = [
            "venue",
            "starts_at",
            "ends_at",
            "titles",
            "label",
            "label_fr",
            "festival",
            "section",
            "premiere",
            "language",
            "subtitles",
            "partners",
            "status",
            "ticket_url",
            "price",
            "currency",
            "note",
            "published_at",
            "uid",
        ]
        export_order = fields

    derived_fields = ("local_date",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        #: {pk: line} of the screenings this import wrote, for the overlap message.
        self.lines_written = {}
        self.read_local_times()
        self.fields["section"].widget = SectionWidget(self.fields["festival"].widget.lookup)
        self.related_columns = {
            "titles": TitlesColumn(),
            "partners": ManyToManyColumn("partners", Organization, label=gettext_lazy("organisation")),
        }

    # Import ----------------------------------------------------------------------------

    def apply(self, instance, row):
        errors, related = super().apply(instance, row)
        titles = related.get("titles")
        if not instance.ends_at and instance.starts_at and "ends_at" not in errors and titles is not None:
            try:
                instance.ends_at = instance.starts_at + running_time(titles)
            except ValidationError as exc:
                errors["ends_at"] = exc.messages
        return errors, related

    def save_one(self, item):
        """Row by row (``bulk`` stays off) through the screenings' one write path, which checks
        the room again under its lock (the row has just passed ``full_clean``); the titles and
        partners cells are written with it."""
        related = dict(item.related)
        titles = related.pop("titles", None)
        links = {self.related_columns[column].attribute: list(values) for column, values in related.items()}
        try:
            save_screenings([Booking(item.instance, None if titles is None else list(titles), links)], validated=True)
        except ValidationError as exc:
            raise self.named_by_line(item.instance, exc) from exc
        self.lines_written[item.instance.pk] = item.line

    def validate(self, instance, bulk: bool, errored=()):
        try:
            super().validate(instance, bulk, errored)
        except ValidationError as exc:
            raise self.named_by_line(instance, exc) from exc

    def named_by_line(self, screening, exc: ValidationError) -> ValidationError:
        """An overlap with a screening that an earlier line of this file wrote names that line,
        not the id of a record that the all-or-nothing import may never keep."""
        if not self.lines_written or not screening.venue_id or not screening.starts_at or not screening.ends_at:
            return exc
        conflict = (
            Screening.objects.overlapping(screening.venue_id, screening.starts_at, screening.block_end(), screening.pk)
            .filter(pk__in=list(self.lines_written))
            .select_related("venue__parent")
            .first()
        )
        if conflict is None:
            return exc
        line = self.lines_written[conflict.pk]
        by_id = conflict_message(conflict, screening=screening)
        by_line = conflict_message(conflict, line=line, screening=screening)
        if hasattr(exc, "error_dict"):
            return ValidationError(
                {name: [by_line if m == by_id else m for m in messages] for name, messages in exc.message_dict.items()}
            )
        return ValidationError([by_line if m == by_id else m for m in exc.messages], code=exc.code)

    def get_export_queryset(self):
        return (
            super()
            .get_export_queryset()
            .select_related("venue", "edition", "section", "language", "subtitle_language")
            .order_by("starts_at", "venue__slug")
        )


# Venue closures ----------------------------------------------------------------------


class ClosureResource(VenueTimesMixin, AfficheResource):
    """Times when a venue (all its rooms) or one room takes no screening (issue 18). Keyed, like
    a screening, by the venue and the instant of the start; written through
    ``services.save_closure``, so a closure over a booked screening is a row's error naming it."""

    export_filters = {"venue": ("venue__slug__iexact", "venue__parent__slug__iexact")}
    required_columns = ("venue", "starts_at", "ends_at", "reason_en")

    venue = foreign("venue", Venue, label=gettext_lazy("venue"))
    starts_at = text("starts_at")
    ends_at = text("ends_at")
    reason_en = text("reason_en")
    reason_fr = text("reason_fr")

    class Meta(AfficheResource.Meta):
        model = VenueClosure
        import_id_fields = ["venue", "starts_at"]
        fields = ["venue", "starts_at", "ends_at", "reason_en", "reason_fr"]
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.read_local_times()

    def save_one(self, item):
        """Row by row, through the closures' one write path: the venue and its rooms locked,
        then the screenings met checked again (the row has passed ``full_clean`` unlocked)."""
        save_closure(item.instance)

    def get_export_queryset(self):
        return super().get_export_queryset().select_related("venue").order_by("starts_at", "venue__slug", "pk")
