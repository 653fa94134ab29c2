"""The admin History holds every write with its values before → after (catalog.audit)."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from catalog.models import Title

pytestmark = pytest.mark.django_db


def test_an_action_leaves_an_entry_with_values_on_each_record_and_the_history_shows_them(admin_client, demo):
    from screenings.models import Screening

    screening = Screening.objects.exclude(status="cancelled").order_by("pk").first()
    changelist = reverse("admin:screenings_screening_changelist")

    admin_client.post(changelist, {"action": "cancel_action", "_selected_action": [screening.pk], "index": 0})
    history = admin_client.get(reverse("admin:screenings_screening_history", args=[screening.pk]))

    entry = LogEntry.objects.get(object_id=str(screening.pk), content_type__model="screening")
    assert entry.get_change_message() == "Changed Status."
    page = history.content.decode()
    assert "Cancel the selected screenings" in page
    assert '<th scope="row">Status</th><td>Scheduled</td><td>Cancelled</td>' in page


def test_a_form_save_records_values_by_label_and_never_internal_fields(admin_client, demo):
    from tests.adversarial.adminforms import form_data

    title = Title.objects.order_by("pk").first()
    change = reverse("admin:catalog_title_change", args=[title.pk])
    data = {**form_data(admin_client.get(change)), "year": "1999"}

    response = admin_client.post(change, data)

    assert response.status_code == 302
    entry = LogEntry.objects.filter(object_id=str(title.pk)).latest("pk")
    assert "loaded_digest" not in entry.change_message
    assert "loaded_version" not in entry.change_message
    page = admin_client.get(reverse("admin:catalog_title_history", args=[title.pk])).content.decode()
    assert f'<th scope="row">Year</th><td>{title.year or "—"}</td><td>1999</td>' in page


def test_the_history_of_a_record_added_in_the_admin_shows_its_values(admin_client):
    from catalog.models import Genre

    add = reverse("admin:catalog_genre_add")
    admin_client.post(add, {"name_en": "Noir", "name_fr": "Noir", "slug": "noir"})
    genre = Genre.objects.get(slug="noir")

    history = admin_client.get(reverse("admin:catalog_genre_history", args=[genre.pk]))

    assert history.status_code == 200
    assert LogEntry.objects.get(object_id=str(genre.pk)).get_change_message() == "Added."
    assert '<th scope="row">Slug</th><td>—</td><td>noir</td>' in history.content.decode()
