"""``generate_catalog``: sizes, invariants, determinism, and page query counts that do not
change when the catalogue grows (the benchmark checks the same at the reference size)."""

import io
import random

import pytest
from django.core.management import call_command
from django.db.models import Exists, F, OuterRef
from django.test.utils import CaptureQueriesContext

from catalog.models import LocalizedTitle, Title
from catalog.text import normalize
from people.models import Credit, Person
from screenings.enums import ROOM_BLOCKING_STATUSES
from screenings.models import Screening
from streaming.enums import OfferType
from streaming.models import Offer

pytestmark = pytest.mark.django_db

SMALL = {
    "titles": 300,
    "people": 200,
    "credits": 2000,
    "screenings": 400,
    "offers": 3000,
}  # offers: some new, some coming


def generate(seed=1, **sizes):
    options = [f"--{name}={value}" for name, value in {**SMALL, **sizes}.items()]
    call_command("generate_catalog", f"--seed={seed}", *options, stdout=io.StringIO())


def test_generate_catalog_adds_the_sizes_asked_for_to_the_demo(demo):
    before = {model: model.objects.count() for model in (Title, Person, Credit, Screening, Offer)}

    generate()

    added = {model: model.objects.count() - count for model, count in before.items()}
    assert (added[Title], added[Person], added[Screening], added[Offer]) == (300, 200, 400, 3000)
    assert 1800 <= added[Credit] <= 2200  # drawn per title; duplicates on one title are dropped
    assert Title.objects.filter(slug="l-opera", original_title="L'Opéra").exists()  # the demo is still there


def test_generated_rows_keep_the_models_invariants(db):
    generate()

    titles = list(Title.objects.prefetch_related("localized_titles"))
    for title in random.Random(0).sample(titles, 50):
        assert title.search_text == title.compute_search_text()
        assert title.sort_title == title.compute_sort_title()
    assert LocalizedTitle.objects.exists()
    assert Title.objects.filter(kind="episode", parent__kind="season").exists()
    for person in Person.objects.all()[:50]:
        assert person.name_key == normalize(person.name)
    blocking = Screening.objects.filter(status__in=ROOM_BLOCKING_STATUSES)
    overlapping = blocking.filter(venue=OuterRef("venue"), starts_at__lt=OuterRef("ends_at"))
    overlapping = overlapping.filter(ends_at__gt=OuterRef("starts_at")).exclude(pk=OuterRef("pk"))
    assert not blocking.filter(Exists(overlapping)).exists()
    assert not Screening.objects.filter(local_date__isnull=True).exists()
    assert not Offer.objects.filter(available_until__lte=F("available_from")).exists()
    assert not Offer.objects.filter(offer_type__in=[OfferType.RENT, OfferType.BUY], price__isnull=True).exists()


def test_generate_catalog_is_deterministic(db):
    def shape():
        return list(
            Title.objects.order_by("pk").values_list("kind", "number", "original_title", "year", "search_text")
        ), list(Credit.objects.order_by("pk").values_list("role__slug", "person__name", "character"))

    generate(seed=7)
    first = shape()
    Credit.objects.all().delete()

    generate(seed=7)

    titles, credits = shape()
    half = len(titles) // 2
    assert titles[half:] == first[0]
    assert credits == first[1]


def demo_pages():
    series = Title.objects.get(slug="l-opera")
    season = series.children.order_by("number").last()
    episode = season.children.order_by("number").first()
    return [
        "/en/",
        "/en/titles/",
        "/en/titles/?kind=series",
        "/en/titles/?genre=drama",
        "/en/titles/?country=FR",
        "/en/titles/?q=couloirs",
        "/en/titles/?platform=pop-paris-opera-play",
        series.get_absolute_url(),
        season.get_absolute_url(),
        episode.get_absolute_url(),
        "/en/people/",
        "/en/people/nils-tavernier/",
        "/en/festivals/colcoa-2021/",
        "/en/festivals/colcoa-2021.ics",
        "/en/screenings/?when=all",
        "/en/venues/melville-theatre/",
        "/en/platforms/",
        "/en/platforms/pop-paris-opera-play/",
        "/en/search/?q=couloirs",
        "/admin/catalog/title/",
        "/admin/people/credit/",
        "/admin/screenings/screening/",
        "/admin/streaming/offer/",
    ]


def query_counts(client, urls) -> dict[str, int]:
    from django.db import connection

    counts = {}
    for url in urls:
        client.get(url)  # sessions and caches settle first
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


#: Pages whose rows have parents once generated titles are there (episodes found by a search):
#: the parents' prefetches run, so they are compared between two generated sizes only.
WITH_EPISODES = ["/en/", "/en/titles/?q=opera", "/en/search/?q=opera", "/en/titles/?kind=episode"]


def test_page_query_counts_do_not_change_when_the_catalogue_grows(demo, admin_client):
    urls = demo_pages()
    # The home page is left out at demo size: the demo's screenings are all past and its
    # offers not recent, so two of its blocks are empty there (fewer queries, by design).
    at_demo_size = query_counts(admin_client, urls[1:])

    generate()
    small = query_counts(admin_client, urls[1:] + WITH_EPISODES)
    generate(**{name: size * 3 for name, size in SMALL.items()})

    assert {url: small[url] for url in urls[1:]} == at_demo_size
    assert query_counts(admin_client, urls[1:] + WITH_EPISODES) == small
