"""The programme grid (issue 18): the day tab of a 12-room, 10-day edition with 1,000 screenings
(target < 100 ms server time, the same query count as a small edition), as a logged-in
superuser. The edition is made inside a transaction that is rolled back at the end, so the
catalogue the other scripts measure is left as it was."""

from datetime import date, datetime, time, timedelta

import common

args = common.arguments(__doc__, repeat=(int, 10, "timed requests per page"))
common.setup_django(args.db_url)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from catalog.models import Title  # noqa: E402
from screenings.models import Edition, Festival, Screening, ScreeningTitle, Venue  # noqa: E402

ROOMS, DAYS, SCREENINGS = 12, 10, 1000
FIRST_DAY = date(2031, 4, 1)


def make_edition(rooms: int, days: int, screenings: int) -> Edition:
    """An edition in ``rooms`` rooms of three venues, ``screenings`` spread over ``days`` days,
    each 90 minutes in a slot of 1 h 45 from 10 am, showing one or two existing titles."""
    festival = Festival.objects.create(name=f"Bench grid {rooms}", slug=f"bench-grid-{rooms}-{screenings}")
    edition = Edition.objects.create(
        festival=festival,
        year=2031,
        slug=f"bench-grid-{rooms}-{screenings}-2031",
        starts_on=FIRST_DAY,
        ends_on=FIRST_DAY + timedelta(days=days - 1),
    )
    section = edition.sections.create(name_en="Competition", colour="#8c1c13")
    buildings = [
        Venue.objects.create(
            name=f"Bench venue {n}", slug=f"bench-grid-{rooms}-{screenings}-{n}", timezone="Europe/Paris"
        )
        for n in range(3)
    ]
    room_list = [
        Venue.objects.create(
            name=f"Salle {n}",
            parent=buildings[n % 3],
            slug=f"{buildings[n % 3].slug}-salle-{n}",
            timezone="Europe/Paris",
        )
        for n in range(rooms)
    ]
    zone = buildings[0].zone
    titles = list(Title.objects.order_by("pk").values_list("pk", flat=True)[:screenings])
    made = []
    for n in range(screenings):
        day = FIRST_DAY + timedelta(days=n % days)
        room = room_list[(n // days) % rooms]
        slot = n // (days * rooms)
        start = datetime.combine(day, time(10)).replace(tzinfo=zone) + timedelta(minutes=105 * slot)
        made.append(
            Screening(
                edition=edition,
                section=section,
                venue=room,
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                blocked_until=start + timedelta(minutes=90),  # rooms without changeover
                local_date=day,
            )
        )
    Screening.objects.bulk_create(made)
    links = []
    for n, screening in enumerate(made):
        for order, pk in enumerate(titles[n % len(titles) : n % len(titles) + 1 + n % 2]):
            links.append(ScreeningTitle(screening=screening, title_id=pk, order=order))
    ScreeningTitle.objects.bulk_create(links)
    return edition


def main():
    label = common.database_label(args.db_url)
    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    records = []
    with transaction.atomic():
        small = make_edition(1, 1, 2)
        large = make_edition(ROOMS, DAYS, SCREENINGS)
        room = Screening.objects.filter(edition=large).values_list("venue", flat=True).first()
        cases = [
            ("trivial view", "/bench/trivial/"),
            ("programme grid: day tab, 1 room, 2 screenings", f"/admin/screenings/edition/{small.pk}/schedule/"),
            (
                f"programme grid: day tab, {ROOMS} rooms, {SCREENINGS} screenings in {DAYS} days",
                f"/admin/screenings/edition/{large.pk}/schedule/?day={FIRST_DAY + timedelta(days=3)}",
            ),
            (
                "programme grid: a room's day sheet",
                f"/admin/screenings/edition/{large.pk}/schedule/?day={FIRST_DAY}&room={room}",
            ),
        ]
        for name, url in cases:
            group = "public" if url.startswith("/bench/") else "admin"
            records.append({"db": label, "group": group, "name": name, **common.time_page(client, url, args.repeat)})
            common.progress(records[-1])
        transaction.set_rollback(True)
    common.add_ratios(records)
    print(f"\nProgramme grid on {label} ({args.repeat} requests each)")
    common.print_table(records, common.PAGE_COLUMNS)
    common.write(args.out, records)


if __name__ == "__main__":
    main()
