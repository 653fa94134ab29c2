"""French typography on every French page of the demo (issue 16, defect 8): the first of the
month is "1er", and ``: ; ! ?`` follow a space, never a letter. Pages are found from the URL
conf and the records' own pages, so that a new page is covered without editing this file."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.formats import date_format

from catalog.testing import public_urls
from catalog.typography import long_date
from screenings.localtime import day_label

MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
FIRST_WITHOUT_ORDINAL = re.compile(rf"(?<![\d/.])\b1\s+(?:{MONTHS})\b")
# A letter or a closing mark directly before high punctuation ("direct; les", "Épisode 4: …").
APPS = ("catalog", "people", "screenings", "streaming")
GLUED_PUNCTUATION = re.compile(r"[\w»)\]’”][;:!?](?=\s|$)")


class VisibleText(HTMLParser):
    """The French text a reader sees: no scripts, styles or attribute values, and no passage
    marked as another language (an English biography shown for want of a French one)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.parts, self.open = [], []  # open: (tag, skipped) of the elements not yet closed

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        inherited = bool(self.open) and self.open[-1][1]
        self.open.append((tag, inherited or tag in self.HIDDEN or bool(lang and not lang.startswith("fr"))))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not (self.open and self.open[-1][1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = VisibleText()
    reader.feed(html)
    return " ".join(reader.parts)


def test_the_first_of_the_month_is_an_ordinal_in_french_only():
    first, third = datetime.date(2026, 2, 1), datetime.date(2026, 2, 3)

    assert long_date(first, "fr") == "1er février 2026"
    assert long_date(third, "fr") == "3 février 2026"
    with translation.override("en"):
        assert long_date(first) == date_format(first, "DATE_FORMAT")
    assert day_label(datetime.date(2021, 11, 1), "fr") == "lundi 1er novembre 2021"
    assert day_label(datetime.date(2021, 11, 1), "en") == "Monday, November 1, 2021"


def french_pages(client) -> list[str]:
    """Every public page (the URL conf's, and each record's own, up to 60 a model), in French:
    the same addresses under /fr/ (the paths are not translated)."""
    pages = set(public_urls(client).values())
    for model in apps.get_models():
        if hasattr(model, "get_absolute_url") and model._meta.app_label in APPS:
            for obj in model._default_manager.all()[:60]:
                try:
                    pages.add(obj.get_absolute_url())
                except Exception:  # noqa: S112 - a record without a page of its own
                    continue
    return sorted("/fr/" + p.removeprefix("/en/") for p in pages if p.startswith("/en/"))


@pytest.mark.django_db
def test_every_french_page_of_the_demo_follows_french_typography(client, demo):
    wrong = {}
    pages = french_pages(client)
    for address in pages:
        response = client.get(address)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        text = visible_text(response.text)
        found = [m.group(0) for m in FIRST_WITHOUT_ORDINAL.finditer(text)]
        found += [text[max(0, m.start() - 20) : m.end() + 5] for m in GLUED_PUNCTUATION.finditer(text)]
        if found:
            wrong[address] = found[:5]

    assert len(pages) > 100
    assert wrong == {}
