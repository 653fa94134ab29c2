"""iCalendar (RFC 5545) exports, built with the ``icalendar`` library.

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
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from .enums import ScreeningStatus
from .localtime import is_ambiguous

STATUS = {ScreeningStatus.CANCELLED: "CANCELLED"}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def event_summary(screening) -> str:
    summary = screening.programme_title()
    if screening.label:
        summary = f"{summary} · {screening.label}" if summary else screening.label
    if screening.is_cancelled:
        summary = _("Cancelled: %(summary)s") % {"summary": summary}
    return summary


def event_time(instant: datetime, zone: ZoneInfo) -> datetime:
    """The value of DTSTART/DTEND: local with the zone when that local time is unambiguous,
    else the instant in UTC."""
    local = instant.astimezone(zone)
    if zone.key == "UTC" or is_ambiguous(local.replace(tzinfo=None), zone):
        return instant.astimezone(UTC)
    return local


def screening_event(screening, request) -> Event:
    event = Event()
    event.add("uid", f"{screening.uid}@affiche")
    event.add("dtstamp", timezone.now())
    event.add("last-modified", screening.updated)
    event.add("dtstart", event_time(screening.starts_at, screening.zone))
    event.add("dtend", event_time(screening.ends_at, screening.zone))
    event.add("summary", event_summary(screening))
    place = screening.venue.place
    locality = " ".join(p for p in [place.postcode, place.city] if p)
    location = ", ".join(p for p in [str(screening.venue), place.address, locality] if p)
    event.add("location", location)
    if place.has_coordinates:
        event.add("geo", (float(place.latitude), float(place.longitude)))
    url = request.build_absolute_uri(screening.get_absolute_url())
    event.add("url", url)
    lines = []
    if screening.edition_id:
        lines.append(str(screening.edition))
    if screening.premiere:
        lines.append(str(screening.get_premiere_display()))
    if screening.status != ScreeningStatus.SCHEDULED:
        lines.append(str(screening.get_status_display()))
    if screening.note:
        lines.append(screening.note)
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("status", STATUS.get(screening.status, "CONFIRMED"))
    return event


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


def calendar_response(screenings, request, name: str) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", "-//Affiche//Screenings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    spans: dict[str, tuple[ZoneInfo, date, date]] = {}
    events = []
    for screening in screenings:
        event = screening_event(screening, request)
        events.append(event)
        if "TZID" in event["dtstart"].params or "TZID" in event["dtend"].params:
            zone = screening.zone
            first, last = screening.local_start.date(), screening.local_end.date()
            if zone.key in spans:
                first, last = min(first, spans[zone.key][1]), max(last, spans[zone.key][2])
            spans[zone.key] = (zone, first, last)
    for zone, first, last in spans.values():
        calendar.add_component(vtimezone(zone, first, last))
    for event in events:
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "screenings"}.ics"'
    return response
