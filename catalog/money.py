"""Money shown per language: "9,90 €" in French, "€9.90" in English. Amounts are Decimal."""

from decimal import Decimal

from babel.numbers import format_currency

from .language import babel_locale


def format_money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    if amount is None or not currency:
        return ""
    return format_currency(Decimal(amount), currency.upper(), locale=babel_locale(language))
