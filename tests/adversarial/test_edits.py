"""No lost edits: two editors saving one record from stale forms, and deletions of records that
others depend on, through the admin's real pages."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from catalog.models import Genre, Title
from catalog.versioning import bump_versions, versioned_bulk_update
from people.models import Person
from screenings.models import Venue
from streaming.models import Offer

from .adminforms import form_data, main_form


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@pytest.fixture
def film(demo):
    return Title.objects.get(slug="tout-pres-des-etoiles")


def test_second_editor_saving_a_stale_form_gets_a_conflict_and_overwrites_nothing(admin_client, film, unchanged):
    url, loaded, original = change_url(film), film.version, film.original_title
    first, second = form_data(admin_client.get(url)), form_data(admin_client.get(url))
    assert admin_client.post(url, {**first, "year": "2014", "synopsis_en": "First editor's text."}).status_code == 302

    with unchanged():
        response = admin_client.post(url, {**second, "original_title": "Second editor's title"})

    assert response.status_code == 200
    errors = main_form(response).non_field_errors()
    assert len(errors) == 1
    assert f"Someone else saved this record while you were editing it (version {loaded} → {loaded + 1})" in errors[0]
    assert "Changed since you opened it: Year and Synopsis (English)." in errors[0]
    film.refresh_from_db()
    assert (film.year, film.synopsis_en, film.original_title) == (2014, "First editor's text.", original)


def test_saving_again_after_the_conflict_is_a_deliberate_overwrite(admin_client, film):
    url, loaded = change_url(film), film.version
    first, second = form_data(admin_client.get(url)), form_data(admin_client.get(url))
    admin_client.post(url, {**first, "year": "2014"})
    conflict = admin_client.post(url, {**second, "original_title": "Second editor's title"})

    response = admin_client.post(url, form_data(conflict))

    assert response.status_code == 302
    film.refresh_from_db()
    assert (film.original_title, film.version) == ("Second editor's title", loaded + 2)


def test_a_stale_inline_row_is_refused_too(admin_client, demo, unchanged):
    offer = Offer.objects.select_related("title").order_by("pk").first()
    title_page = change_url(offer.title)
    stale_title_form = form_data(admin_client.get(title_page))
    offer_form = form_data(admin_client.get(change_url(offer)))
    assert admin_client.post(change_url(offer), {**offer_form, "url": "https://example.org/new"}).status_code == 302

    with unchanged():
        response = admin_client.post(title_page, stale_title_form)

    assert response.status_code == 200
    offers = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Offer).formset
    assert any("Someone else saved this record" in str(form.non_field_errors()) for form in offers.forms)


def test_two_editors_of_a_person_one_wins_the_other_is_told(admin_client, demo, unchanged):
    person = Person.objects.get(slug="nils-tavernier")
    url = change_url(person)
    first, second = form_data(admin_client.get(url)), form_data(admin_client.get(url))
    admin_client.post(url, {**first, "bio_source": "A new source, typed by the first editor"})

    with unchanged():
        response = admin_client.post(url, {**second, "sort_name": "Tavernier, N."})

    assert "Changed since you opened it: Biography source." in main_form(response).non_field_errors()[0]


def test_writes_that_bypass_save_move_versions_on(demo):
    venue = Venue.objects.order_by("pk").first()
    room = Venue.objects.create(name="Room 2", slug="room-2", parent=venue, timezone=venue.timezone)
    Venue.objects.filter(pk=venue.pk).update(timezone="Europe/Paris")  # behind the model's back
    venue.refresh_from_db()

    venue.save()  # copies the zone to its rooms with one queryset update

    room.refresh_from_db()
    assert (room.timezone, room.version) == ("Europe/Paris", 2)
    titles = list(Title.objects.order_by("pk")[:2])
    before = [t.version for t in titles]
    for title in titles:
        title.runtime_minutes = 12
    versioned_bulk_update(titles, ["runtime_minutes"])
    after = list(Title.objects.filter(pk__in=[t.pk for t in titles]).order_by("pk").values_list("version", flat=True))
    assert after == [v + 1 for v in before] == [t.version for t in titles]
    assert bump_versions(Title.objects.filter(pk=titles[0].pk)) == 1
    assert Title.objects.get(pk=titles[0].pk).version == before[0] + 2


def test_deleting_a_person_with_credits_is_refused_with_the_reason(admin_client, demo, unchanged):
    person = Person.objects.get(slug="nils-tavernier")
    url = reverse("admin:people_person_delete", args=[person.pk])

    with unchanged():
        page = admin_client.get(url).content.decode()
        response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in page
    assert "Credit:" in page


def test_bulk_delete_of_titles_that_others_use_is_refused(admin_client, demo, unchanged):
    chosen = list(Title.objects.filter(parent__isnull=True).values_list("pk", flat=True))

    with unchanged():
        response = admin_client.post(
            reverse("admin:catalog_title_changelist"),
            {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
        )

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()


def test_deleting_a_genre_in_use_is_refused_naming_the_titles(admin_client, demo, unchanged):
    genre = Genre.objects.filter(titles__isnull=False).distinct().first()
    used_by = genre.titles.first()
    url = reverse("admin:catalog_genre_delete", args=[genre.pk])

    with unchanged():
        response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "would require deleting the following protected related objects" in html
    assert escape(f"Title: {used_by}") in html


def test_an_unused_genre_can_be_deleted(admin_client, demo):
    genre = Genre.objects.create(slug="unused", name_en="Unused")

    response = admin_client.post(reverse("admin:catalog_genre_delete", args=[genre.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Genre.objects.filter(pk=genre.pk).exists()
