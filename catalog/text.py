"""Text shared by every app: normalisation for search, name matching, import and duplicate
detection, slugs, and number ranges for labels ("episodes 1–3, 5").

``normalize("L'Opéra")`` and ``normalize("l opera")`` are both ``"l opera"``: case, accents,
ligatures and punctuation do not count. Stored in indexed columns so that matching is a
query, never a Python loop over a table.
"""

import functools
import re
import unicodedata
from itertools import groupby

from django.utils.text import slugify

_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d"}
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str | None) -> str:
    """Lower-case, accent-free, punctuation-free form of ``text`` with single spaces."""
    if not text:
        return ""
    return _normalize(text)


@functools.lru_cache(maxsize=65536)
def _normalize(text: str) -> str:
    # Cached: an import names the same titles, roles and people on thousands of rows.
    text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


#: Leading articles that a title list sets aside when it sorts ("L'Opéra" and "The Opera" under
#: O), in normalised form: English and French, elided "l'" included.
LEADING_ARTICLES = ("the", "a", "an", "le", "la", "les", "l", "un", "une")


def sort_key(text: str | None) -> str:
    """``normalize(text)`` without one leading article: "L’Opéra" → "opera", "The Rite…" →
    "rite…"; a title that is only an article ("A") keeps it."""
    key = normalize(text)
    first, _space, rest = key.partition(" ")
    return rest if rest and first in LEADING_ARTICLES else key


def search_terms(query: str | None, limit: int = 8) -> list[str]:
    """The normalised words of a visitor's query, at most ``limit`` of them."""
    return normalize(query).split()[:limit]


def unique_slug(text: str, taken, max_length: int = 120) -> str:
    """A slug for ``text`` that ``taken(slug)`` says is free, adding -2, -3… when needed."""
    base = slugify(normalize(text))[: max_length - 8] or "item"
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def number_ranges(numbers) -> str:
    """[1, 2, 3, 5, 6, 7] → "1–3, 5–7"; [1, 2] → "1–2"; [4] → "4". Repeats and ``None`` are left out."""
    values = sorted({n for n in numbers if n is not None})
    parts = []
    for _key, run in groupby(enumerate(values), key=lambda pair: pair[1] - pair[0]):
        run = [n for _i, n in run]
        parts.append(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(parts)


class NameKeyMixin:
    """For models with an indexed ``name_key``: ``normalize`` of the field ``name_key_of``,
    kept by ``save`` and by bulk writers that call ``fill_name_key`` (the CSV import)."""

    name_key_of = "name"

    def fill_name_key(self):
        self.name_key = normalize(getattr(self, self.name_key_of))

    def save(self, *args, **kwargs):
        self.fill_name_key()
        super().save(*args, **kwargs)


def slug_is(value: str, field: str = "slug"):
    """A filter: the record's slug is ``value`` whatever its case, as ``LOWER(slug) = value``,
    the expression of the slugs' unique indexes (``UniqueConstraint(Lower("slug"))``), which
    ``slug__iexact`` (``UPPER(slug)`` on PostgreSQL, ``LIKE`` on SQLite) cannot use: a title
    page read every title (60–90 ms on PostgreSQL at the reference size)."""
    from django.db.models.functions import Lower
    from django.db.models.lookups import Exact

    return Exact(Lower(field), value.lower())
