"""Typography of the two languages, in one place: long dates ("1er février 2026" in French,
where the first of the month is an ordinal) and the narrow no-break space French puts before
``: ; ! ?`` (checked over the French catalogues by catalog/tests/test_typography.py)."""

import datetime

from django.utils import translation
from django.utils.formats import date_format

#: U+202F NARROW NO-BREAK SPACE, before the high punctuation of French.
NARROW_NBSP = "\u202f"


def long_date(day: datetime.date | None, language: str | None = None) -> str:
    """``day`` as the page's language writes it in full: "February 1, 2026" / "1er février
    2026"."""
    if not day:
        return ""
    language = language or translation.get_language() or "en"
    with translation.override(language):
        text = date_format(day, "DATE_FORMAT")
    if language.startswith("fr") and day.day == 1:
        return text.replace("1", "1er", 1)
    return text


def french_first_of_month(text: str, day: datetime.date, language: str | None = None) -> str:
    """A date written by another formatter (Babel's "mercredi 1 novembre 2021") with the
    French ordinal of the first of the month."""
    language = language or translation.get_language() or "en"
    if language.startswith("fr") and day.day == 1:
        return text.replace(" 1 ", " 1er ", 1) if not text.startswith("1 ") else "1er " + text[2:]
    return text


def colon(language: str | None = None) -> str:
    """The colon between a label and what follows: ": " in English, " : " with a narrow
    no-break space in French ("Épisode 1 : Un titre")."""
    language = language or translation.get_language() or "en"
    return f"{NARROW_NBSP}: " if language.startswith("fr") else ": "


def semicolon(language: str | None = None) -> str:
    """The semicolon between two items of a list: "; ", or " ; " with a narrow no-break space
    in French."""
    language = language or translation.get_language() or "en"
    return f"{NARROW_NBSP}; " if language.startswith("fr") else "; "
