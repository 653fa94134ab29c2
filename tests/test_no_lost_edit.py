"""No lost edit, ever: two people edit one record from two browsers (two clients here). After the
"Someone else saved this record…" refusal, the form shows the colleague's stored value in every
field the user did not touch, keeps the user's value where they did, says beside each such field
who changed it and to what, and saving it again stores the user's changes without putting the
colleague's back. For the record's own form and for inline rows (a title's credits, an edition's
screenings)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Title
from catalog.testing import browser_form_data
from people.models import Credit
from people.tests.factories import CreditFactory
from screenings.models import Screening, Section
from screenings.tests.factories import EditionFactory, ScreeningFactory, TitleFactory, VenueFactory

LA = ZoneInfo("America/Los_Angeles")
TAKEN = "their value is now in the box."
BOTH = "you changed it too: the box keeps your value, and saving again replaces theirs."

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(django_user_model):
    """A second editor, in a browser of her own."""
    user = django_user_model.objects.create_superuser(
        "camille", "camille@example.org", "password", first_name="Camille", last_name="Roux"
    )
    client = Client()
    client.force_login(user)
    return client


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def opened(client, obj) -> dict:
    """What the browser posts back from the change page of ``obj``, untouched."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return browser_form_data(response.content, f"{obj._meta.model_name}_form", ("_save", "Save"))


def saved(client, obj, data):
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, errors(response)
    return response


def errors(response) -> list:
    context = response.context
    found = [context["adminform"].form.errors]
    found += [form.errors for inline in context["inline_admin_formsets"] for form in inline.formset.forms]
    return found


def notes(form) -> dict[str, str]:
    """{field: the note beside it} of the "changed by someone else" kind."""
    return {
        name: str(error.message % error.params)
        for name, field_errors in form.errors.as_data().items()
        for error in field_errors
        if error.code == "changed_by_other"
    }


def test_stale_save_shows_the_colleagues_value_where_the_user_did_not_type_and_keeps_both(admin_client, colleague):
    title = TitleFactory(original_title="Before", year=2010)
    mine, theirs = opened(admin_client, title), opened(colleague, title)
    saved(colleague, title, {**theirs, "year": ["2014"]})

    conflict = admin_client.post(change_url(title), {**mine, "original_title": ["Mine"]})

    assert conflict.status_code == 200
    form = conflict.context["adminform"].form
    assert "Changed since you opened it: Year." in form.non_field_errors()[0]
    assert notes(form) == {"year": f"Changed by Camille Roux since you opened the form: now «2014»; {TAKEN}"}
    again = browser_form_data(conflict.content, "title_form", ("_save", "Save"))
    assert (again["year"], again["original_title"]) == (["2014"], ["Mine"])
    title.refresh_from_db()
    assert (title.original_title, title.year) == ("Before", 2014)  # nothing saved

    saved(admin_client, title, again)

    title.refresh_from_db()
    assert (title.original_title, title.year) == ("Mine", 2014)


def test_a_field_both_changed_keeps_mine_in_the_box_names_theirs_and_mine_wins(admin_client, colleague):
    title = TitleFactory(original_title="Before", year=2010, synopsis_en="Old.")
    mine, theirs = opened(admin_client, title), opened(colleague, title)
    saved(colleague, title, {**theirs, "synopsis_en": ["Theirs."], "year": ["2014"]})

    conflict = admin_client.post(change_url(title), {**mine, "synopsis_en": ["Mine."]})

    form = conflict.context["adminform"].form
    assert notes(form) == {
        "synopsis_en": f"Changed by Camille Roux since you opened the form: now «Theirs.»; {BOTH}",
        "year": f"Changed by Camille Roux since you opened the form: now «2014»; {TAKEN}",
    }
    again = browser_form_data(conflict.content, "title_form", ("_save", "Save"))
    assert (again["synopsis_en"], again["year"]) == (["Mine."], ["2014"])

    saved(admin_client, title, again)

    title.refresh_from_db()
    assert (title.synopsis_en, title.year) == ("Mine.", 2014)


def test_the_same_value_typed_by_both_needs_no_choice(admin_client, colleague):
    title = TitleFactory(year=2010)
    mine, theirs = opened(admin_client, title), opened(colleague, title)
    saved(colleague, title, {**theirs, "year": ["2014"]})

    conflict = admin_client.post(change_url(title), {**mine, "year": ["2014"]})

    assert notes(conflict.context["adminform"].form) == {}
    saved(admin_client, title, browser_form_data(conflict.content, "title_form", ("_save", "Save")))
    title.refresh_from_db()
    assert title.year == 2014


def screening_with_two_titles():
    edition = EditionFactory()
    sections = [Section.objects.create(edition=edition, name_en=name) for name in ("Films", "TV Series")]
    episodes = [TitleFactory(original_title="Ep 1"), TitleFactory(original_title="Ep 2")]
    screening = ScreeningFactory(
        edition=edition,
        section=sections[0],
        starts_at=datetime(2030, 11, 4, 18, tzinfo=LA),
        ends_at=datetime(2030, 11, 4, 19, 30, tzinfo=LA),
        titles=episodes,
    )
    return screening, sections, episodes


def test_stale_screening_save_keeps_the_colleagues_section_times_and_order(admin_client, colleague):
    screening, sections, (ep1, ep2) = screening_with_two_titles()
    mine, theirs = opened(admin_client, screening), opened(colleague, screening)
    saved(
        colleague,
        screening,
        {**theirs, "section": [str(sections[1].pk)], "starts_1": ["17:00"], "programme": [str(ep2.pk), str(ep1.pk)]},
    )

    conflict = admin_client.post(change_url(screening), {**mine, "label_en": ["Mine"]})

    form = conflict.context["adminform"].form
    assert notes(form) == {
        "section": f"Changed by Camille Roux since you opened the form: now «TV Series»; {TAKEN}",
        "starts": f"Changed by Camille Roux since you opened the form: now «2030-11-04 17:00»; {TAKEN}",
        "programme": f"Changed by Camille Roux since you opened the form: now «Ep 2, Ep 1»; {TAKEN}",
    }
    again = browser_form_data(conflict.content, "screening_form", ("_save", "Save"))
    assert (again["section"], again["starts_1"], again["programme"]) == (
        [str(sections[1].pk)],
        ["17:00"],
        [str(ep2.pk), str(ep1.pk)],
    )

    saved(admin_client, screening, again)

    screening.refresh_from_db()
    assert (screening.label_en, screening.section, screening.title_list()) == ("Mine", sections[1], [ep2, ep1])
    assert screening.starts_at == datetime(2030, 11, 4, 17, tzinfo=LA)


def test_stale_edition_page_keeps_a_screening_row_the_colleague_changed(admin_client, colleague):
    screening, sections, _episodes = screening_with_two_titles()
    other = ScreeningFactory(
        edition=screening.edition,
        venue=VenueFactory(),
        starts_at=datetime(2030, 11, 5, 18, tzinfo=LA),
        ends_at=datetime(2030, 11, 5, 19, tzinfo=LA),
    )
    edition = screening.edition
    mine = opened(admin_client, edition)
    saved(colleague, screening, {**opened(colleague, screening), "section": [str(sections[1].pk)]})
    rows = {mine[f"screenings-{i}-id"][0]: i for i in range(2)}
    changed_row, my_row = rows[str(screening.pk)], rows[str(other.pk)]

    conflict = admin_client.post(change_url(edition), {**mine, f"screenings-{my_row}-label_en": ["Mine"]})

    assert conflict.status_code == 200
    row_form = next(
        f for i in conflict.context["inline_admin_formsets"] for f in i.formset.forms if f.instance == screening
    )
    assert notes(row_form) == {
        "section": f"Changed by Camille Roux since you opened the form: now «TV Series»; {TAKEN}"
    }
    again = browser_form_data(conflict.content, "edition_form", ("_save", "Save"))
    assert again[f"screenings-{changed_row}-section"] == [str(sections[1].pk)]

    saved(admin_client, edition, again)

    screening.refresh_from_db()
    other.refresh_from_db()
    assert (screening.section, other.label_en) == (sections[1], "Mine")
    assert Screening.objects.get(pk=screening.pk).starts_at == datetime(2030, 11, 4, 18, tzinfo=LA)


def test_stale_title_page_keeps_a_credit_row_the_colleague_changed(admin_client, colleague):
    credit = CreditFactory(character="Old part")
    title = credit.title
    mine = opened(admin_client, title)
    saved(colleague, credit, {**opened(colleague, credit), "character": ["Mona"]})

    conflict = admin_client.post(change_url(title), {**mine, "year": ["2015"]})

    assert conflict.status_code == 200
    row_form = next(
        f for i in conflict.context["inline_admin_formsets"] for f in i.formset.forms if f.instance == credit
    )
    assert notes(row_form) == {"character": f"Changed by Camille Roux since you opened the form: now «Mona»; {TAKEN}"}

    saved(admin_client, title, browser_form_data(conflict.content, "title_form", ("_save", "Save")))

    title.refresh_from_db()
    assert (title.year, Credit.objects.get(pk=credit.pk).character) == (2015, "Mona")


def test_a_colleague_change_outside_the_form_is_kept_by_saving_again(admin_client):
    title = TitleFactory(year=2010)
    mine = opened(admin_client, title)
    Title.objects.get(pk=title.pk).save()  # a write of fields this form does not show

    conflict = admin_client.post(change_url(title), {**mine, "year": ["2014"]})

    assert "in what this form does not show" in conflict.context["adminform"].form.non_field_errors()[0]
    saved(admin_client, title, browser_form_data(conflict.content, "title_form", ("_save", "Save")))
    title.refresh_from_db()
    assert title.year == 2014
