"""Public pages at the reference size: median and 95th percentile server time, query count and
the slowest query of each page type, beside a trivial view measured in the same run.

Requests go through the whole Django stack in this process (``django.test.Client``: URL
resolution, middleware, views, templates), so the figures are server time without the network.
"""

import time

import common

args = common.arguments(__doc__, repeat=(int, 20, "timed requests per page"))
common.setup_django(args.db_url)

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from catalog.enums import TitleKind  # noqa: E402
from catalog.generate import COMMON_WORD, RARE_WORD  # noqa: E402
from catalog.models import Title  # noqa: E402
from people.models import Credit, Organization, Person  # noqa: E402
from screenings.models import Edition, Screening, Venue  # noqa: E402
from streaming.models import Offer, Platform  # noqa: E402


def landmarks() -> dict:
    """The heaviest records of each kind: the pages a benchmark should hit."""
    series = Title.objects.filter(kind=TitleKind.SERIES).annotate(n=Count("children")).order_by("-n", "pk").first()
    season = Title.objects.filter(kind=TitleKind.SEASON).annotate(n=Count("children")).order_by("-n", "pk").first()
    episode = Title.objects.filter(parent=season).order_by("number").first()
    film = Title.objects.filter(kind=TitleKind.FILM).annotate(n=Count("credits")).order_by("-n", "pk").first()
    top_person = Credit.objects.values("person").exclude(person=None).annotate(n=Count("pk")).order_by("-n")[0]
    # The person's role with the most credits: the page behind "All N works as …".
    top_role = (
        Credit.objects.filter(person=top_person["person"]).values("role__slug").annotate(n=Count("pk")).order_by("-n")
    )[0]["role__slug"]
    top_org = (
        Credit.objects.values("organization").exclude(organization=None).annotate(n=Count("pk")).order_by("-n").first()
    )
    edition = Edition.objects.annotate(n=Count("screenings")).order_by("-n", "pk").first()
    venue_id = Screening.objects.values("venue__parent").annotate(n=Count("pk")).order_by("-n")[0]["venue__parent"]
    platform_id = Offer.objects.values("platform").annotate(n=Count("pk")).order_by("-n")[0]["platform"]
    top = Title.objects.top_level().count()
    return {
        "series": series.slug,
        "season": season.slug,
        "episode": episode.slug,
        "film": film.slug,
        "person": Person.objects.get(pk=top_person["person"]).slug,
        "person_credits": top_person["n"],
        "person_role": top_role,
        "organization": Organization.objects.get(pk=top_org["organization"]).slug if top_org else None,
        "organization_credits": top_org["n"] if top_org else 0,
        "edition": edition.slug,
        "edition_screenings": edition.n,
        "venue": Venue.objects.get(pk=venue_id).slug,
        "platform": Platform.objects.get(pk=platform_id).slug,
        "deep_page": max(top // 24 // 2, 1),
        "genre": "drama",
    }


def pages(m: dict) -> list[tuple[str, str]]:
    return [
        ("trivial view", "/bench/trivial/"),
        ("home", "/en/"),
        ("title list", "/en/titles/"),
        ("title list: kind", "/en/titles/?kind=series"),
        ("title list: genre", f"/en/titles/?genre={m['genre']}"),
        ("title list: country", "/en/titles/?country=FR"),
        ("title list: language", "/en/titles/?language=fr"),
        ("title list: years", "/en/titles/?year_min=1990&year_max=1999"),
        ("title list: newest", "/en/titles/?ordering=-year"),
        ("title list: platform", f"/en/titles/?platform={m['platform']}"),
        ("title list: available now", "/en/titles/?available=now"),
        ("title list: screenings", "/en/titles/?screening=upcoming"),
        ("title list: search", f"/en/titles/?q={COMMON_WORD}"),
        ("title list: last page shown (100)", "/en/titles/?page=100"),
        (f"title list: page {m['deep_page']} (redirects)", f"/en/titles/?page={m['deep_page']}"),
        ("people list: last page shown", "/en/people/?page=100"),
        ("film", f"/en/titles/{m['film']}/"),
        ("series (many seasons)", f"/en/titles/{m['series']}/"),
        ("season (many episodes)", f"/en/titles/{m['season']}/"),
        ("episode", f"/en/titles/{m['episode']}/"),
        ("season: every episode (page 2)", f"/en/titles/{m['season']}/episodes/?page=2"),
        ("series: every actor credit", f"/en/titles/{m['series']}/credits/?role=actor"),
        ("series: every offer", f"/en/titles/{m['series']}/offers/"),
        (f"person ({m['person_credits']} credits)", f"/en/people/{m['person']}/"),
        (f"person: every {m['person_role']} work", f"/en/people/{m['person']}/credits/?role={m['person_role']}"),
        *(
            [(f"organisation ({m['organization_credits']} credits)", f"/en/organizations/{m['organization']}/")]
            if m["organization"]
            else []
        ),
        ("people list", "/en/people/"),
        (f"festival schedule ({m['edition_screenings']})", f"/en/festivals/{m['edition']}/"),
        ("screening list", "/en/screenings/"),
        ("venue", f"/en/venues/{m['venue']}/"),
        ("platform", f"/en/platforms/{m['platform']}/"),
        ("platform: every offer available now", f"/en/platforms/{m['platform']}/available/"),
        ("platform: every offer coming soon", f"/en/platforms/{m['platform']}/coming/"),
        ("platform list", "/en/platforms/"),
        ("search: common word", f"/en/search/?q={COMMON_WORD}"),
        ("search: rare word", f"/en/search/?q={RARE_WORD}"),
        ("calendar file (festival)", f"/en/festivals/{m['edition']}.ics"),
        ("calendar file (venue)", f"/en/venues/{m['venue']}.ics"),
        ("screening list: past at the venue", f"/en/screenings/?venue={m['venue']}&when=past"),
    ]


def main():
    label = common.database_label(args.db_url)
    started = time.monotonic()
    marks = landmarks()
    print(f"landmarks found in {time.monotonic() - started:.1f} s: {marks}", flush=True)
    client = Client()
    records = []
    for name, url in pages(marks):
        record = {"db": label, "group": "public", "name": name, **common.time_page(client, url, args.repeat)}
        records.append(record)
        common.progress(record)
    common.add_ratios(records)
    rss = common.peak_rss_mb()
    records.append({"db": label, "group": "memory", "name": "pages process peak RSS", "rss_mb": round(rss, 1)})
    print(f"\nPublic pages on {label} ({args.repeat} requests each)")
    common.print_table(records[:-1], common.PAGE_COLUMNS)
    print(f"peak memory of this process: {rss:.0f} MB")
    common.write(args.out, records)


if __name__ == "__main__":
    main()
