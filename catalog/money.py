"""Money shown per language: "9,90 €" in French, "€9.90" in English. Amounts are Decimal."""

from decimal import Decimal

from babel.numbers import format_currency
from django.utils.translation import get_language

LOCALES = {"fr": "fr_FR", "en": "en_US"}


def format_money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    if amount is None or not currency:
        return ""
    locale = LOCALES.get((language or get_language() or "en")[:2], "en_US")
    return format_currency(Decimal(amount), currency.upper(), locale=locale)
