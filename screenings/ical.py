"""iCalendar (RFC 5545) exports, built with the ``icalendar`` library.

Times are written with the venue's TZID and a VTIMEZONE for each zone used, so that a calendar
shows "9:00 am" in Los Angeles whatever the reader's own zone. UIDs come from the screening's
UUID, so re-importing a calendar updates events instead of duplicating them; cancelled
screenings are exported with STATUS:CANCELLED (and a "Cancelled:" summary) rather than dropped,
so that calendars that already hold them learn of the cancellation.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .enums import ScreeningStatus

STATUS = {ScreeningStatus.CANCELLED: "CANCELLED"}


def event_summary(screening) -> str:
    summary = screening.programme_title()
    if screening.label:
        summary = f"{summary} · {screening.label}" if summary else screening.label
    if screening.is_cancelled:
        summary = _("Cancelled: %(summary)s") % {"summary": summary}
    return summary


def screening_event(screening, request) -> Event:
    event = Event()
    event.add("uid", f"{screening.uid}@affiche")
    event.add("dtstamp", timezone.now())
    event.add("last-modified", screening.updated)
    event.add("dtstart", screening.local_start)
    event.add("dtend", screening.local_end)
    event.add("summary", event_summary(screening))
    place = screening.venue.place
    location = ", ".join(p for p in [str(screening.venue), place.address, place.city] if p)
    event.add("location", location)
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


def calendar_response(screenings, request, name: str) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", "-//Affiche//Screenings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for screening in screenings:
        calendar.add_component(screening_event(screening, request))
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "screenings"}.ics"'
    return response
