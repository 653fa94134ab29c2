"""Money shown per language: "9,90 €" in French, "€9.90" in English. Amounts are Decimal."""

from decimal import Decimal

from babel.numbers import format_currency
from django.core.validators import MinValueValidator, RegexValidator
from django.db.models import CheckConstraint, Q
from django.utils.translation import gettext_lazy as _

from .language import babel_locale

# On every price field, so that the form says which field is wrong before the database would.
PRICE_VALIDATORS = [MinValueValidator(Decimal(0), message=_("A price cannot be negative."))]

# On every currency field and form field: an ISO 4217 code in capitals.
currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code such as USD or EUR."))


def price_constraints(prefix: str, currency_message=None) -> list[CheckConstraint]:
    """The two rules every price obeys, named ``<prefix>_price_not_negative`` and
    ``<prefix>_price_has_currency``: not below zero, and never without its currency."""
    return [
        CheckConstraint(
            condition=Q(price__isnull=True) | Q(price__gte=0),
            name=f"{prefix}_price_not_negative",
            violation_error_message=_("A price cannot be negative."),
        ),
        CheckConstraint(
            condition=Q(price__isnull=True) | ~Q(currency=""),
            name=f"{prefix}_price_has_currency",
            violation_error_message=currency_message or _("A price needs its currency."),
        ),
    ]


def format_money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    if amount is None or not currency:
        return ""
    return format_currency(Decimal(amount), currency.upper(), locale=babel_locale(language))
