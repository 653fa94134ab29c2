"""The programme grid of a festival edition (issue 18): one tab per day, one column per room
(grouped by venue), a screening drawn as a block from its start to its end.

The vertical axis is elapsed time, not wall-clock time: one row per ``STEP`` minutes counted from
the day's first instant, so a night when the clocks go back shows its repeated hour twice (1:30
PDT, then 1:30 PST) and a spring-forward night has no row for the skipped hour (the label before
the gap says so). A block spans the rows of its real length, overnight ones too. The rows are
CSS grid lines (classes ``gs-N``/``ge-N`` from ``grid.css``): the page is drawn without
JavaScript and without inline styles (the Content-Security-Policy allows neither).

A day's tab costs a constant number of queries whatever the edition's size (``day_grid``).
Moves and creations (``move``, ``create``) go through ``services.save_screenings``, the one
write path, after a version check.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from html import escape
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from catalog import audit
from catalog.language import current_language, localized
from catalog.models import Title

from . import services
from .enums import ROOM_BLOCKING_STATUSES, ScreeningStatus
from .localtime import UTC, day_label, fold_choice, make_local_aware, time_label
from .models import Edition, Screening, Venue, VenueClosure, programme_name

#: Minutes per row of the grid (where a drag snaps).
STEP = 5
#: A day with no screening shows these local hours (an evening festival's usual span).
DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR = 10, 24
#: The greatest number of rows (a day of 36 hours); ``grid.css`` has a class for each line.
MAX_ROWS = 36 * 60 // STEP


@dataclass
class Block:
    screening: Screening
    row_start: int
    row_end: int
    name: str
    start_label: str
    end_label: str
    zone_label: str
    colour: str
    status: str
    status_label: str
    overnight: bool
    url: str
    section: str = ""  # the section's name, in the page's language
    #: The changeover band after the block (hatched): its last line (0: none) and its end.
    changeover_row_end: int = 0
    changeover_label: str = ""

    @property
    def minutes(self) -> int:
        return int(self.screening.duration.total_seconds() // 60)

    @property
    def changeover_minutes(self) -> int:
        return int(self.screening.changeover.total_seconds() // 60)

    def html(self, may_move: bool) -> SafeString:
        """The block as the grid draws it (``{% grid_block %}``), its changeover band first.

        Written here rather than in the template: a day of a hundred screenings was some four
        thousand template nodes, half of the page's time (issue 18: < 100 ms for a day tab).
        Every value goes through ``escape``; the markup is the template's, byte for byte."""
        screening, name = self.screening, escape(self.name)
        parts = []
        if self.changeover_row_end:
            parts.append(
                f'<div class="sg-changeover gs-{self.row_end} ge-{self.changeover_row_end}" '
                f'data-changeover-of="{screening.pk}"><span class="visually-hidden">'
                f"{escape(self.changeover_label)}</span></div>"
            )
        coloured = f' data-colour="{escape(self.colour)}"' if self.colour else ""
        parts.append(
            f'<article class="sg-block gs-{self.row_start} ge-{self.row_end} sg-{escape(self.status)}'
            f'{" sg-coloured" if self.colour else ""}" id="screening-{screening.pk}" '
            f'data-screening="{screening.pk}" data-version="{screening.version}" '
            f'data-start="{screening.starts_at.isoformat()}" data-end="{screening.ends_at.isoformat()}"{coloured}>\n'
        )
        link = f"<s>{name}</s>" if self.status == ScreeningStatus.CANCELLED else name
        parts.append(f'{INDENT}<a class="sg-link" href="{escape(self.url)}">{link}</a>\n')
        overnight = f' <span class="sg-overnight">({escape(_("ends the next day"))})</span>' if self.overnight else ""
        parts.append(
            f'{INDENT}<p class="sg-time">{escape(self.start_label)} – {escape(self.end_label)} '
            f"{escape(self.zone_label)}{overnight}</p>\n"
        )
        section = f'<span class="sg-section">{escape(self.section)}</span>' if self.section else ""
        status = ""
        if self.status != ScreeningStatus.SCHEDULED:
            status = f' <span class="sg-status-label">{escape(str(self.status_label))}</span>'
        parts.append(f'{INDENT}<p class="sg-meta">{section}{status}</p>\n')
        if may_move:
            parts.append(
                f'{INDENT}<button type="button" class="sg-pick" aria-pressed="false" hidden>{escape(_("Move"))}'
                f'<span class="visually-hidden"> {name}</span></button>'
                f'<span class="sg-resize" hidden title="{escape(_("Drag to change the end"))}"></span>\n'
            )
        parts.append(f"{INDENT[2:]}</article>")  # the template's closing line, two spaces less
        return mark_safe("".join(parts))


#: How deep a block's lines sit in the grid's markup (the template's indentation).
INDENT = " " * 14


@dataclass
class ClosureBand:
    """A venue closure across a column (a building's closure is drawn in each of its rooms)."""

    closure: VenueClosure
    row_start: int
    row_end: int
    reason: str
    start_label: str
    end_label: str


@dataclass
class Column:
    venue: Venue
    blocks: list[Block] = field(default_factory=list)
    closures: list[ClosureBand] = field(default_factory=list)


@dataclass
class Place:
    venue: Venue
    columns: list[Column]


@dataclass
class Tick:
    row: int
    label: str
    hour: bool
    note: str = ""  # "the clocks go back", "2:00 to 3:00 does not exist"


@dataclass
class DayGrid:
    edition: Edition
    day: date
    days: list[tuple[date, str, int]]  # (day, label, screenings that day)
    zone: ZoneInfo
    first: datetime  # the instant of row 1
    rows: int
    ticks: list[Tick]
    places: list[Place]
    count: int

    @property
    def columns(self) -> list[Column]:
        return [column for place in self.places for column in place.columns]

    @cached_property
    def hour_lines(self) -> SafeString:
        """A line at each hour of the axis: drawn once, repeated in every column."""
        return format_html_join(
            "", '<div class="sg-line gs-{}" aria-hidden="true"></div>', ((t.row,) for t in self.ticks if t.hour)
        )

    def row_of(self, instant: datetime) -> int:
        return 1 + int((instant - self.first).total_seconds() // 60) // STEP


def edition_venues(edition: Edition) -> list[Venue]:
    """The rooms the edition uses and their sibling rooms (a room may be free all festival and
    still be where a screening is created), with their building, in one query."""
    used = Screening.objects.filter(edition=edition).values("venue")
    buildings = Venue.objects.filter(Q(pk__in=used, parent__isnull=True) | Q(rooms__in=used)).values("pk")
    venues = (
        Venue.objects.filter(Q(pk__in=used) | Q(parent__in=buildings)).select_related("parent").distinct().order_by()
    )
    return sorted(venues, key=lambda v: (v.place.name.lower(), v.place.pk, v.parent_id is not None, v.name.lower()))


def group_places(venues: list[Venue]) -> list[Place]:
    """Columns grouped by building; a building screened in directly is a column of its own."""
    places: dict[int, Place] = {}
    for venue in venues:
        place = venue.place
        places.setdefault(place.pk, Place(place, [])).columns.append(Column(venue))
    return list(places.values())


def main_zone(venues: list[Venue]) -> ZoneInfo:
    """The zone of the axis: that of the first venue (an edition is almost always in one zone;
    a block elsewhere still sits at its instant and says its own local times)."""
    return ZoneInfo(venues[0].timezone) if venues else UTC


def local_instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The first instant of ``hour`` o'clock on ``day`` in ``zone`` (24 is the next midnight;
    an hour skipped by the clocks gives the instant they jump to)."""
    naive = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).astimezone(UTC)


def floor_hour(instant: datetime, zone: ZoneInfo) -> datetime:
    """The instant of the local hour ``instant`` falls in (counted in UTC: a local subtraction
    would step into the hour a spring-forward night skips)."""
    local = instant.astimezone(zone)
    return instant.astimezone(UTC) - timedelta(
        minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )


def ticks(first: datetime, rows: int, zone: ZoneInfo, language=None) -> list[Tick]:
    """A label every half hour of the axis in ``zone`` with its abbreviation; a note where the
    clocks change (the repeated hour is labelled twice, the skipped one is named)."""
    found = []
    for row in range(1, rows + 1):
        instant = first + timedelta(minutes=(row - 1) * STEP)
        local = instant.astimezone(zone)
        before = (instant - timedelta(minutes=STEP)).astimezone(zone)
        note = ""
        if row > 1 and before.utcoffset() != local.utcoffset():
            gap = local.utcoffset() - before.utcoffset()
            if gap > timedelta(0):
                note = _("Clocks go forward: %(start)s–%(end)s skipped") % {
                    "start": time_label(before + timedelta(minutes=STEP), language),
                    "end": time_label(local, language),
                }
            else:
                note = _("Clocks go back: this hour again")
        if local.minute % 30 == 0 or note:
            found.append(Tick(row, f"{time_label(local, language)} {local.tzname()}", local.minute == 0, note))
    return found


def edition_days(edition: Edition, zone: ZoneInfo, language=None) -> list[tuple[date, str, int]]:
    """Every day of the edition with its label and number of screenings (one query)."""
    counts = dict(
        Screening.objects.filter(edition=edition)
        .values_list("local_date")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("local_date", "n")
    )
    days = set(counts) | {
        edition.starts_on + timedelta(days=n) for n in range((edition.ends_on - edition.starts_on).days + 1)
    }
    return [(day, day_label(day, language), counts.get(day, 0)) for day in sorted(days)]


def default_day(edition: Edition, days, today: date) -> date:
    """Today during the edition, else its first day with screenings, else its first day."""
    if edition.starts_on <= today <= edition.ends_on:
        return today
    return next((day for day, _label, count in days if count), edition.starts_on)


def day_grid(edition: Edition, day: date | None = None, *, today: date | None = None, language=None) -> DayGrid:
    """The grid of ``day`` (None: ``default_day``) in five queries (venues, day counts, screenings,
    their titles, closures), whatever the number of rooms and screenings."""
    language = language or current_language()  # read once, not for each of hundreds of labels
    venues = edition_venues(edition)
    zone = main_zone(venues)
    days = edition_days(edition, zone, language)
    if day is None or day not in {d for d, _label, _count in days}:
        day = default_day(edition, days, today or datetime.now(zone).date())
    screenings = list(
        Screening.objects.filter(edition=edition, local_date=day)
        .only(*GRID_FIELDS)
        .annotate(section_name_en=F("section__name_en"), section_name_fr=F("section__name_fr"))
        .annotate(section_colour=F("section__colour"))
        .order_by("starts_at", "pk")
    )
    by_pk = {venue.pk: venue for venue in venues}
    for screening in screenings:
        if screening.venue_id in by_pk:  # not one added since edition_venues read them
            screening.venue = by_pk[screening.venue_id]
    programmes = programmes_of(edition, day)
    first = local_instant(day, DEFAULT_FIRST_HOUR, zone)
    last = local_instant(day, DEFAULT_LAST_HOUR, zone)
    for screening in screenings:
        first = min(first, floor_hour(screening.starts_at, zone))
        last = max(last, screening.blocked_until)
    last = floor_hour(last - timedelta(microseconds=1), zone) + timedelta(hours=1)
    rows = min(MAX_ROWS, int((last - first).total_seconds() // 60) // STEP)
    grid = DayGrid(edition, day, days, zone, first, rows, ticks(first, rows, zone, language), [], len(screenings))
    change_url = reverse("admin:screenings_screening_change", args=[0]).replace("/0/", "/%s/")
    grid.places = group_places(venues)
    columns = {column.venue.pk: column for column in grid.columns}
    for screening in screenings:
        column = columns.get(screening.venue_id)
        if column is None:  # a venue added since edition_venues read them
            continue
        block = block_of(grid, screening, programmes.get(screening.pk, ""), change_url, language)
        column.blocks.append(block)
    add_closures(grid, language)
    return grid


def add_closures(grid: DayGrid, language=None) -> None:
    """Draws the venue closures that meet the day (one query): a room's in its column, a
    building's in its own column and in each of its rooms'."""
    columns = grid.columns
    if not columns:
        return
    last = grid.first + timedelta(minutes=grid.rows * STEP)
    venues = {c.venue.pk for c in columns} | {c.venue.parent_id for c in columns if c.venue.parent_id}
    closures = VenueClosure.objects.filter(venue__in=venues, starts_at__lt=last, ends_at__gt=grid.first).order_by(
        "starts_at", "pk"
    )
    for closure in closures:
        for column in columns:
            if closure.venue_id not in (column.venue.pk, column.venue.parent_id):
                continue
            zone = column.venue.zone
            start, end = closure.starts_at.astimezone(zone), closure.ends_at.astimezone(zone)
            row_start = max(1, grid.row_of(closure.starts_at))
            row_end = min(
                grid.rows + 1, max(row_start + 1, grid.row_of(closure.ends_at - timedelta(microseconds=1)) + 1)
            )
            column.closures.append(
                ClosureBand(
                    closure=closure,
                    row_start=row_start,
                    row_end=row_end,
                    reason=localized(closure, "reason", language),
                    start_label=f"{time_label(start, language)} {start.tzname()}",
                    end_label=f"{time_label(end, language)} {end.tzname()}",
                )
            )


#: What the grid reads of a screening (the rest is deferred), besides its section's names and colour.
GRID_FIELDS = (
    "version", "venue_id", "section_id", "label_en", "starts_at", "ends_at", "blocked_until", "status", "note",
)  # fmt: skip
#: What a title's name in original titles reads (``Title.full_title(localized=False)``), up its chain.
TITLE_PATHS = ("", "parent__", "parent__parent__")
TITLE_FIELDS = ("original_title", "kind", "number", "parent_id")


def programmes_of(edition: Edition, day: date) -> dict[int, str]:
    """{screening pk: its programme named once, in original titles as the admin names titles}
    for the screenings of ``edition`` on ``day``, from one query whatever their number (a
    title per programme line, no link instances)."""
    titles: dict[int, list[Title]] = {}
    shown = (
        Title.objects.filter(screening_titles__screening__edition=edition, screening_titles__screening__local_date=day)
        .select_related("parent__parent")
        .only(*(f"{path}{name}" for path in TITLE_PATHS for name in TITLE_FIELDS))
        .annotate(shown_in=F("screening_titles__screening"))
        .order_by("screening_titles__screening", "screening_titles__order", "screening_titles__pk")
    )
    for title in shown:
        titles.setdefault(title.shown_in, []).append(title)
    return {pk: programme_name(found, localized=False) for pk, found in titles.items()}


def block_of(grid: DayGrid, screening: Screening, programme: str, change_url: str, language=None) -> Block:
    zone = screening.zone
    start, end = screening.starts_at.astimezone(zone), screening.ends_at.astimezone(zone)
    row_start = max(1, grid.row_of(screening.starts_at))
    row_end = min(grid.rows + 1, max(row_start + 1, grid.row_of(screening.ends_at - timedelta(microseconds=1)) + 1))
    changeover_row_end, changeover_label = 0, ""
    if screening.status in ROOM_BLOCKING_STATUSES and screening.blocked_until > screening.ends_at:
        changeover_row_end = min(grid.rows + 1, grid.row_of(screening.blocked_until - timedelta(microseconds=1)) + 1)
        until = screening.blocked_until.astimezone(zone)
        changeover_label = _("%(minutes)s minutes of changeover, until %(until)s") % {
            "minutes": int(screening.changeover.total_seconds() // 60),
            "until": f"{time_label(until, language)} {until.tzname()}",
        }
        if changeover_row_end <= row_end:
            changeover_row_end = 0
    return Block(
        screening=screening,
        row_start=row_start,
        row_end=row_end,
        name=screening.label_en or programme or _("untitled screening"),
        url=change_url % screening.pk,
        start_label=time_label(start, language),
        end_label=time_label(end, language),
        zone_label=start.tzname() if start.tzname() == end.tzname() else f"{start.tzname()}/{end.tzname()}",
        colour=screening.section_colour or "",
        section=localized(screening, "section_name", language),
        status=screening.status,
        status_label=ScreeningStatus(screening.status).label,
        overnight=end.date() != start.date(),
        changeover_row_end=changeover_row_end,
        changeover_label=changeover_label,
    )


# Writing -------------------------------------------------------------------------------------


def stale_message(loaded: int, current: int) -> str:
    return _(
        "Someone else changed this screening while you had the grid open (version %(loaded)s → %(current)s). "
        "Nothing was saved: the grid now shows it as it is; move it again if you still want to."
    ) % {"loaded": loaded, "current": current}


def parse_start(data, zone: str, name: str = "start") -> datetime | None:
    """The instant a request gives: ``start`` (an ISO instant with its offset, what a drag
    sends) or ``start_local`` (a wall time in ``zone``, with ``start_choice`` when the clocks go
    back: what the keyboard form sends; a skipped time is refused with the forms' message)."""
    value = (data.get(name) or "").strip()
    if value:
        try:
            instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationError(_("Not a date and time: “%(value)s”.") % {"value": value}) from exc
        if instant.tzinfo is None:
            raise ValidationError(_("Not a date and time: “%(value)s”.") % {"value": value})
        return instant.astimezone(UTC).replace(second=0, microsecond=0)
    local = (data.get(f"{name}_local") or "").strip()
    if local:
        try:
            naive = datetime.fromisoformat(local)
        except ValueError as exc:
            raise ValidationError(_("Not a date and time: “%(value)s”.") % {"value": local}) from exc
        return make_local_aware(naive, zone, data.get(f"{name}_choice") or "")
    return None


def venue_of(pk) -> Venue:
    try:
        return Venue.objects.select_related("parent").get(pk=int(pk))
    except (TypeError, ValueError, Venue.DoesNotExist) as exc:
        raise ValidationError(_("Choose a room of the grid.")) from exc


@transaction.atomic
def move(user, edition: Edition, data) -> Screening:
    """Moves a screening of ``edition`` to ``data["venue"]`` at ``data["start"]`` (same
    length) or changes its end (``data["end"]``), through ``save_screenings``; refused when
    ``data["version"]`` is not the stored one (someone moved it meanwhile)."""
    try:
        screening = (
            Screening.objects.select_for_update(of=("self",))
            .select_related("venue__parent", "edition")
            .get(pk=int(data.get("screening", "")), edition=edition)
        )
    except (TypeError, ValueError, Screening.DoesNotExist) as exc:
        raise ValidationError(_("This screening is no longer in this edition's schedule.")) from exc
    loaded = data.get("version", "")
    if str(screening.version) != str(loaded):
        raise ValidationError(stale_message(loaded, screening.version), code="stale")
    before = audit.values(screening)
    duration = screening.duration
    if data.get("venue"):
        venue = venue_of(data["venue"])
        screening.venue = venue
    start = parse_start(data, screening.venue.timezone)
    if start is not None:
        screening.starts_at = start
        screening.ends_at = start + duration
    end = parse_start(data, screening.venue.timezone, "end")
    if end is not None:
        screening.ends_at = end
    services.save_screening(screening)
    changes = audit.compare(Screening, before, audit.values(screening))
    audit.record(user, screening, changes=changes, via=audit.via("grid", "Programme grid"))
    return screening


@transaction.atomic
def create(user, edition: Edition, data) -> Screening:
    """A new screening of ``edition`` in ``data["venue"]`` at the start given, showing
    ``data["titles"]`` (ids, in order), ending after their runtimes unless ``end`` is given."""
    venue = venue_of(data.get("venue"))
    pks = [int(pk) for pk in data.getlist("titles") if str(pk).isdigit()]
    by_pk = Title.objects.select_related("parent__parent").in_bulk(pks)
    titles = [by_pk[pk] for pk in dict.fromkeys(pks) if pk in by_pk]
    start = parse_start(data, venue.timezone)
    if start is None:
        raise ValidationError(_("Give the start time."))
    screening = Screening(
        edition=edition, venue=venue, starts_at=start, ends_at=parse_start(data, venue.timezone, "end")
    )
    services.save_screenings([services.Booking(screening, titles)])
    audit.record_added(user, [screening], audit.via("grid", "Programme grid"))
    return screening


def wall_time(instant: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """(``YYYY-MM-DDTHH:MM``, fold choice) of ``instant`` in ``zone``: what the keyboard form shows."""
    local = instant.astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M"), fold_choice(local)
