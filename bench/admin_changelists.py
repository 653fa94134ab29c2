"""Admin changelists of titles, credits, screenings and offers at the reference size: the
first page, a deep page, a search and a filter, as a logged-in superuser."""

import common

args = common.arguments(__doc__, repeat=(int, 10, "timed requests per page"))
common.setup_django(args.db_url)

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from catalog.generate import COMMON_WORD  # noqa: E402
from people.models import Person, Role  # noqa: E402

DEEP = 5000  # "the stock admin over 1,000,000 rows spends about 1.7 s on page 5,000"


def changelists() -> list[tuple[str, str]]:
    person = Person.objects.order_by("pk").values_list("name", flat=True).last()
    role = Role.objects.get(slug="actor").pk
    return [
        ("trivial view", "/bench/trivial/"),
        ("titles: first page", "/admin/catalog/title/"),
        ("titles: deep page", "/admin/catalog/title/?p=1000"),
        ("titles: search", f"/admin/catalog/title/?q={COMMON_WORD}"),
        ("titles: filter", "/admin/catalog/title/?kind__exact=episode"),
        ("credits: first page", "/admin/people/credit/"),
        ("credits: deep page", f"/admin/people/credit/?p={DEEP}"),
        ("credits: search", f"/admin/people/credit/?q={person.split()[-1]}"),
        ("credits: filter", f"/admin/people/credit/?role__id__exact={role}"),
        ("screenings: first page", "/admin/screenings/screening/"),
        ("screenings: deep page", "/admin/screenings/screening/?p=2000"),
        ("screenings: search", "/admin/screenings/screening/?q=salle"),
        ("screenings: filter", "/admin/screenings/screening/?status__exact=cancelled"),
        ("offers: first page", "/admin/streaming/offer/"),
        ("offers: deep page", "/admin/streaming/offer/?p=3000"),
        ("offers: search", "/admin/streaming/offer/?q=river"),
        ("offers: filter", "/admin/streaming/offer/?offer_type__exact=rent"),
    ]


def main():
    label = common.database_label(args.db_url)
    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    records = []
    for name, url in changelists():
        group = "public" if url.startswith("/bench/") else "admin"
        records.append({"db": label, "group": group, "name": name, **common.time_page(client, url, args.repeat)})
        common.progress(records[-1])
    common.add_ratios(records)
    print(f"\nAdmin changelists on {label} ({args.repeat} requests each)")
    common.print_table(records, common.PAGE_COLUMNS)
    common.write(args.out, records)


if __name__ == "__main__":
    main()
