"""The screenings part of ``generate_catalog``: venues with rooms in several time zones,
festivals with yearly editions and sections, and screenings from 2019 to 2028 (past and
upcoming, whatever the day the benchmark runs in between).

Each room's timeline is written in order with a break between screenings, so no two
room-blocking screenings ever overlap (PostgreSQL's exclusion constraint checks it too).
During a festival's edition its venue's rooms fill up and the screenings join the edition. Each
venue is closed a few early mornings (``close_some_mornings``)."""

import datetime
import uuid
from array import array
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from catalog.enums import TitleKind
from catalog.generate import KIND_CODES, Run, insert, slug_picker
from people.models import Organization

from .enums import ScreeningStatus
from .models import Edition, Festival, Screening, ScreeningTitle, Section, Venue, VenueClosure
from .services import save_closure

CITIES = [
    ("Paris", "FR", "Europe/Paris"),
    ("Los Angeles", "US", "America/Los_Angeles"),
    ("New York", "US", "America/New_York"),
    ("Montréal", "CA", "America/Toronto"),
    ("Tokyo", "JP", "Asia/Tokyo"),
    ("Sydney", "AU", "Australia/Sydney"),
    ("Berlin", "DE", "Europe/Berlin"),
    ("London", "GB", "Europe/London"),
]
#: A made-up street, postcode and the city's centre (latitude, longitude) per city of CITIES:
#: generated venues have a full address, so that the pages are tried with one.
ADDRESSES = {
    "Paris": ("boulevard des Généraux-de-Gaulle-et-Leclerc", "75013", (48.8566, 2.3522)),
    "Los Angeles": ("Hollywood Boulevard", "90028", (34.0522, -118.2437)),
    "New York": ("Avenue of the Americas", "10019", (40.7128, -74.0060)),
    "Montréal": ("boulevard Saint-Laurent", "H2X 2S9", (45.5017, -73.5673)),
    "Tokyo": ("Shibuya Dogenzaka", "150-0043", (35.6762, 139.6503)),
    "Sydney": ("George Street", "2000", (-33.8688, 151.2093)),
    "Berlin": ("Karl-Marx-Allee", "10243", (52.5200, 13.4050)),
    "London": ("Shaftesbury Avenue", "W1D 5EU", (51.5072, -0.1276)),
}
VENUE_WORDS = ["Cinéma", "Théâtre", "Auditorium", "Palace", "Studio", "Le Grand Écran", "Odéon", "Majestic"]
PRICES = [None, Decimal("8.00"), Decimal("9.50"), Decimal("12.00")]
FIRST_YEAR, LAST_YEAR = 2019, 2028
SECTIONS = [
    ("Competition", "Compétition", "#8c1c13"),
    ("Series", "Séries", "#1d4e89"),
    ("Classics", "Classiques", "#2d6a4f"),
]


def generate(run: Run):
    rng = run.rng
    if not run.sizes["screenings"] or not run.title_ids:
        return
    pick_venue_slug = slug_picker(Venue)
    places = max(run.sizes["screenings"] // 4000, 4)
    venues, rooms = [], []  # rooms: (room pk, zone, venue index)
    for index in range(places):
        city, country, zone = CITIES[index % len(CITIES)]
        name = f"{rng.choice(VENUE_WORDS)} {city} {index + 1}"
        street, postcode, (latitude, longitude) = ADDRESSES[city]
        venue = Venue.objects.create(
            name=name,
            slug=pick_venue_slug(name),
            address=f"{index + 1} {street}",
            postcode=postcode,
            city=city,
            country_id=country,
            latitude=Decimal(f"{latitude + index / 1000:.6f}"),
            longitude=Decimal(f"{longitude + index / 1000:.6f}"),
            timezone=zone,
        )
        venues.append(venue)
        for number in range(1, rng.randint(2, 6) + 1):
            room_name = f"Salle {number}"
            room = Venue(
                name=room_name, slug=pick_venue_slug(f"{name} {room_name}"), parent=venue, capacity=rng.randint(80, 900)
            )
            room.save()  # copies the building's zone and address
            rooms.append((room.pk, ZoneInfo(zone), index))
    pick_festival_slug, pick_edition_slug = slug_picker(Festival), slug_picker(Edition)
    organizer = Organization.objects.order_by("pk").first()
    editions: dict[int, list] = {}  # venue index → [(first day, last day, edition pk, [section pks])]
    for index in range(max(places // 3, 1)):
        city, country, _zone = CITIES[index % len(CITIES)]
        name = f"{city} Screen Festival {index + 1}"
        festival = Festival.objects.create(
            name=name, slug=pick_festival_slug(name), city=city, country_id=country, organizer=organizer
        )
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            starts = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(20, 320))
            edition = Edition.objects.create(
                festival=festival,
                slug=pick_edition_slug(f"{name} {year}"),
                year=year,
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=9),
            )
            sections = Section.objects.bulk_create(
                Section(edition=edition, name_en=en, name_fr=fr, colour=colour, order=order)
                for order, (en, fr, colour) in enumerate(SECTIONS)
            )
            editions.setdefault(index, []).append(
                (edition.starts_on, edition.ends_on, edition.pk, [s.pk for s in sections])
            )
    shown = [i for i, k in enumerate(run.title_kinds) if KIND_CODES[k] != TitleKind.SEASON]
    programme = array("q")  # the title shown by each screening, in the order written

    # Calendar UIDs are drawn from the seed too, salted with what is already there so that a
    # second run with the same seed does not reuse them.
    salt = Screening.objects.count()

    def screenings():
        per_room = run.sizes["screenings"] // len(rooms) + 1
        written = 0
        for room_pk, zone, venue_index in rooms:
            local = datetime.datetime(FIRST_YEAR, 1, 2, 10, 0, tzinfo=zone)
            span_days = (LAST_YEAR - FIRST_YEAR + 1) * 365
            step = span_days / per_room
            for _ in range(per_room):
                if written == run.sizes["screenings"]:
                    return
                day = local.date()
                edition = next((e for e in editions.get(venue_index, []) if e[0] <= day <= e[1]), None)
                title_index = rng.choice(shown)
                minutes = max(int(run.title_runtimes[title_index] or 90), 20)
                starts = local.astimezone(datetime.UTC)
                ends = starts + datetime.timedelta(minutes=minutes)
                status = ScreeningStatus.CANCELLED if rng.random() < 0.03 else ScreeningStatus.SCHEDULED
                programme.append(run.title_ids[title_index])
                written += 1
                yield Screening(
                    uid=uuid.UUID(int=rng.getrandbits(128) ^ salt),
                    venue_id=room_pk,
                    edition_id=edition[2] if edition else None,
                    section_id=rng.choice(edition[3]) if edition else None,
                    starts_at=starts,
                    ends_at=ends,
                    blocked_until=ends,  # generated venues have no changeover
                    local_date=day,
                    status=status,
                    price=rng.choice(PRICES),
                    currency="EUR",
                )
                # Next start: the same evening during a festival, else some days later.
                if edition or step < 1:
                    gap = datetime.timedelta(minutes=minutes + 30)
                else:
                    # Whole minutes, as a person enters them (the admin form has no seconds).
                    gap = datetime.timedelta(minutes=round(step * rng.uniform(0.5, 1.5) * 24 * 60))
                local = (local + gap).astimezone(zone)
                if local.hour >= 23 or local.hour < 9:
                    local = (local + datetime.timedelta(days=1)).replace(hour=10, minute=0)

    screening_ids = array("q")
    insert(Screening, screenings(), screening_ids)
    insert(
        ScreeningTitle,
        (
            ScreeningTitle(screening_id=pk, title_id=title_id)
            for pk, title_id in zip(screening_ids, programme, strict=True)
        ),
    )
    closures = close_some_mornings(rng, venues, rooms)
    run.say(f"  {len(screening_ids)} screenings in {len(rooms)} rooms of {places} venues, {closures} closures")


#: The closures drawn per venue: early mornings, when the programme has ended (see ``generate``).
CLOSURES_PER_VENUE = 3
CLOSURE_REASONS = [("Private event", "Soirée privée"), ("Maintenance", "Travaux"), ("Cleaning", "Nettoyage")]


def close_some_mornings(rng, venues, rooms) -> int:
    """A few closures of each venue (the building, or one of its rooms) from 6 to 8 am local
    time, saved through ``services.save_closure``; one that meets an overnight screening is
    skipped. Returns the number saved."""
    saved = 0
    for index, venue in enumerate(venues):
        own_rooms = [pk for pk, _zone, venue_index in rooms if venue_index == index]
        for _ in range(CLOSURES_PER_VENUE):
            day = datetime.date(rng.randint(FIRST_YEAR, LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28))
            starts = datetime.datetime.combine(day, datetime.time(6), venue.zone).astimezone(datetime.UTC)
            reason_en, reason_fr = rng.choice(CLOSURE_REASONS)
            closure = VenueClosure(
                venue_id=rng.choice([venue.pk, *own_rooms]),
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                reason_en=reason_en,
                reason_fr=reason_fr,
            )
            try:
                save_closure(closure)
            except ValidationError:
                continue
            saved += 1
    return saved
