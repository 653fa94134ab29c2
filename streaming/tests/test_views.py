import datetime
import json
import re
from decimal import Decimal

import pytest

from catalog import extensions
from catalog.testing import section_queries
from catalog.tests.factories import EpisodeFactory, SeasonFactory
from people.tests.factories import OrganizationFactory
from streaming.enums import BillingPeriod, OfferType, PlanKind

from .factories import OfferFactory, PlanFactory, PlatformFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def jsonld(response) -> dict:
    text = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)[1]
    return json.loads(text)


@pytest.fixture
def season_with_offers(frozen_today):
    """A season whose ``n`` episodes each have a subscription and a rental on one platform."""

    def make(n):
        platform = PlatformFactory()
        PlanFactory(platform=platform)
        season = SeasonFactory()
        for number in range(1, n + 1):
            episode = EpisodeFactory(parent=season, number=number)
            OfferFactory(title=episode, platform=platform, available_from=D(2026, 2, 9 + number))
            OfferFactory(
                title=episode,
                platform=platform,
                offer_type=OfferType.RENT,
                price=Decimal("2.99"),
                currency="EUR",
                available_from=D(2026, 3, number),
            )
        return season, platform

    return make


@pytest.mark.parametrize("n", [1, 3])
def test_title_page_query_count_is_constant(client, season_with_offers, n):
    season, platform = season_with_offers(n)
    url = f"/en/titles/{season.slug}/"

    # "Where to watch" adds 2 queries to the title page, for 1 or 3 offers: the offers around
    # the title (platform, country, title, parent joined), shared with the JSON-LD; the
    # platforms' plans.
    added = section_queries(client, url, extensions.title_sections, "where-to-watch")
    assert added == 2
    assert added <= extensions.title_sections["where-to-watch"].queries
    watch = next(
        s.data for s in client.get(url).context["sections"]["after_children"] if s.section.name == "where-to-watch"
    )
    assert [o.platform for o in watch["offers"]] == [platform] * 2 * n  # a subscription and a rental each


@pytest.mark.parametrize("n", [1, 3])
def test_platform_page_query_count_is_constant(client, django_assert_num_queries, season_with_offers, n):
    _season, platform = season_with_offers(n)

    with django_assert_num_queries(14):
        # 1 platform with operator and logo; 2 countries; 3 plans; 4 devices with provider;
        # 5 audience figures; 6 quotations; 7 offers available today (platform, country, title,
        # parent, grandparent joined); 8-10 localized titles of title, parent, grandparent;
        # 11 offers coming soon; 12-14 their localized titles (title, parent, grandparent).
        response = client.get(f"/en/platforms/{platform.slug}/")

    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_home_page_query_count_is_constant(client, django_assert_num_queries, season_with_offers, n):
    season_with_offers(n)

    with django_assert_num_queries(17):
        # Screenings: 1 upcoming screenings (none), 2 the latest past ones (none), 3 the latest
        # edition. Streaming: 4 new offers; 5-7 localized titles of title, parent, grandparent;
        # 8 offers coming soon; 9-11 their localized titles. Catalogue: 12 recent titles;
        # 13 their localized titles; 14 genres; 15 countries; 16 the first credit of each
        # (catalog.distinctions); 17 collections.
        response = client.get("/en/")

    assert response.status_code == 200


def test_platform_list_query_count(client, django_assert_num_queries, season_with_offers):
    season_with_offers(1)

    with django_assert_num_queries(3):
        # 1 platforms with operator and logo; 2 countries; 3 plans (for "From €9.90 a month").
        response = client.get("/en/platforms/")

    assert "From €9.90 a month" in response.text


def test_from_price_is_the_lowest_monthly_price_with_the_cheaper_conditions(client):
    """ "From" names the open plan cheapest per month (yearly here) and the cheaper plans with
    their condition; gift cards, rentals and institutional plans stay out."""
    platform = PlatformFactory(name="POP")
    PlanFactory(platform=platform, price=Decimal("9.90"))
    PlanFactory(platform=platform, price=Decimal("99"), period=BillingPeriod.YEAR)
    PlanFactory(platform=platform, price=Decimal("4.95"), max_age=27)
    PlanFactory(platform=platform, price=Decimal("12"), min_age=18, max_age=20)  # dearer: not named
    PlanFactory(
        platform=platform, price=Decimal("29"), kind=PlanKind.GIFT, period=BillingPeriod.ONCE, duration_months=3
    )
    PlanFactory(platform=platform, price=Decimal("1"), kind=PlanKind.INSTITUTIONAL, institutions=["school"])

    english = client.get("/en/platforms/").text
    french = client.get("/fr/platforms/").text

    assert "From €8.25 a month, billed yearly; €4.95 a month under 28</p>" in english
    assert (
        "À partir de 8,25\xa0€ par mois, facturé à l’année\u202f; 4,95\xa0€ par mois pour les moins de 28\xa0ans"
        in french
    )


def test_platform_named_like_its_operator_shows_it_once(client):
    """ "OCS / OCS": the operator is shown only when its name differs from the platform's."""
    ocs = OrganizationFactory(name="OCS")
    PlatformFactory(name="OCS", operator=ocs)
    PlatformFactory(name="POP – Paris Opera Play", operator=OrganizationFactory(name="Opéra national de Paris"))

    text = client.get("/en/platforms/").text
    search = client.get("/en/search/?q=o").text

    assert text.count(">OCS<") == 1
    assert '<span class="card-context">Opéra national de Paris</span>' in text
    assert "(OCS)" not in search
    assert "(Opéra national de Paris)" in search


def test_series_page_shows_batches_and_coming_soon(client, demo, frozen_today):
    response = client.get("/en/titles/dans-les-couloirs-de-l-opera/")

    text = response.text
    assert "Episodes 1–2 available, 3–4 from March 1, 2026, 5–7 from April 1, 2026" in text
    # The demo's POP has €9.90 a month, €99 a year (€8.25 a month) and €4.95 a month under 28.
    assert "With a subscription (from €8.25 a month, billed yearly; €4.95 a month under 28)" in text
    assert "Available since Feb. 1, 2026" in text
    assert '<time datetime="2026-03-01">March 1, 2026</time> – Episodes 3–4' in text


def test_series_page_in_french(client, demo, frozen_today):
    response = client.get("/fr/titles/dans-les-couloirs-de-l-opera/")

    text = response.text
    assert "Épisodes 1–2 disponibles, 3–4 à partir du 1er mars 2026, 5–7 à partir du 1er avril 2026" in text
    assert (
        "Avec un abonnement (à partir de 8,25\xa0€ par mois, facturé à l’année\u202f; "
        "4,95\xa0€ par mois pour les moins de 28\xa0ans)"
    ) in text
    assert "Où regarder" in text


def test_episode_page_gets_its_season_broadcast(client, demo):
    response = client.get("/en/titles/l-opera-season-1-episode-2/")

    assert "OCS</a>, France – Broadcast on Sept. 7, 2021" in response.text
    offers = jsonld(response)["offers"]
    assert offers[0]["category"] == "broadcast"
    assert offers[0]["availabilityStarts"] == "2021-09-07"
    assert offers[0]["eligibleRegion"] == {"@type": "Country", "name": "France", "identifier": "FR"}


def test_episode_jsonld_offer(client, demo):
    response = client.get("/en/titles/dans-les-couloirs-de-l-opera-episode-5/")

    (offer,) = jsonld(response)["offers"]
    assert offer["availabilityStarts"] == "2026-04-01"
    assert offer["seller"]["name"] == "POP – Paris Opera Play"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            ["€9.90 a month", "€99.00 a year", "€4.95 a month", "€14.50", "€14.90", "Free for 3 months", "Ages 18–20"],
        ),
        (
            "fr",
            [
                "9,90\xa0€ par mois",
                "99,00\xa0€ par an",
                "4,95\xa0€ par mois",
                "14,50\xa0€",
                "14,90\xa0€",
                "Gratuit pendant 3 mois",
                "De 18 à 20 ans",
            ],
        ),
    ],
)
def test_platform_page_shows_plans_per_language(client, demo, frozen_today, language, expected):
    response = client.get(f"/{language}/platforms/pop-paris-opera-play/")

    text = response.text.replace("\u202f", "\xa0")
    for fragment in expected:
        assert fragment in text


def test_platform_page_shows_conditions_and_release_schedule(client, demo, frozen_today):
    text = client.get("/en/platforms/pop-paris-opera-play/").text

    assert "Orange TV decoders, channel 109" in text
    assert "2 screens on one account" in text
    assert "7 days" in text
    assert "about 6,000" in text
    assert "as stated on Jan. 28, 2026" in text
    assert '<time datetime="2026-04-01">April 1, 2026</time>' in text
    data = jsonld(client.get("/en/platforms/pop-paris-opera-play/"))
    monthly = next(o for o in data["offers"] if o["name"] == "Monthly subscription")
    assert monthly["priceSpecification"]["billingDuration"] == "P1M"
    assert monthly["price"] == "9.90"


def test_a_decoder_is_named_by_its_operator_in_the_readers_language(client, demo, frozen_today):
    """002 says « décodeurs TV d’Orange (chaîne 109) »: the French page must not show an English
    device name (issue 16, defect 8), the English one must not show a French one."""
    french = client.get("/fr/platforms/pop-paris-opera-play/").text
    english = client.get("/en/platforms/pop-paris-opera-play/").text

    assert "décodeurs TV Orange, chaîne 109" in french
    assert "decoders" not in french
    assert "Orange TV decoders, channel 109" in english
    assert "décodeurs" not in english


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("platform=pop-paris-opera-play", {"Dans les couloirs de l’Opéra"}),
        ("platform=ocs", {"The Opera"}),
        ("available=now", {"Dans les couloirs de l’Opéra"}),
        ("platform=ocs&available=now", set()),
    ],
)
def test_title_list_filters(client, demo, frozen_today, query, expected):
    response = client.get(f"/en/titles/?{query}")

    assert {t.display_title() for t in response.context["titles"]} == expected


@pytest.mark.parametrize("query", ["platform=nope", "available=yesterday", "platform=&available="])
def test_title_list_ignores_bad_streaming_filters(client, demo, query):
    assert client.get(f"/en/titles/?{query}").status_code == 200


def test_search_finds_platforms(client, demo):
    response = client.get("/en/search/?q=opera play")

    assert 'href="/en/platforms/pop-paris-opera-play/"' in response.text


def test_unknown_platform_is_404(client, db):
    assert client.get("/en/platforms/nope/").status_code == 404
