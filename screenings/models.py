"""Venues (and their rooms), festivals with their editions and sections, and screenings.

Times are stored as aware datetimes (UTC in the database) and always entered and shown in the
venue's own IANA zone; ``local_date`` keeps the venue-local day of the start for day filters.
"""

import uuid
from datetime import timedelta
from functools import cached_property
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Lower
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog import fields
from catalog.language import LocalizedNameMixin, localized
from catalog.models import YEAR_VALIDATORS, Country, Language, Title, title_and_below
from catalog.money import PRICE_VALIDATORS, currency_validator, price_constraints
from catalog.publishing import Publishable, PublishableQuerySet
from catalog.text import unique_slug
from catalog.versioning import VersionedModel, versioned_update
from people.models import Organization

from .constraints import RoomOverlapConstraint
from .enums import ROOM_BLOCKING_STATUSES, PremiereStatus, ScreeningStatus
from .localtime import datetime_label, offset_label, time_label, validate_timezone

#: The longest changeover a venue may have, in minutes (a day's work, well beyond any cleaning).
MAX_CHANGEOVER = 600
#: The longest a screening may last (a 24-hour marathon fits twice). An end beyond it is a typo in
#: the date; it also bounds ``upcoming()``: a screening that has not ended started after now − 48 h,
#: so the soonest-first walk starts there instead of at the first screening ever held.
MAX_LENGTH = timedelta(hours=48)

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour such as #8c1c13."))


class VenueQuerySet(models.QuerySet):
    def places(self):
        """Venues that are not rooms of another venue."""
        return self.filter(parent__isnull=True)

    def search(self, query: str):
        """Venues whose name or city contains ``query`` (case aside); preloads the parent."""
        return self.filter(Q(name__icontains=query) | Q(city__icontains=query)).select_related("parent", "country")


class Venue(VersionedModel):
    """A place that screens: a theatre, a cinema. A room is a venue with a ``parent``; it shares
    its parent's address and time zone (copied on save so that a room's zone can never differ)."""

    name = fields.CharField(_("name"), max_length=200)
    slug = fields.SlugField(
        _("slug"),
        max_length=120,
        blank=True,
        help_text=_(
            "Page and CSV address. Left empty, it is made from the name (a room's from its venue's and its own)."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("room of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rooms",
        help_text=_("Fill in for a room (screen, auditorium) inside a venue."),
    )
    address = fields.CharField(
        _("street address"), max_length=300, blank=True, help_text=_("Number and street, e.g. 6233 Hollywood Blvd.")
    )
    postcode = fields.CharField(_("postcode"), max_length=20, blank=True)
    city = fields.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("In decimal degrees, north positive, e.g. 34.101100. Fill in with the longitude."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("In decimal degrees, east positive, e.g. -118.325200. Fill in with the latitude."),
    )
    timezone = fields.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_timezone],
        help_text=_("IANA name, e.g. America/Los_Angeles. Screening times are entered and shown in this zone."),
    )
    capacity = models.PositiveIntegerField(_("capacity (seats)"), null=True, blank=True)
    changeover = models.PositiveSmallIntegerField(
        _("changeover (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_CHANGEOVER)],
        help_text=_(
            "Minutes the room needs between two screenings (cleaning, ads): a screening keeps its room this "
            "long after it ends. Empty: the building's changeover for a room, none (0) for a building."
        ),
    )
    website = fields.URLField(_("website"), blank=True)
    note = fields.internal(
        fields.TextField(_("note"), blank=True, help_text=_("Sources and inferences about this venue (staff only)."))
    )

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue or room")
        verbose_name_plural = _("venues and rooms")
        permissions = [("export_venue", _("Can export venues as CSV"))]
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="venue_slug_unique",
                violation_error_message=_(
                    "Another venue already has this slug (the end of its web address): choose another one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="venue_not_own_room",
                violation_error_message=_("A venue cannot be a room of itself: choose another parent venue."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="venue_coordinates_pair_in_range",
                violation_error_message=_(
                    "Give both the latitude (−90 to 90) and the longitude (−180 to 180), or neither."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} – {self.name}" if self.parent_id else self.name

    def save(self, *args, **kwargs):
        self.inherit_from_parent()
        self.fill_slug()
        zone_changed = bool(self.pk) and Venue.objects.filter(pk=self.pk).exclude(timezone=self.timezone).exists()
        changeover_moves = self.changeover_moves() if self.pk else []
        with transaction.atomic():
            if changeover_moves:
                # Refused (ValidationError) before anything is written if two screenings would collide.
                from .services import refresh_blocked_until  # services imports this module

                refresh_blocked_until(changeover_moves)
            super().save(*args, **kwargs)
            if zone_changed or not self.parent_id:
                versioned_update(self.rooms.exclude(timezone=self.timezone), timezone=self.timezone)
            if zone_changed:
                for screening in Screening.objects.filter(Q(venue=self) | Q(venue__parent=self)):
                    screening.save(update_fields=["local_date"])

    def get_absolute_url(self):
        place = self.parent if self.parent_id else self
        return reverse("screenings:venue_detail", kwargs={"slug": place.slug})

    def with_rooms(self):
        """Ids of this venue and of its rooms, for ``venue__in=``: a subquery on the small venue
        table that lets the database walk the screenings' (venue, starts_at) index, where
        ``venue = … OR venue.parent = …`` reads every screening."""
        return Venue.objects.filter(Q(pk=self.pk) | Q(parent=self.pk)).values("pk")

    def inherit_from_parent(self):
        """A room takes its building's zone, and its address (street, postcode, city, country,
        coordinates) when it has none."""
        if self.parent_id:
            parent = self.parent
            self.timezone = parent.timezone
            self.city = self.city or parent.city
            self.address = self.address or parent.address
            self.postcode = self.postcode or parent.postcode
            self.country_id = self.country_id or parent.country_id
            if self.latitude is None and self.longitude is None:
                self.latitude, self.longitude = parent.latitude, parent.longitude

    @property
    def changeover_minutes(self) -> int:
        """The changeover that applies: the room's own, else its building's, else none (0)."""
        if self.changeover is not None:
            return self.changeover
        if self.parent_id:
            return self.parent.changeover or 0
        return 0

    def changeover_moves(self, now=None) -> list[tuple["Venue", int]]:
        """(room, new changeover minutes) of every room whose changeover this unsaved change
        alters: this venue, and for a building its rooms that take its changeover. Empty when
        the stored value is the same."""
        stored = Venue.objects.select_related("parent").filter(pk=self.pk).first()
        if stored is None:
            return []
        moves = []
        if stored.changeover_minutes != self.changeover_minutes or stored.parent_id != self.parent_id:
            moves.append((self, self.changeover_minutes))
        if not self.parent_id and stored.changeover != self.changeover:
            moves += [(room, self.changeover or 0) for room in self.rooms.filter(changeover__isnull=True)]
        return moves

    def fill_slug(self):
        """An empty slug is made from the name (``free_slug``)."""
        if not self.slug:
            self.slug = self.free_slug()

    def free_slug(self) -> str:
        """A slug no other venue has, from the name; a room's from its venue's slug and its own
        name ("melville-theatre-salle-1"), so that "Salle 1" of every venue has its own; -2,
        -3… are added if it is taken all the same."""
        name = f"{self.parent.slug} {self.name}" if self.parent_id else self.name
        others = Venue.objects.exclude(pk=self.pk) if self.pk else Venue.objects.all()
        return unique_slug(name, lambda slug: others.filter(slug__iexact=slug).exists())

    def clean(self):
        super().clean()
        others = Venue.objects.exclude(pk=self.pk) if self.pk else Venue.objects.all()
        taken = others.filter(slug__iexact=self.slug).select_related("parent").first() if self.slug else None
        if taken is not None:
            raise ValidationError(
                {
                    "slug": _(
                        "“%(slug)s” is already the address of %(other)s. Choose another, such as "
                        "“%(free)s”, or leave it empty to have one made from the name."
                    )
                    % {"slug": self.slug, "other": taken, "free": self.free_slug()}
                }
            )
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: _("Give both the latitude and the longitude, or neither.")})
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": _("A room belongs to a venue, not to another room.")})
            if self.pk and self.parent_id == self.pk:
                raise ValidationError({"parent": _("A venue cannot be its own room.")})
        if self.pk and (self.changeover is None or 0 <= self.changeover <= MAX_CHANGEOVER):
            from .services import changeover_collision  # services imports this module

            problem = changeover_collision(self.changeover_moves())
            if problem:
                raise ValidationError({"changeover": problem})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def place(self) -> "Venue":
        """The building: the parent of a room, else the venue itself."""
        return self.parent if self.parent_id else self

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def address_parts(self) -> list[str]:
        """The address as printed, in the order of a French or British envelope: street, then
        postcode and city, then country (empty parts left out)."""
        locality = " ".join(p for p in (self.postcode, self.city) if p)
        return [p for p in (self.address, locality, self.country.name if self.country_id else "") if p]

    def map_url(self) -> str:
        """The venue on OpenStreetMap: a pin at its coordinates, else a search for its street
        address; empty when neither is known (a city alone is not an address)."""
        if self.has_coordinates:
            lat, lon = f"{self.latitude:f}", f"{self.longitude:f}"
            return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
        if self.address:
            return "https://www.openstreetmap.org/search?" + urlencode({"query": ", ".join(self.address_parts())})
        return ""


class Festival(VersionedModel):
    name = fields.CharField(_("name"), max_length=200)
    slug = fields.SlugField(_("slug"), max_length=120)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="festivals",
    )
    city = fields.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    website = fields.URLField(_("website"), blank=True)
    description_en = fields.TextField(_("description (English)"), blank=True)
    description_fr = fields.TextField(_("description (French)"), blank=True)

    class Meta:
        verbose_name = _("festival")
        verbose_name_plural = _("festivals")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="festival_slug_unique",
                violation_error_message=_(
                    "Another festival already has this slug (the end of its web address): choose another one."
                ),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return localized(self, "description")


class EditionQuerySet(PublishableQuerySet):
    def for_page(self):
        """Preloads the festival, its organiser and country, and the sections in order."""
        return self.select_related("festival__organizer", "festival__country").prefetch_related("sections")


class Edition(Publishable, VersionedModel):
    """One year of a festival: "COLCOA French Film Festival 2021"."""

    festival = models.ForeignKey(
        Festival, verbose_name=_("festival"), on_delete=models.PROTECT, related_name="editions"
    )
    slug = fields.SlugField(_("slug"), max_length=120, help_text=_("Page address, e.g. colcoa-2021."))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    name = fields.CharField(_("name"), max_length=200, blank=True, help_text=_("Leave empty for “Festival year”."))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    city = fields.CharField(_("city"), max_length=100, blank=True, help_text=_("If different from the festival's."))
    note = fields.internal(fields.TextField(_("note"), blank=True, help_text=_("Sources and inferences (staff only).")))

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("festival edition")
        verbose_name_plural = _("festival editions")
        permissions = [("export_edition", _("Can export festivals as CSV"))]
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="edition_slug_unique",
                violation_error_message=_(
                    "Another edition already has this slug (the end of its web address): choose another one."
                ),
            ),
            models.UniqueConstraint(
                fields=["festival", "year"],
                name="edition_year_unique",
                violation_error_message=_("This festival already has an edition this year: open that one instead."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="edition_ends_after_start",
                violation_error_message=_("The last day cannot be before the first."),
            ),
        ]

    def __str__(self):
        return self.name or f"{self.festival.name} {self.year}"

    def get_absolute_url(self):
        return reverse("screenings:festival_detail", kwargs={"slug": self.slug})

    @property
    def display_city(self) -> str:
        return self.city or self.festival.city

    def state_on(self, day) -> str:
        """ "Over", "On now" or "Coming" on ``day`` (the visitor's date: an edition's days are
        dates, not instants)."""
        if self.ends_on < day:
            return _("Over")
        if self.starts_on <= day:
            return _("On now")
        return _("Coming")

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())


class Section(LocalizedNameMixin, models.Model):
    """A strand of an edition ("TV series", "Classics"), with a colour for the schedule."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    name_en = fields.CharField(_("English name"), max_length=100)
    name_fr = fields.CharField(_("French name"), max_length=100, blank=True)
    colour = fields.CharField(_("colour"), max_length=7, default="#55555f", validators=[colour_validator])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "name_en"],
                name="section_name_unique",
                violation_error_message=_("This edition already has a section with this name."),
            )
        ]

    def __str__(self):
        return self.name


def _title_prefetch(prefix: str = "titles", titles=None) -> Prefetch:
    """Titles of a screening (of ``titles``, default all), in programme order, with their
    parents' names."""
    queryset = (
        (Title.objects.all() if titles is None else titles)
        .select_related("parent__parent")
        .prefetch_related("localized_titles", "parent__localized_titles", "parent__parent__localized_titles")
        .order_by("screening_titles__order", "screening_titles__pk")
    )
    return Prefetch(prefix, queryset=queryset)


def programme_name(titles: list[Title], localized: bool = True) -> str:
    """``titles`` named once: "The Opera – Season 1" for two of its episodes, else "A + B"."""
    if not titles:
        return ""
    if len(titles) == 1:
        return titles[0].full_title(localized=localized)
    parents = {t.parent_id for t in titles}
    if len(parents) == 1 and titles[0].parent_id:
        return titles[0].parent.full_title(localized=localized)
    return " + ".join(t.full_title(localized=localized) for t in titles)


#: The room-overlap constraint (``constraints.RoomOverlapConstraint``); services turns its refusal into a message.
OVERLAP_CONSTRAINT = "screening_no_overlap_in_room"


class ScreeningQuerySet(PublishableQuerySet):
    def blocking(self):
        """Screenings that occupy their room (``ROOM_BLOCKING_STATUSES``)."""
        return self.filter(status__in=ROOM_BLOCKING_STATUSES)

    def overlapping(self, venue_id, starts_at, blocked_until, exclude_pk=None):
        """Room-blocking screenings in the same venue/room whose [start, blocked_until) (their time
        and their room's changeover) meets [starts_at, blocked_until)."""
        qs = self.blocking().filter(venue_id=venue_id, starts_at__lt=blocked_until, blocked_until__gt=starts_at)
        if exclude_pk:
            qs = qs.exclude(pk=exclude_pk)
        return qs.order_by("starts_at")

    def upcoming(self, now=None):
        """Screenings that have not ended yet, soonest first (no preloading: chain ``for_schedule()``).
        They started after ``now - MAX_LENGTH``: the index on ``starts_at`` is read from there."""
        now = now or timezone.now()
        return self.filter(ends_at__gt=now, starts_at__gt=now - MAX_LENGTH).order_by("starts_at", "pk")

    def past(self, now=None):
        """Screenings that have ended, latest first (they started before ``now``: the index on
        ``starts_at`` is read backwards from there, past every upcoming screening)."""
        now = now or timezone.now()
        return self.filter(ends_at__lte=now, starts_at__lt=now).order_by("-starts_at", "-pk")

    def for_title(self, title):
        """Screenings showing ``title`` or one of its seasons or episodes."""
        return self.filter(pk__in=ScreeningTitle.objects.filter(title__in=title_and_below(title)).values("screening"))

    def for_schedule(self, titles=None):
        """Preloads what a schedule row shows: venue with its building, edition with festival,
        section, languages (one joined query); then the titles in order (of ``titles``, default
        all) with their parents' names (four queries) and the presenting partners (one query)."""
        return self.select_related(
            "venue__parent", "edition__festival", "section", "language", "subtitle_language"
        ).prefetch_related(_title_prefetch(titles=titles), "partners")

    def public(self, now=None):
        """Published screenings (``published``) preloaded as ``for_schedule``, each naming its
        published titles only: what every public page, feed and calendar shows."""
        now = now or timezone.now()
        return self.published(now).for_schedule(titles=Title.objects.published(now))


class Screening(Publishable, VersionedModel):
    """One showing of one or several titles at a venue (or one of its rooms)."""

    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("festival edition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.SET_NULL, related_name="screenings"
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue or room"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    titles = models.ManyToManyField(
        Title, through="ScreeningTitle", verbose_name=_("titles shown"), related_name="screenings"
    )
    label_en = fields.CharField(
        _("label (English)"), max_length=200, blank=True, help_text=_("What is shown, e.g. “Episodes 1 & 2”.")
    )
    label_fr = fields.CharField(_("label (French)"), max_length=200, blank=True, help_text=_("“Épisodes 1 et 2”."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    blocked_until = models.DateTimeField(
        _("room booked until"),
        editable=False,
        help_text=_("The end plus the room's changeover: the room is booked from the start until then."),
    )
    local_date = models.DateField(_("local date"), editable=False, db_index=True)
    previous_starts_at = models.DateTimeField(
        _("previously planned start"), null=True, blank=True, help_text=_("Kept when a screening is postponed.")
    )
    status = fields.CharField(
        _("status"), max_length=12, choices=ScreeningStatus.choices, default=ScreeningStatus.SCHEDULED, db_index=True
    )
    premiere = fields.CharField(_("premiere"), max_length=16, choices=PremiereStatus.choices, blank=True)
    language = models.ForeignKey(
        Language,
        verbose_name=_("spoken language"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subtitle_language = models.ForeignKey(
        Language,
        verbose_name=_("subtitles"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partners = models.ManyToManyField(
        Organization, verbose_name=_("presented in association with"), blank=True, related_name="presented_screenings"
    )
    note = fields.TextField(_("guests / Q&A note"), blank=True)
    ticket_url = fields.URLField(_("ticket link"), blank=True)
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, null=True, blank=True, validators=PRICE_VALIDATORS
    )
    currency = fields.CharField(_("currency"), max_length=3, blank=True, validators=[currency_validator])
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        permissions = [("export_screening", _("Can export screenings as CSV"))]
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="screening_ends_after_start",
                violation_error_message=_("A screening must end after it starts."),
            ),
            *price_constraints("screening", currency_message=_("Give the currency of the price.")),
            # The overlap rule: an exclusion constraint on PostgreSQL, no SQL elsewhere (see
            # screenings.constraints); its statuses are the ones check_room_is_free uses.
            RoomOverlapConstraint(
                name=OVERLAP_CONSTRAINT,
                condition=Q(status__in=ROOM_BLOCKING_STATUSES),
                ends="blocked_until",
                violation_error_message=_(
                    "This room is already booked at that time: move one screening or choose another room."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "starts_at"], name="screening_venue_start"),
            # Screenings in time order with the pk tie-break: the admin changelist (-starts_at, -pk),
            # the public list and the home page (upcoming/past: starts_at, pk).
            models.Index(fields=["starts_at", "id"], name="screening_start"),
            # upcoming()/past(): "ends_at > now" (home, lists, venue and title pages, the title
            # list's ?screening=upcoming); without it the time-ordered walk reads every past screening.
            models.Index(fields=["ends_at"], name="screening_end"),
        ]

    def __str__(self):
        local = self.local_start
        when = local.strftime("%Y-%m-%d %H:%M") + f" {local.tzname()}" if local else "?"
        label = self.label_en or (self.pk and self.programme_title(localized=False)) or ""
        return f"{label} – {self.venue} – {when}" if label else f"{self.venue} – {when}"

    def save(self, *args, **kwargs):
        if self.starts_at and self.venue_id:
            self.local_date = self.starts_at.astimezone(self.venue.zone).date()
        update_fields = kwargs.get("update_fields")
        # The booked range follows the room's current changeover whenever the times or the room
        # are written (a save of ``local_date`` alone, after a zone change, leaves it).
        derived = {"local_date"}
        if update_fields is None or {"starts_at", "ends_at", "venue", "venue_id"} & set(update_fields):
            derived.add("blocked_until")
            if self.ends_at and self.venue_id:
                self.blocked_until = self.block_end()
        if update_fields is not None:
            kwargs["update_fields"] = [*update_fields, *(derived - set(update_fields))]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("screenings:screening_detail", kwargs={"pk": self.pk})

    @classmethod
    def announced_q(cls, prefix: str = "", now=None) -> Q:
        """Published, of a published edition (or of none): ``public_q`` without its titles,
        for a query that reaches the screening through one of its titles and checks that one."""
        now = now or timezone.now()
        return cls.own_q(prefix, now) & (
            Q(**{f"{prefix}edition__isnull": True}) | Edition.own_q(f"{prefix}edition__", now)
        )

    @classmethod
    def public_q(cls, prefix: str = "", now=None) -> Q:
        """Public: published, of a published edition (or of none), and showing at least one
        published title when it lists titles (a screening of draft titles only is hidden)."""
        now = now or timezone.now()
        shown = ScreeningTitle.objects.filter(screening=OuterRef(f"{prefix}pk"))
        published = shown.filter(Title.public_q("title__", now))
        # "No title, or a published one" as two scalar subqueries with LIMIT 1 (a probe of the
        # screening's titles each), not EXISTS: PostgreSQL cannot make an EXISTS under an OR a
        # semi-join and hashed every screening's titles instead (200,000 rows, 0.4 s a list).
        return cls.announced_q(prefix, now) & (
            Q(IsNull(Subquery(shown.values("pk")[:1]), True)) | Q(IsNull(Subquery(published.values("pk")[:1]), False))
        )

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A screening must end after it starts.")})
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > MAX_LENGTH:
            message = _("A screening lasts at most 48 hours: check the date of its end.")
            raise ValidationError({"ends_at": ValidationError(message, code="too_long")})
        if self.price is not None and not self.currency:
            raise ValidationError({"currency": _("Give the currency of the price.")})
        if self.section_id and self.section.edition_id != self.edition_id:
            raise ValidationError({"section": _("This section belongs to another festival edition.")})
        self.check_within_edition()
        self.check_room_is_free()

    def check_within_edition(self):
        """The venue-local day of the start falls within the edition's first and last day; the
        message says where to widen the edition (code ``outside_edition``, params ``edition_url``)."""
        if not (self.edition_id and self.starts_at and self.venue_id):
            return
        edition = self.edition
        day = self.starts_at.astimezone(self.venue.zone).date()
        if edition.starts_on <= day <= edition.ends_on:
            return
        url = reverse("admin:screenings_edition_change", args=[edition.pk])
        raise ValidationError(
            {
                "starts_at": ValidationError(
                    _(
                        "This screening starts on %(day)s, outside %(edition)s (%(first)s to %(last)s). Choose a "
                        "day within the edition, or first widen the edition's dates: %(url)s"
                    ),
                    code="outside_edition",
                    params={
                        "day": day.isoformat(),
                        "edition": str(edition),
                        "first": edition.starts_on.isoformat(),
                        "last": edition.ends_on.isoformat(),
                        "url": url,
                        "edition_url": url,
                    },
                )
            }
        )

    def check_room_is_free(self):
        """Raises a ValidationError naming the first screening that this one would overlap, each
        with its room's changeover (``[starts_at, blocked_until)``), or the venue closure it
        would meet (a closure of the building closes its rooms too)."""
        if not (self.venue_id and self.starts_at and self.ends_at) or self.status not in ROOM_BLOCKING_STATUSES:
            return
        until = self.block_end()
        conflict = (
            Screening.objects.overlapping(self.venue_id, self.starts_at, until, exclude_pk=self.pk)
            .select_related("venue__parent")
            .first()
        )
        if conflict is not None:
            raise ValidationError(conflict_message(conflict, screening=self), code="overlap")
        closure = VenueClosure.objects.meeting(self.venue, self.starts_at, until).first()
        if closure is not None:
            raise ValidationError(closure.message(self), code="closed")

    def block_end(self):
        """The end plus the room's changeover: until when this screening keeps its room."""
        return self.ends_at + timedelta(minutes=self.venue.changeover_minutes)

    @property
    def changeover(self) -> timedelta:
        """The changeover after this screening, as stored (``blocked_until - ends_at``)."""
        if self.blocked_until is None or self.ends_at is None:
            return timedelta(0)
        return self.blocked_until - self.ends_at

    # Derived values ------------------------------------------------------------------

    @cached_property
    def zone(self) -> ZoneInfo:
        return self.venue.zone

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.zone) if self.starts_at and self.venue_id else None

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.zone) if self.ends_at and self.venue_id else None

    @property
    def local_previous_start(self):
        return self.previous_starts_at.astimezone(self.zone) if self.previous_starts_at else None

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def is_cancelled(self) -> bool:
        return self.status == ScreeningStatus.CANCELLED

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    def title_list(self) -> list[Title]:
        """The titles shown, in programme order (uses the prefetch of ``for_schedule()``; one
        query without it)."""
        if "titles" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.titles.all())
        return list(self.titles.order_by("screening_titles__order", "screening_titles__pk"))

    def programme_title(self, localized: bool = True) -> str:
        """What is shown, named once: "The Opera – Season 1" for two of its episodes."""
        return programme_name(self.title_list(), localized=localized)

    def when_label(self) -> str:
        """ "Wednesday, November 3, 2021, 9:00 am – 10:30 am PDT", in the venue's zone."""
        start, end = self.local_start, self.local_end
        end_text = time_label(end)
        if end.date() != start.date():
            end_text = datetime_label(end)
        zone = start.tzname() if start.tzname() == end.tzname() else f"{start.tzname()}/{end.tzname()}"
        return f"{datetime_label(start)} – {end_text} {zone}"

    def time_range_label(self) -> str:
        """ "9:00 am – 10:30 am PDT" (the day is given by the schedule's heading)."""
        start, end = self.local_start, self.local_end
        zone = start.tzname() if start.tzname() == end.tzname() else f"{start.tzname()}/{end.tzname()}"
        return f"{time_label(start)} – {time_label(end)} {zone}"

    def offset_label(self) -> str:
        return offset_label(self.local_start)


class ScreeningTitle(models.Model):
    """A title in a screening's programme, in order."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="screening_titles")
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="screening_titles")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("title shown")
        verbose_name_plural = _("titles shown")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "title"],
                name="screening_title_unique",
                violation_error_message=_("This title is already in this screening’s programme."),
            )
        ]

    def __str__(self):
        return f"{self.screening_id}:{self.title_id}"


def conflict_message(conflict: Screening, titles=None, line=None, screening: Screening | None = None) -> str:
    """The overlap message, naming ``conflict``: a booked screening, one of the same save not
    stored yet (its programme is then ``titles``), or one that an earlier ``line`` of the same
    CSV file wrote (its id means nothing to the person: the file is written all or nothing).
    When ``screening`` (the one refused) meets ``conflict`` only through a changeover, the
    message says so: it starts during the other's changeover, or its own runs into the other."""
    from django.utils.translation import gettext

    if line is not None:
        name = conflict.label_en or conflict.programme_title(localized=False)
        source = gettext("line %(line)s of this file") % {"line": line}
        template = gettext(
            "%(room)s is already booked from %(start)s to %(end)s by “%(other)s” (line %(line)s of this "
            "file). Choose another time or room."
        )
    elif conflict.pk is None:
        name = conflict.label_en or programme_name(titles or [], localized=False)
        source = gettext("another screening of this save")
        template = gettext(
            "%(room)s is already booked from %(start)s to %(end)s by “%(other)s” (another screening of this "
            "save). Choose another time or room."
        )
    else:
        name = conflict.label_en or conflict.programme_title(localized=False)
        source = gettext("screening #%(pk)s") % {"pk": conflict.pk}
        template = gettext(
            "%(room)s is already booked from %(start)s to %(end)s by “%(other)s” (screening #%(pk)s). "
            "Choose another time or room."
        )
    until = conflict.blocked_until or conflict.block_end()
    minutes = 0
    if screening is not None and screening.starts_at >= conflict.ends_at and until > conflict.ends_at:
        minutes = (until - conflict.ends_at) // timedelta(minutes=1)
        template = gettext(
            "%(room)s is booked until %(until)s including %(minutes)s minutes of changeover after “%(other)s” "
            "(%(source)s, %(start)s to %(end)s). Choose a later time or another room."
        )
    elif screening is not None and screening.ends_at <= conflict.starts_at:
        until = screening.block_end()
        minutes = (until - screening.ends_at) // timedelta(minutes=1)
        template = gettext(
            "%(room)s is booked until %(until)s including %(minutes)s minutes of changeover after this "
            "screening, but “%(other)s” (%(source)s) starts at %(start)s. Choose an earlier time or another room."
        )
    local_until = until.astimezone(conflict.zone)
    return template % {
        "room": str(conflict.venue),
        "start": datetime_label(conflict.local_start),
        "end": f"{time_label(conflict.local_end)} {conflict.local_end.tzname()}",
        "until": f"{time_label(local_until)} {local_until.tzname()}",
        "minutes": minutes,
        "other": name or gettext("untitled screening"),
        "source": source,
        "pk": conflict.pk,
        "line": line,
    }


class VenueClosureQuerySet(models.QuerySet):
    def meeting(self, venue: Venue, starts_at, ends_at):
        """Closures of ``venue`` or of its building whose [start, end) meets [starts_at, ends_at),
        earliest first."""
        venues = [venue.pk, venue.parent_id] if venue.parent_id else [venue.pk]
        return self.filter(venue__in=venues, starts_at__lt=ends_at, ends_at__gt=starts_at).order_by("starts_at", "pk")


class VenueClosure(VersionedModel):
    """A time when a venue (a building and all its rooms, or one room) takes no screening:
    "Closed for a private event". Saved through ``services.save_closure``."""

    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue or room"),
        on_delete=models.CASCADE,
        related_name="closures",
        help_text=_("A building closes all its rooms."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    reason_en = fields.CharField(
        _("reason (English)"), max_length=200, help_text=_("Shown on the programme grid, e.g. “Private event”.")
    )
    reason_fr = fields.CharField(_("reason (French)"), max_length=200, blank=True, help_text=_("“Soirée privée”."))

    objects = VenueClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue closure")
        verbose_name_plural = _("venue closures")
        permissions = [("export_venueclosure", _("Can export venue closures as CSV"))]
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="venue_closure_ends_after_start",
                violation_error_message=_("A closure must end after it starts."),
            ),
        ]

    def __str__(self):
        when = "?"
        if self.starts_at and self.venue_id:
            try:
                local = self.starts_at.astimezone(self.venue.zone)
            except (ZoneInfoNotFoundError, ValueError):  # its venue's page posted back with a bad zone
                local = self.starts_at
            when = f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
        return f"{self.venue} – {self.reason_en} – {when}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A closure must end after it starts.")})
        if self.venue_id and self.starts_at and self.ends_at:
            booked = self.screenings_met().select_related("venue__parent").first()
            if booked is not None:
                raise ValidationError(
                    _(
                        "“%(other)s” (screening #%(pk)s) is booked in %(room)s from %(start)s to %(end)s: move or "
                        "cancel it before closing %(venue)s at that time."
                    )
                    % {
                        "other": booked.label_en or booked.programme_title(localized=False),
                        "pk": booked.pk,
                        "room": booked.venue,
                        "start": datetime_label(booked.local_start),
                        "end": f"{time_label(booked.local_end)} {booked.local_end.tzname()}",
                        "venue": self.venue,
                    },
                    code="closed",
                )

    @property
    def reason(self) -> str:
        return localized(self, "reason")

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.venue.zone)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.venue.zone)

    def screenings_met(self):
        """Room-blocking screenings of this venue (and its rooms, for a building) whose time and
        changeover meet the closure."""
        return (
            Screening.objects.blocking()
            .filter(
                Q(venue=self.venue_id) | Q(venue__parent=self.venue_id),
                starts_at__lt=self.ends_at,
                blocked_until__gt=self.starts_at,
            )
            .order_by("starts_at", "pk")
        )

    def message(self, screening: Screening) -> str:
        """Why ``screening`` is refused: the closure, its times and its reason."""
        return _("%(venue)s is closed from %(start)s to %(end)s (%(reason)s): choose another time or venue.") % {
            "venue": self.venue,
            "start": datetime_label(self.local_start),
            "end": f"{time_label(self.local_end)} {self.local_end.tzname()}",
            "reason": self.reason,
        }
