"""Calendars read by independent client software (vobject, dateutil's ``tzical`` on the file's
own VTIMEZONE) give back the stored instants, including across clock changes."""

import io
import re
from datetime import UTC, datetime

import pytest
import vobject
from dateutil import tz

from screenings.models import Edition, Screening, Venue

from .factories import ScreeningFactory, VenueFactory

# A venue's calendar holds the last 30 days and what is to come: the tests read it before the screenings.
BEFORE_THE_DEMO = datetime(2021, 11, 1, tzinfo=UTC)
BEFORE_THE_CLOCK_CHANGES = datetime(2026, 10, 1, tzinfo=UTC)

LINE = re.compile(r"^(DTSTART|DTEND)(?:;TZID=([^:;]+))?:(\d{8}T\d{6})(Z?)$")


def unfold(text: str) -> list[str]:
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")


def dateutil_events(text: str) -> dict[str, tuple[datetime, datetime]]:
    """UID → (start, end) read with dateutil alone: tzical on the file's own VTIMEZONEs."""
    zones = {}
    for block in re.findall(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", text, flags=re.DOTALL):
        parsed = tz.tzical(io.StringIO(block))
        (key,) = parsed.keys()
        zones[key] = parsed.get(key)
    events, current = {}, None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif current is None:
            continue
        elif line.startswith("UID:"):
            current["uid"] = line[4:]
        elif match := LINE.match(line):
            name, tzid, stamp, utc = match.groups()
            naive = datetime.strptime(stamp, "%Y%m%dT%H%M%S")  # noqa: DTZ007 (a TZID time, zone set below)
            if utc:
                assert tzid is None
                current[name] = naive.replace(tzinfo=UTC)
            else:
                assert tzid in zones, f"{tzid} has no VTIMEZONE"
                current[name] = naive.replace(tzinfo=zones[tzid])
        elif line == "END:VEVENT":
            events[current["uid"]] = (current["DTSTART"], current["DTEND"])
            current = None
    return events


def vobject_events(text: str) -> dict[str, tuple[datetime, datetime]]:
    calendar = vobject.readOne(text)
    return {str(e.uid.value): (e.dtstart.value, e.dtend.value) for e in calendar.contents.get("vevent", [])}


def assert_calendar_holds_stored_instants(response):
    assert response.status_code == 200
    text = response.content.decode()
    readers = {"dateutil": dateutil_events(text), "vobject": vobject_events(text)}
    uids = set(readers["dateutil"])
    assert uids, "no event"
    stored = {f"{s.uid}@affiche": s for s in Screening.objects.filter(uid__in=[u.split("@")[0] for u in uids])}
    assert set(stored) == uids
    for reader, events in readers.items():
        assert set(events) == uids, reader
        for uid, (start, end) in events.items():
            screening = stored[uid]
            assert (start.astimezone(UTC), end.astimezone(UTC)) == (
                screening.starts_at.astimezone(UTC),
                screening.ends_at.astimezone(UTC),
            ), (reader, uid, start, end)
    return text


def every_ics_url():
    yield from (f"/en/screenings/{pk}.ics" for pk in Screening.objects.values_list("pk", flat=True))
    yield from (f"/en/venues/{slug}.ics" for slug in Venue.objects.values_list("slug", flat=True))
    yield from (f"/en/festivals/{slug}.ics" for slug in Edition.objects.values_list("slug", flat=True))
    for screening in Screening.objects.prefetch_related("titles__parent__parent"):
        for title in screening.titles.all():
            while title is not None:
                yield f"/en/titles/{title.slug}/screenings.ics"
                title = title.parent


@pytest.mark.time_machine(BEFORE_THE_DEMO, tick=False)
def test_every_demo_calendar_reads_back_the_stored_instants(demo, client):
    urls = sorted(set(every_ics_url()))

    for url in urls:
        assert_calendar_holds_stored_instants(client.get(url))

    assert len(urls) >= 10  # screenings, venue, festival and title calendars


@pytest.fixture
def clock_changes(db):
    la = VenueFactory(slug="la-theatre", timezone="America/Los_Angeles")
    paris = VenueFactory(slug="paris-theatre", timezone="Europe/Paris", city="Paris", country_id="FR")
    return [
        # The second 1:30 am of the fall-back night in Los Angeles (PST, after the change).
        ScreeningFactory(
            venue=la,
            starts_at=datetime(2027, 11, 7, 9, 30, tzinfo=UTC),
            ends_at=datetime(2027, 11, 7, 11, 0, tzinfo=UTC),
        ),
        # 3:30 am PDT, just after the spring-forward change (10:30Z).
        ScreeningFactory(
            venue=la,
            starts_at=datetime(2027, 3, 14, 10, 30, tzinfo=UTC),
            ends_at=datetime(2027, 3, 14, 12, 0, tzinfo=UTC),
        ),
        # A Paris night screening ending at the second 2:40 am of 25 October 2026 (01:40Z).
        ScreeningFactory(
            venue=paris,
            starts_at=datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
            ends_at=datetime(2026, 10, 25, 1, 40, tzinfo=UTC),
        ),
        # Before the change the same night: the first 1:30 am PDT.
        ScreeningFactory(
            venue=la,
            starts_at=datetime(2027, 11, 7, 8, 30, tzinfo=UTC),
            ends_at=datetime(2027, 11, 7, 9, 0, tzinfo=UTC),
        ),
    ]


@pytest.mark.time_machine(BEFORE_THE_CLOCK_CHANGES, tick=False)
def test_clock_change_screenings_read_back_by_independent_parsers(clock_changes, client):
    for screening in clock_changes:
        assert_calendar_holds_stored_instants(client.get(f"/en/screenings/{screening.pk}.ics"))
    for venue in ("la-theatre", "paris-theatre"):
        assert_calendar_holds_stored_instants(client.get(f"/en/venues/{venue}.ics"))


def test_repeated_local_times_are_written_in_utc(clock_changes, client):
    fall_back, spring, paris, _first = clock_changes

    text = "\n".join(unfold(client.get(f"/en/screenings/{fall_back.pk}.ics").content.decode()))
    assert "DTSTART:20271107T093000Z" in text
    assert "TZID=America/Los_Angeles:20271107T013000" not in text
    text = "\n".join(unfold(client.get(f"/en/screenings/{paris.pk}.ics").content.decode()))
    assert "DTSTART;TZID=Europe/Paris:20261025T010000" in text
    assert "DTEND:20261025T014000Z" in text
    text = "\n".join(unfold(client.get(f"/en/screenings/{spring.pk}.ics").content.decode()))
    assert "DTSTART;TZID=America/Los_Angeles:20270314T033000" in text


@pytest.mark.time_machine(BEFORE_THE_CLOCK_CHANGES, tick=False)
def test_vtimezone_changes_at_the_zones_own_times_with_rrules(clock_changes, client):
    text = "\n".join(unfold(client.get("/en/venues/la-theatre.ics").content.decode()))
    [zone] = re.findall(r"BEGIN:VTIMEZONE\n.*?END:VTIMEZONE", text, flags=re.DOTALL)

    daylight = re.search(r"BEGIN:DAYLIGHT\n(.*?)END:DAYLIGHT", zone, flags=re.DOTALL).group(1).split("\n")
    assert "DTSTART:20260308T020000" in daylight  # 02:00 PST, the real change
    assert "TZOFFSETFROM:-0800" in daylight
    assert "TZOFFSETTO:-0700" in daylight
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in daylight
    assert "RDATE" not in zone
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in zone
    # dateutil on the file's own VTIMEZONE: 10:30Z on 14 March 2027 is 03:30 PDT.
    local = tz.tzical(io.StringIO(zone.replace("\n", "\r\n") + "\r\n")).get("America/Los_Angeles")
    assert datetime(2027, 3, 14, 10, 30, tzinfo=UTC).astimezone(local).strftime("%H:%M %Z") == "03:30 PDT"


@pytest.mark.time_machine(BEFORE_THE_CLOCK_CHANGES, tick=False)
def test_a_time_with_tzid_is_never_a_repeated_local_time(clock_changes, client):
    """The invariant behind RFC 5545 §3.3.5: a TZID time must name one instant."""
    from zoneinfo import ZoneInfo

    from screenings.localtime import is_ambiguous

    text = client.get("/en/venues/la-theatre.ics").content.decode()
    text += client.get("/en/venues/paris-theatre.ics").content.decode()
    for line in unfold(text):
        if (match := LINE.match(line)) and match.group(2):
            naive = datetime.strptime(match.group(3), "%Y%m%dT%H%M%S")  # noqa: DTZ007 (wall time)
            assert not is_ambiguous(naive, ZoneInfo(match.group(2))), line
