"""schema.org JSON-LD for screenings (ScreeningEvent) and festival editions (Festival)."""

from catalog.jsonld import title_reference
from people.jsonld import reference

from .enums import ScreeningStatus

EVENT_STATUS = {
    ScreeningStatus.SCHEDULED: "https://schema.org/EventScheduled",
    ScreeningStatus.SOLD_OUT: "https://schema.org/EventScheduled",
    ScreeningStatus.CANCELLED: "https://schema.org/EventCancelled",
}


def place(venue) -> dict:
    """A ``MovieTheater`` (a schema.org ``Place``) with its ``PostalAddress`` and its
    ``GeoCoordinates`` when known; a room's address is its building's."""
    building = venue.place
    data = {"@type": "MovieTheater", "name": str(venue)}
    address = {"@type": "PostalAddress"}
    if building.address:
        address["streetAddress"] = building.address
    if building.postcode:
        address["postalCode"] = building.postcode
    if building.city:
        address["addressLocality"] = building.city
    if building.country_id:
        address["addressCountry"] = building.country_id
    if len(address) > 1:
        data["address"] = address
    if building.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(building.latitude),
            "longitude": float(building.longitude),
        }
    if map_url := building.map_url():
        data["hasMap"] = map_url
    if building.capacity:
        data["maximumAttendeeCapacity"] = building.capacity
    return data


def screening_event(screening, request, with_context=True) -> dict:
    data = {"@context": "https://schema.org"} if with_context else {}
    name = screening.programme_title()
    if screening.label:
        name = f"{name} · {screening.label}"
    data |= {
        "@type": "ScreeningEvent",
        "name": name,
        "url": request.build_absolute_uri(screening.get_absolute_url()),
        "startDate": screening.local_start.isoformat(),
        "endDate": screening.local_end.isoformat(),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place(screening.venue),
    }
    if screening.status == ScreeningStatus.POSTPONED:
        data["eventStatus"] = (
            "https://schema.org/EventRescheduled"
            if screening.previous_starts_at
            else "https://schema.org/EventPostponed"
        )
    else:
        data["eventStatus"] = EVENT_STATUS[screening.status]
    if screening.previous_starts_at:
        data["previousStartDate"] = screening.local_previous_start.isoformat()
    works = [title_reference(t, request) for t in screening.title_list()]
    if works:
        data["workPresented"] = works[0] if len(works) == 1 else works
    if screening.language_id:
        data["inLanguage"] = screening.language_id
    if screening.subtitle_language_id:
        data["subtitleLanguage"] = screening.subtitle_language_id
    partners = [reference(o, request) for o in screening.partners.all()]
    if partners:
        data["sponsor"] = partners
    if screening.ticket_url or screening.price is not None:
        offer = {"@type": "Offer"}
        if screening.ticket_url:
            offer["url"] = screening.ticket_url
        if screening.price is not None:
            offer["price"] = str(screening.price)
            offer["priceCurrency"] = screening.currency
        offer["availability"] = (
            "https://schema.org/SoldOut"
            if screening.status == ScreeningStatus.SOLD_OUT
            else "https://schema.org/InStock"
        )
        data["offers"] = offer
    if screening.edition_id:
        edition = screening.edition
        data["superEvent"] = {
            "@type": "Festival",
            "name": str(edition),
            "url": request.build_absolute_uri(edition.get_absolute_url()),
            "startDate": edition.starts_on.isoformat(),
            "endDate": edition.ends_on.isoformat(),
            "location": edition_location(edition, [screening.venue]),
        }
    return data


def edition_location(edition, venues):
    """Where a festival takes place: its one venue, else its city, else each of its venues."""
    if len(venues) == 1:
        return place(venues[0])
    if edition.display_city:
        return {
            "@type": "Place",
            "name": edition.display_city,
            "address": {"@type": "PostalAddress", "addressLocality": edition.display_city},
        }
    return [place(v) for v in venues] or None


def festival(edition, screenings, request) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Festival",
        "name": str(edition),
        "url": request.build_absolute_uri(edition.get_absolute_url()),
        "startDate": edition.starts_on.isoformat(),
        "endDate": edition.ends_on.isoformat(),
    }
    venues = list({s.venue_id: s.venue for s in screenings}.values())
    if location := edition_location(edition, venues):
        data["location"] = location
    if edition.festival.organizer_id:
        data["organizer"] = reference(edition.festival.organizer, request)
    data["subEvent"] = [screening_event(s, request, with_context=False) for s in screenings]
    return data


def venue_jsonld(venue, screenings, request) -> dict:
    """The venue page: the theatre, with its upcoming screenings as events."""
    data = {"@context": "https://schema.org", **place(venue)}
    data["url"] = request.build_absolute_uri(venue.get_absolute_url())
    events = [screening_event(s, request, with_context=False) for s in screenings]
    if events:
        data["event"] = events
    return data
