"""The calendar writer as it was before issue 17 (icalendar objects built from model instances),
kept as the reference that the plain-text writer of ``screenings.ical`` must match byte for byte."""

from datetime import date

from django.utils import timezone
from icalendar import Calendar, Event

from screenings.enums import ScreeningStatus
from screenings.ical import STATUS, event_summary, event_time, vtimezone


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


def calendar_bytes(screenings, request, name: str) -> bytes:
    """``screenings``: model instances preloaded as ``Screening.objects.public()`` does."""
    calendar = Calendar()
    calendar.add("prodid", "-//Affiche//Screenings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    spans: dict[str, tuple] = {}
    events = []
    for screening in screenings:
        event = screening_event(screening, request)
        events.append(event)
        if "TZID" in event["dtstart"].params or "TZID" in event["dtend"].params:
            zone = screening.zone
            first: date = screening.local_start.date()
            last: date = screening.local_end.date()
            if zone.key in spans:
                first, last = min(first, spans[zone.key][1]), max(last, spans[zone.key][2])
            spans[zone.key] = (zone, first, last)
    for zone, first, last in spans.values():
        calendar.add_component(vtimezone(zone, first, last))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
