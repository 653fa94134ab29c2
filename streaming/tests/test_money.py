from decimal import Decimal

import pytest
from django.utils import translation

from streaming.enums import BillingPeriod, PlanKind
from streaming.models import Plan
from streaming.templatetags.streaming_tags import discounted_price, plan_price


@pytest.mark.parametrize(
    ("price", "percent", "expected"),
    [
        ("29", 50, Decimal("14.50")),
        ("59", 50, Decimal("29.50")),
        ("9.99", 50, Decimal("5.00")),
        ("0.10", 33, Decimal("0.07")),
    ],
)
def test_discount_is_decimal_rounded_half_up(price, percent, expected):
    plan = Plan(price=Decimal(price), currency="EUR", discount_percent=percent)

    assert plan.discounted_price == expected
    assert isinstance(plan.discounted_price, Decimal)


def test_price_per_month_of_a_year_and_a_gift_card():
    assert Plan(price=Decimal("99"), period=BillingPeriod.YEAR).price_per_month() == Decimal("8.25")
    assert Plan(price=Decimal("29"), period=BillingPeriod.ONCE, duration_months=3).price_per_month() == Decimal("9.67")


@pytest.mark.parametrize(
    ("language", "expected", "gift"),
    [("en", "€9.90 a month", "€14.50"), ("fr", "9,90\u00a0€ par mois", "14,50\u00a0€")],
)
def test_prices_are_formatted_per_language(language, expected, gift):
    monthly = Plan(price=Decimal("9.90"), currency="EUR", period=BillingPeriod.MONTH)
    card = Plan(price=Decimal("29"), currency="EUR", period=BillingPeriod.ONCE, kind=PlanKind.GIFT, discount_percent=50)

    with translation.override(language):
        assert plan_price(monthly).replace("\u202f", "\u00a0") == expected
        assert discounted_price(card).replace("\u202f", "\u00a0") == gift


@pytest.mark.parametrize(("language", "expected"), [("en", "Free for 3 months"), ("fr", "Gratuit pendant 3 mois")])
def test_free_pass_is_shown_as_free(language, expected):
    with translation.override(language):
        assert (
            plan_price(Plan(price=Decimal("0"), currency="EUR", period=BillingPeriod.ONCE, duration_months=3))
            == expected
        )
