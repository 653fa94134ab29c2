from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from catalog.csvio import run_import
from catalog.testing import csv_of, export
from catalog.tests.factories import TitleFactory
from streaming.models import AudienceFigure, Device, Offer, Plan, Platform

from .factories import OfferFactory, PlatformFactory

pytestmark = pytest.mark.django_db

PLATFORMS = "slug,name,kind,operator,countries,launched_on,website,devices,simultaneous_screens,trial_days"
PLANS = "platform,name,price,currency,period,duration_months,eligibility,is_gift"
OFFERS = (
    "title,platform,country,type,price,currency,quality,available_from,available_until,exclusive,url,live_at,"
    "replay_days"
)


def problems(report):
    return [(p.line, p.column, p.message) for p in report.problems]


@pytest.fixture
def pop(db):
    return PlatformFactory(slug="pop", name="POP")


@pytest.fixture
def film(db):
    return TitleFactory(slug="giselle")


# Platforms ----------------------------------------------------------------------------------


def test_platforms_import_devices_and_countries_then_reimport_changes_nothing(demo):
    data = csv_of(
        PLATFORMS,
        "arte,ARTE,broadcaster,,FR|DE,1992-05-30,https://www.arte.tv/,web:arte.tv|decoder:Box:7:orange:subscribe,,",
    )

    first = run_import("platforms", data.encode())
    again = run_import("platforms", data.encode())

    assert first.ok, first.problems
    assert (first.new, again.unchanged) == (1, 1)
    arte = Platform.objects.get(slug="arte")
    assert sorted(arte.countries.values_list("code", flat=True)) == ["DE", "FR"]
    assert [
        (d.kind, d.name, d.channel, d.provider and d.provider.slug, d.can_subscribe) for d in arte.devices.all()
    ] == [
        ("web", "arte.tv", "", None, False),
        ("decoder", "Box", "7", "orange", True),
    ]


def test_platforms_unknown_operator_and_device_kind_are_errors(db):
    data = csv_of(PLATFORMS, "arte,ARTE,broadcaster,nobody,,,,tv:Box,,")

    report = run_import("platforms", data.encode())

    assert {(p.column, p.message) for p in report.problems} == {
        ("operator", "No organisation “nobody”."),
        ("devices", "Unknown device kind “tv” (one of: web, app, decoder)."),
    }
    assert not Platform.objects.exists()


def test_platforms_audience_figures_round_trip(demo):
    data = export("platforms")

    assert "subscribers:~6000:2026-01-28:Opéra national de Paris" in data
    AudienceFigure.objects.all().delete()
    assert run_import("platforms", data.encode()).updated == 1
    assert AudienceFigure.objects.get(metric="visits").value == 1_000_000


# Plans --------------------------------------------------------------------------------------


def test_plans_import_eligibility_and_gift_cards_then_reimport_changes_nothing(pop):
    data = csv_of(
        PLANS,
        "pop,Monthly,9.90,EUR,month,,,false",
        "pop,Young,4.95,EUR,month,,age:-27,",
        "pop,Gift card,29,EUR,once,3,,true",
        "pop,Schools,,,year,,institution:school|institution:conservatory,",
        "pop,pass Culture,0,EUR,once,3,age:18-20|pass:pass Culture,",
    )

    first = run_import("plans", data.encode())
    again = run_import("plans", data.encode())

    assert first.ok, first.problems
    assert (first.new, again.new, again.updated, again.unchanged) == (5, 0, 0, 5)
    plans = {p.name_en: p for p in Plan.objects.all()}
    assert (plans["Young"].min_age, plans["Young"].max_age) == (None, 27)
    assert plans["Gift card"].kind == "gift"
    assert plans["Schools"].institutions == ["school", "conservatory"]
    assert (plans["pass Culture"].min_age, plans["pass Culture"].partner_pass) == (18, "pass Culture")
    # An age condition keeps the youth plan out of "from …" prices.
    assert pop.cheapest_plan().name_en == "Monthly"


def test_plans_is_gift_and_kind_must_agree(pop):
    data = csv_of(PLANS + ",kind", "pop,Card,29,EUR,once,3,,true,rental")

    assert problems(run_import("plans", data.encode())) == [(2, "is_gift", "“is_gift” and “kind” disagree.")]


def test_plans_french_excel_file_semicolons_cp1252_and_decimal_comma(pop):
    data = csv_of(
        PLANS + ",name_fr", "pop;Yearly;99,90;EUR;year;;;non;Abonnement annuel – l’œuvre complète", delimiter=";"
    )

    report = run_import("plans", data.encode("cp1252"))

    assert report.ok, report.problems
    plan = Plan.objects.get()
    assert (plan.price, plan.name_fr) == (Decimal("99.90"), "Abonnement annuel – l’œuvre complète")


def test_plans_decimal_comma_in_a_comma_file_and_negative_price_are_refused(pop):
    data = csv_of(PLANS, 'pop,Monthly,"9,90",EUR,month,,,', "pop,Yearly,-99,EUR,year,,,")

    assert problems(run_import("plans", data.encode())) == [
        (2, "price", "Write decimals with a point: 9.99."),
        (3, "price", "A price cannot be negative."),
    ]
    assert not Plan.objects.exists()


def test_plans_unknown_platform_and_same_key_twice(pop):
    data = csv_of(
        PLANS, "nowhere,Monthly,9.90,EUR,month,,,", "pop,Monthly,9.90,EUR,month,,,", "POP,monthly,1,EUR,month,,,"
    )

    assert [str(p) for p in run_import("plans", data.encode()).problems] == [
        "line 2, platform: “nowhere” No platform “nowhere”.",
        "line 4, platform, name: “POP / monthly” Same key as line 3.",
    ]


# Offers -------------------------------------------------------------------------------------


def test_offers_import_then_reimport_changes_nothing(pop, film):
    data = csv_of(
        OFFERS,
        "giselle,pop,FR,rent,3.99,EUR,hd,2026-02-01,2026-03-01,false,https://pop.example/giselle,,",
        "giselle,pop,FR,live,,,,,,true,,2026-02-01T19:30+01:00,30",
    )

    first = run_import("offers", data.encode())
    again = run_import("offers", data.encode())

    assert first.ok, first.problems
    assert (first.new, again.unchanged) == (2, 2)
    live = Offer.objects.get(offer_type="live")
    assert live.live_at == datetime(2026, 2, 1, 18, 30, tzinfo=UTC)
    assert (live.available_from, live.available_until) == (date(2026, 2, 1), date(2026, 3, 4))


def test_offers_matched_by_title_platform_country_and_type_are_updated(pop, film):
    OfferFactory(title=film, platform=pop, country_id="FR", offer_type="rent", price=Decimal("3.99"), currency="EUR")

    report = run_import("offers", csv_of(OFFERS, "GISELLE,pop,fr,rent,4.99,EUR,,,,,,,").encode())

    assert (report.new, report.updated) == (0, 1)
    assert Offer.objects.get().price == Decimal("4.99")


def test_offers_window_price_dates_and_live_time_are_checked(pop, film, settings):
    rows = [
        "giselle,pop,FR,rent,3.99,EUR,,2026-03-01,2026-02-01,,,,",
        "giselle,pop,FR,buy,-1,EUR,,,,,,,",
        "giselle,pop,FR,free,,,,03/04/2026,,,,,",
        "giselle,pop,FR,ads,,,,,,,,2026-10-25 02:30,",
    ]

    settings.TIME_ZONE = "Europe/Paris"  # where 2:30 am on 25 October 2026 happens twice

    report = run_import("offers", csv_of(OFFERS, *rows).encode())

    assert [(p.line, p.column) for p in report.problems] == [
        (2, ""),
        (3, "price"),
        (4, "available_from"),
        (5, "live_at"),
    ]
    assert report.problems[0].message == "“Available until” must be after “available from”."
    assert report.problems[1].message == "A price cannot be negative."
    assert "happens twice in Europe/Paris" in report.problems[3].message
    assert not Offer.objects.exists()


def test_offers_unknown_title_and_platform_are_errors(db):
    report = run_import("offers", csv_of(OFFERS, "nothing,nowhere,FR,free,,,,,,,,,").encode())

    assert {(p.column, p.message) for p in report.problems} == {
        ("title", "No title “nothing”."),
        ("platform", "No platform “nowhere”."),
    }


# All of them --------------------------------------------------------------------------------


def test_streaming_round_trip_from_the_demo_into_an_empty_database(demo):
    files = {name: export(name) for name in ("platforms", "plans", "offers")}
    Offer.objects.all().delete()
    Platform.objects.all().delete()

    for name, data in files.items():
        report = run_import(name, data.encode())
        assert report.ok, (name, report.problems)

    assert {name: export(name) for name in files} == files
    assert Device.objects.count() == 3
    assert Plan.objects.get(name_en="Gift card, 1 year").discounted_price == Decimal("49.50")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("platforms", csv_of(PLATFORMS, "arte,ARTE,broadcaster,,FR,,,web:arte.tv,,")),
        ("plans", csv_of(PLANS, "pop,Monthly,9.90,EUR,month,,,")),
        ("offers", csv_of(OFFERS, "giselle,pop,FR,free,,,,,,,,,")),
    ],
)
def test_dry_run_writes_nothing(pop, film, name, data):
    report = run_import(name, data.encode(), dry_run=True)

    assert report.ok, report.problems
    assert report.new == 1
    assert (Platform.objects.count(), Device.objects.count(), Plan.objects.count(), Offer.objects.count()) == (
        1,
        0,
        0,
        0,
    )
