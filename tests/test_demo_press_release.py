"""Issue 16, defect 5: nothing of the French press release (002) is left out of the demo.

The production period to the month, what the subscription includes, the catalogue "enrichi
régulièrement", the two quotations about the series and the platform's positioning sentence,
each with its home in the model: shown on the public pages (both languages), kept by the CSV
round trip and editable in the admin.
"""

import re

import pytest

from catalog.csvio import run_import
from catalog.models import Title, TitleStatement
from catalog.testing import export
from streaming.models import Platform, PlatformStatement

pytestmark = pytest.mark.django_db

COULOIRS = "/{lang}/titles/dans-les-couloirs-de-l-opera/"
POP = "/{lang}/platforms/pop-paris-opera-play/"


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize(("lang", "period"), [("en", "January–October 2025"), ("fr", "janvier–octobre 2025")])
def test_production_period_is_given_to_the_month(demo, client, lang, period):
    # « tournée entre janvier et octobre 2025 »
    assert period in page_text(client, COULOIRS.format(lang=lang))


@pytest.mark.parametrize(
    ("lang", "exclusive", "enriched"),
    [("en", "exclusive content", "Enriched regularly"), ("fr", "contenus exclusifs", "Enrichi régulièrement")],
)
def test_subscription_includes_exclusive_content_and_the_catalogue_grows(demo, client, lang, exclusive, enriched):
    text = page_text(client, POP.format(lang=lang))

    assert exclusive in text
    assert enriched in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_two_quotations_are_shown_with_who_said_them(demo, client, lang):
    html = client.get(COULOIRS.format(lang=lang)).content.decode()
    text = page_text(client, COULOIRS.format(lang=lang))

    assert "Les couloirs autour de la scène connaissent un flux incessant" in text
    assert "offre aux curieux la possibilité d’arpenter les coulisses de l’Opéra" in text
    assert text.count("— Opéra national de Paris") == 2
    assert html.count('<blockquote lang="fr">') == 2


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_positioning_sentence_is_a_quotation_of_the_operator(demo, client, lang):
    text = page_text(client, POP.format(lang=lang))

    assert "POP s’impose comme la plateforme de référence pour tous les amoureux de danse et d’opéra" in text
    assert "— Opéra national de Paris" in text


def test_press_release_facts_survive_the_csv_round_trip(demo):
    titles, platforms = export("titles"), export("platforms")
    TitleStatement.objects.all().delete()
    PlatformStatement.objects.all().delete()
    Title.objects.filter(slug="dans-les-couloirs-de-l-opera").update(
        production_start_month=None, production_end_month=None
    )
    Platform.objects.update(subscription_includes_exclusive=False, catalogue_enriched_regularly=False)

    for name, data in (("titles", titles), ("platforms", platforms)):
        report = run_import(name, data.encode())
        assert report.ok, report.problems

    assert (export("titles"), export("platforms")) == (titles, platforms)
    series = Title.objects.get(slug="dans-les-couloirs-de-l-opera")
    assert (series.production_start_month, series.production_end_month) == (1, 10)
    assert series.statements.count() == 2
    pop = Platform.objects.get(slug="pop-paris-opera-play")
    assert (pop.subscription_includes_exclusive, pop.catalogue_enriched_regularly) == (True, True)
    assert pop.statements.get().speaker == "Opéra national de Paris"


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("not json", "JSON"),
        ('[{""text"": ""A""}]', "speaker"),
        ('[{""text"": ""A"", ""speaker"": ""B"", ""who"": ""C""}]', "who"),
        ('[{""text"": ""A"", ""speaker"": ""B"", ""language"": ""xx""}]', "ISO 639"),
        ('[{""text"": ""A"", ""speaker"": ""B"", ""stated_on"": ""28/01/2026""}]', "YYYY-MM-DD"),
    ],
)
def test_statements_column_refuses_a_cell_with_a_message_a_person_can_act_on(demo, cell, says):
    before = TitleStatement.objects.count()
    report = run_import("titles", f'slug,kind,original_title,statements\nfilm-a,film,A,"{cell}"\n'.encode())

    assert not report.ok
    assert says in str(report.problems[0].message)
    assert TitleStatement.objects.count() == before


@pytest.mark.parametrize(
    ("url", "inline_prefix"),
    [
        ("/admin/catalog/title/{pk}/change/", "statements-"),
        ("/admin/streaming/platform/{pk}/change/", "statements-"),
    ],
)
def test_statements_are_edited_in_the_admin(demo, admin_client, url, inline_prefix):
    pk = (
        Title.objects.get(slug="dans-les-couloirs-de-l-opera").pk
        if "title" in url
        else Platform.objects.get(slug="pop-paris-opera-play").pk
    )
    html = admin_client.get(url.format(pk=pk)).content.decode()

    assert f'name="{inline_prefix}0-speaker"' in html
    assert "Opéra national de Paris" in html


def test_production_month_without_its_year_is_refused():
    from django.core.exceptions import ValidationError

    title = Title(kind="film", original_title="A", slug="a", production_start_month=1)
    with pytest.raises(ValidationError) as info:
        title.full_clean()
    assert "production_start_year" in info.value.message_dict


def test_editing_a_quotation_and_the_period_in_the_admin_leaves_history_with_values(demo, admin_client):
    from django.contrib.admin.models import LogEntry
    from django.urls import reverse

    from tests.adversarial.adminforms import form_data

    title = Title.objects.get(slug="dans-les-couloirs-de-l-opera")
    change = reverse("admin:catalog_title_change", args=[title.pk])
    data = {**form_data(admin_client.get(change)), "production_end_month": "11", "statements-0-speaker": "POP"}

    response = admin_client.post(change, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    title.refresh_from_db()
    assert title.production_end_month == 11
    assert title.statements.get(order=0).speaker == "POP"
    assert LogEntry.objects.filter(object_id=str(title.pk), content_type__model="title").exists()
    page = admin_client.get(reverse("admin:catalog_title_history", args=[title.pk])).content.decode()
    assert '<th scope="row">Production ended (month)</th><td>October</td><td>November</td>' in page
    assert '<th scope="row">Said by</th><td>Opéra national de Paris</td><td>POP</td>' in page
