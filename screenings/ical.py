"""iCalendar (RFC 5545) exports, written as text from ``.values()`` rows (three queries whatever
the number of screenings); the VTIMEZONEs are built with the ``icalendar`` library.

Times. An event's start and end are written with the venue's TZID (so that a calendar shows
"9:00 am" in Los Angeles whatever the reader's own zone) when that wall-clock time happens once;
a time that happens twice (1:30 am on a fall-back night) is written in UTC ("…T093000Z"),
because RFC 5545 §3.3.5 reads a repeated local time as its first occurrence.

Zones. Each zone named by a TZID gets a VTIMEZONE made here from the zone's own transitions
(zoneinfo) over the years of the events, one year either side: each observance starts at the
local time of the change written in the offset it changes *from* (02:00 PST for the spring
change in Los Angeles), and transitions that follow one yearly rule ("second Sunday of March")
are written as one RRULE rather than a list of dates (RFC 5545 §3.6.5).

UIDs come from the screening's UUID (kept by the CSV ``uid`` column), so that re-importing a
calendar updates events instead of duplicating them; cancelled screenings are exported with
STATUS:CANCELLED (and a "Cancelled:" summary) rather than dropped, so that calendars that
already hold them learn of the cancellation.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.db.models import Case, F, When
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from catalog.enums import TitleKind
from catalog.language import current_language, localized
from catalog.models import LocalizedTitle, Title, level_label, pick_localized_title
from catalog.typography import colon

from .enums import PremiereStatus, ScreeningStatus
from .localtime import is_ambiguous
from .models import ScreeningTitle

STATUS = {ScreeningStatus.CANCELLED: "CANCELLED"}
#: A venue's calendar holds its upcoming screenings and those that started in the last 30 days.
VENUE_PAST = timedelta(days=30)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def event_summary(screening) -> str:
    """The SUMMARY of one screening instance (also the name of its one-event calendar)."""
    return summary_text(screening.programme_title(), screening.label, screening.is_cancelled)


def summary_text(programme: str, label: str, cancelled: bool) -> str:
    summary = programme
    if label:
        summary = f"{summary} · {label}" if summary else label
    if cancelled:
        summary = _("Cancelled: %(summary)s") % {"summary": summary}
    return summary


def event_time(instant: datetime, zone: ZoneInfo) -> datetime:
    """The value of DTSTART/DTEND: local with the zone when that local time is unambiguous,
    else the instant in UTC."""
    local = instant.astimezone(zone)
    if zone.key == "UTC" or is_ambiguous(local.replace(tzinfo=None), zone):
        return instant.astimezone(UTC)
    return local


# Writing RFC 5545 text -------------------------------------------------------------------


def escape(text: str) -> str:
    """A TEXT value escaped as RFC 5545 §3.3.11 asks (backslash, semicolon, comma, newline),
    in the icalendar library's order, so that the files stay as they were."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def calendar_name(name: str) -> str:
    return name.replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 §3.1): pieces of at most 74 octets, never
    splitting a UTF-8 character, and never ending a piece with a backslash or a caret (an escape
    stays whole), joined by CRLF and a space — the icalendar library's folding, byte for byte."""
    data = line.encode()
    if len(data) < 75:
        return line
    pieces, start = [], 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


def _wall(value: datetime) -> str:
    """ "20261025T010000": the date and time as written (f-strings: faster than strftime)."""
    return f"{value.year:04}{value.month:02}{value.day:02}T{value.hour:02}{value.minute:02}{value.second:02}"


def _stamp(instant: datetime) -> str:
    return f"{_wall(instant.astimezone(UTC))}Z"


def _time_line(name: str, instant: datetime, zone: ZoneInfo) -> tuple[str, bool]:
    """(content line, whether it names the zone)."""
    value = event_time(instant, zone)
    if value.tzinfo is UTC:
        return f"{name}:{_wall(value)}Z", False
    return f"{name};TZID={zone.key}:{_wall(value)}", True


# Events from rows --------------------------------------------------------------------------

PLACE_FIELDS = ("address", "postcode", "city", "latitude", "longitude")
TITLE_FIELDS = ("__id", "__kind", "__number", "__original_title")
ROW_FIELDS = (
    "pk",
    "uid",
    "updated",
    "starts_at",
    "ends_at",
    "status",
    "premiere",
    "note",
    "label_en",
    "label_fr",
    "edition_id",
    "edition__name",
    "edition__year",
    "edition__festival__name",
    "venue__name",
    "venue__timezone",
    "venue__parent_id",
    "venue__parent__name",
)


def programme_names(screening_ids, now, language: str) -> dict[int, str]:
    """Screening id → what it shows, named as ``Screening.programme_title()`` names it (its
    published titles in programme order, with their parents' names). Two queries: the titles
    with their parent and grandparent, then their localized titles in ``language``."""
    levels = ("title", "title__parent", "title__parent__parent")
    rows = list(
        ScreeningTitle.objects.filter(Title.public_q("title__", now), screening_id__in=screening_ids)
        .order_by("screening_id", "order", "pk")
        .values("screening_id", *(f"{level}{suffix}" for level in levels for suffix in TITLE_FIELDS))
    )
    ids = {row[f"{level}__id"] for row in rows for level in levels} - {None}
    localized: dict[int, list[tuple]] = {}
    for title_id, *values in (
        LocalizedTitle.objects.filter(title_id__in=ids, language_id=language)
        .order_by("language", "kind", "pk")
        .values_list("title_id", "language_id", "kind", "text")
    ):
        localized.setdefault(title_id, []).append(values)

    def full_name(row, level: int) -> str:
        parts = []
        for prefix in levels[level:]:
            title_id = row[f"{prefix}__id"]
            if title_id is None:
                break
            kind, number, original = row[f"{prefix}__kind"], row[f"{prefix}__number"], row[f"{prefix}__original_title"]
            own = pick_localized_title(original, localized.get(title_id, ()), language)
            label = level_label(kind, number)
            if kind == TitleKind.EPISODE:
                parts.append(f"{label}{colon(language)}{own}" if own else label)
            else:
                parts.append(own or label)
        return " – ".join(reversed(parts))

    shown: dict[int, list] = {}
    for row in rows:
        shown.setdefault(row["screening_id"], []).append(row)
    names = {}
    for screening_id, titles in shown.items():
        if len(titles) == 1:
            names[screening_id] = full_name(titles[0], 0)
        elif len({t["title__parent__id"] for t in titles}) == 1 and titles[0]["title__parent__id"]:
            names[screening_id] = full_name(titles[0], 1)
        else:
            names[screening_id] = " + ".join(full_name(t, 0) for t in titles)
    return names


# VTIMEZONE -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """A change of offset: ``local`` is the wall-clock time of the change in the old offset."""

    at: datetime  # UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str
    dst: bool

    @property
    def local(self) -> datetime:
        return (self.at + self.offset_from).replace(tzinfo=None)

    @property
    def kind(self) -> tuple:
        return (self.offset_from, self.offset_to, self.name, self.dst)

    def rules(self) -> set[str]:
        """The BYDAY values that describe the day: "2SU" (second Sunday), "-1SU" (last)."""
        day = self.local.date()
        weekday = WEEKDAYS[day.weekday()]
        found = {f"{(day.day - 1) // 7 + 1}{weekday}"}
        if (day + timedelta(days=7)).month != day.month:
            found.add(f"-1{weekday}")
        return found


def _state(zone: ZoneInfo, instant: datetime) -> tuple:
    local = instant.astimezone(zone)
    return (local.utcoffset(), bool(local.dst()), local.tzname())


def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[Transition]:
    """Every change of offset (or of name) in [start, end), found day by day then to the second."""
    found = []
    step = timedelta(days=1)
    moment, state = start, _state(zone, start)
    while moment < end:
        after = moment + step
        new = _state(zone, after)
        if new != state:
            low, high = moment, after  # state at low, new at high
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _state(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            found.append(Transition(high, state[0], new[0], new[2], new[1]))
            state = new
        moment = after
    return found


def _observance(dst: bool, name: str, offset_from: timedelta, offset_to: timedelta, start: datetime):
    component = TimezoneDaylight() if dst else TimezoneStandard()
    component.add("tzname", name)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    component.add("dtstart", start)
    return component


def _runs(items: list[Transition]) -> list[tuple[list[Transition], str | None]]:
    """Transitions of one kind cut into runs that one yearly rule describes: same month, same
    local time of day, one a year, a common BYDAY. Returns (run, BYDAY or None)."""
    runs: list[tuple[list[Transition], set[str]]] = []
    for item in items:
        if runs:
            run, rules = runs[-1]
            last = run[-1]
            common = rules & item.rules()
            if (
                common
                and item.local.year == last.local.year + 1
                and item.local.month == last.local.month
                and item.local.time() == last.local.time()
            ):
                run.append(item)
                runs[-1] = (run, common)
                continue
        runs.append(([item], item.rules()))
    result = []
    for run, rules in runs:
        if len(run) == 1:
            result.append((run, None))
        else:
            # "Last Sunday" when it fits every year, else the numbered one ("2SU").
            result.append((run, min(rules, key=lambda r: (not r.startswith("-"), r))))
    return result


def vtimezone(zone: ZoneInfo, first: date, last: date) -> Timezone:
    """The VTIMEZONE of ``zone`` covering the years from ``first`` to ``last``, one either side."""
    start = datetime(first.year - 1, 1, 1, tzinfo=UTC)
    end = datetime(last.year + 2, 1, 1, tzinfo=UTC)
    component = Timezone()
    component.add("tzid", zone.key)
    offset, dst, name = _state(zone, start)
    component.add_component(_observance(dst, name, offset, offset, (start + offset).replace(tzinfo=None)))
    found = transitions(zone, start, end)
    kinds: dict[tuple, list[Transition]] = {}
    for item in found:
        kinds.setdefault(item.kind, []).append(item)
    final_year = end.year - 1
    for items in kinds.values():
        for run, byday in _runs(items):
            head = run[0]
            observance = _observance(head.dst, head.name, head.offset_from, head.offset_to, head.local)
            if byday:
                rule = {"freq": "yearly", "bymonth": head.local.month, "byday": byday}
                if run[-1].local.year < final_year:
                    rule["until"] = run[-1].at
                observance.add("rrule", rule)
            component.add_component(observance)
    return component


def event_lines(row: dict, name: str, url: str, stamp: str) -> tuple[list[str], bool]:
    """The content lines of one screening's VEVENT (unfolded), and whether they name its zone."""
    zone = ZoneInfo(row["venue__timezone"])
    venue = f"{row['venue__parent__name']} – {row['venue__name']}" if row["venue__parent_id"] else row["venue__name"]
    status = row["status"]
    label = localized(SimpleNamespace(label_en=row["label_en"], label_fr=row["label_fr"]), "label")
    start, start_zoned = _time_line("DTSTART", row["starts_at"], zone)
    end, end_zoned = _time_line("DTEND", row["ends_at"], zone)
    locality = " ".join(p for p in [row["place_postcode"], row["place_city"]] if p)
    location = ", ".join(p for p in [venue, row["place_address"], locality] if p)
    description = []
    if row["edition_id"]:
        description.append(row["edition__name"] or f"{row['edition__festival__name']} {row['edition__year']}")
    if row["premiere"]:
        description.append(str(PremiereStatus(row["premiere"]).label))
    if status != ScreeningStatus.SCHEDULED:
        description.append(str(ScreeningStatus(status).label))
    if row["note"]:
        description.append(row["note"])
    description.append(url)
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{escape(summary_text(name, label, status == ScreeningStatus.CANCELLED))}",
        start,
        end,
        f"DTSTAMP:{stamp}",
        f"UID:{row['uid']}@affiche",
        f"DESCRIPTION:{escape(chr(10).join(description))}",
    ]
    latitude, longitude = row["place_latitude"], row["place_longitude"]
    if latitude is not None and longitude is not None:
        lines.append(f"GEO:{float(latitude)};{float(longitude)}")
    lines += [
        f"LAST-MODIFIED:{_stamp(row['updated'])}",
        f"LOCATION:{escape(location)}",
        f"STATUS:{STATUS.get(status, 'CONFIRMED')}",
        f"URL:{url}",
        "END:VEVENT",
    ]
    return lines, start_zoned or end_zoned


@lru_cache(maxsize=256)
def vtimezone_text(key: str, first_year: int, last_year: int) -> str:
    """The folded text of ``vtimezone()``, which depends on the zone and the years only: made
    once per process for each (zone, years)."""
    return vtimezone(ZoneInfo(key), date(first_year, 1, 1), date(last_year, 1, 1)).to_ical().decode()


def calendar_response(screenings, request, name: str) -> HttpResponse:
    """``screenings`` (a queryset of published screenings, in order) as a calendar file named
    ``name``. Three queries: the screenings' rows with their venue and edition, the titles they
    show with their parents, the titles' names in the visitor's language."""
    now = timezone.now()
    language = current_language()
    # The building's address: the parent's for a room.
    place = {
        f"place_{field}": Case(
            When(venue__parent__isnull=False, then=F(f"venue__parent__{field}")), default=F(f"venue__{field}")
        )
        for field in PLACE_FIELDS
    }
    rows = list(screenings.values(*ROW_FIELDS, **place))
    names = programme_names([row["pk"] for row in rows], now, language)
    stamp = _stamp(now)
    # One reverse() for every screening: its address with the pk put in.
    marker = 2_147_483_646
    address = request.build_absolute_uri(reverse("screenings:screening_detail", kwargs={"pk": marker}))
    head, tail = address.split(str(marker))
    spans: dict[str, tuple[ZoneInfo, date, date]] = {}
    events: list[str] = []
    for row in rows:
        lines, zoned = event_lines(row, names.get(row["pk"], ""), f"{head}{row['pk']}{tail}", stamp)
        events += lines
        if zoned:
            zone = ZoneInfo(row["venue__timezone"])
            first, last = row["starts_at"].astimezone(zone).date(), row["ends_at"].astimezone(zone).date()
            if zone.key in spans:
                first, last = min(first, spans[zone.key][1]), max(last, spans[zone.key][2])
            spans[zone.key] = (zone, first, last)
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Affiche//Screenings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        # As the icalendar library wrote it (an unknown type, not escaped), with line breaks as "\n".
        f"X-WR-CALNAME:{calendar_name(name)}",
    ]
    body = "".join(fold(line) + "\r\n" for line in head)
    # The VTIMEZONEs come folded from the library.
    body += "".join(vtimezone_text(zone.key, first.year, last.year) for zone, first, last in spans.values())
    body += "".join(fold(line) + "\r\n" for line in [*events, "END:VCALENDAR"])
    response = HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "screenings"}.ics"'
    return response
