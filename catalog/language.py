"""The visitor's language and texts kept per language (``<field>_en`` / ``<field>_fr``).

Every app reads its bilingual fields through ``in_language`` so that the fallback rule is the
same everywhere: the visitor's language first, then the other one.
"""

from django.utils.translation import get_language

LANGUAGES = ("en", "fr")
#: Babel locale used to format dates and money for each interface language.
LOCALES = {"fr": "fr_FR", "en": "en_US"}


def current_language() -> str:
    return (get_language() or "en")[:2]


def babel_locale(language: str | None = None) -> str:
    return LOCALES.get((language or current_language())[:2], "en_US")


def in_language(obj, field: str, language: str | None = None) -> tuple[str, str]:
    """(text, language of the text) of ``obj.<field>_<lang>``: the asked language first."""
    language = language or current_language()
    order = (language, *(lang for lang in LANGUAGES if lang != language))
    for lang in order:
        text = getattr(obj, f"{field}_{lang}", "")
        if text:
            return text, lang
    return "", language


class LocalizedNameMixin:
    """For models with ``name_en`` and ``name_fr``: ``name`` is the one in the current
    language, or the other when it is empty."""

    @property
    def name(self) -> str:
        return localized(self, "name")


def localized(obj, field: str, language: str | None = None) -> str:
    """The text of ``obj.<field>_<lang>`` in the visitor's language, else the other one."""
    return in_language(obj, field, language)[0]
