import pytest

from catalog.testing import browser_form_data
from people.models import Credit, Person
from people.tests.factories import CreditFactory, PersonFactory
from people.tests.test_parsing import BLOCK_000

pytestmark = pytest.mark.django_db


def test_deleting_a_credited_person_is_refused_with_an_explanation(admin_client):
    credit = CreditFactory(person=PersonFactory(name="Marco Prince"))

    response = admin_client.post(f"/admin/people/person/{credit.person_id}/delete/", {"post": "yes"})

    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Person.objects.filter(pk=credit.person_id).exists()


def test_paste_preview_then_confirm_saves_all(admin_client):
    title = CreditFactory().title
    url = f"/admin/people/credit/paste/{title.pk}/"

    preview = admin_client.post(url, {"text": BLOCK_000, "preview": "1"})

    html = preview.content.decode()
    assert "27 credits will be saved." in html
    assert "An original broadcast is a broadcast offer" in html
    assert Credit.objects.count() == 1

    admin_client.post(url, {"text": BLOCK_000, "previewed": BLOCK_000, "confirm": "1"})

    assert Credit.objects.count() == 28


def test_paste_confirm_of_a_changed_block_saves_nothing(admin_client):
    title = CreditFactory().title

    admin_client.post(
        f"/admin/people/credit/paste/{title.pk}/",
        {"text": "Directed by: Inti Calfat", "previewed": "Directed by: Someone", "confirm": "1"},
    )

    assert Credit.objects.count() == 1


@pytest.mark.parametrize("n", [1, 3])
def test_person_changelist_in_constant_queries(admin_client, django_assert_num_queries, n):
    PersonFactory.create_batch(n)
    # session, user, nationalities in use (filter), count, people with nationality and credit count
    with django_assert_num_queries(5):
        admin_client.get("/admin/people/person/")


def test_duplicates_page_and_merge(admin_client):
    keep, other = PersonFactory(name="Zoé Monin"), PersonFactory(name="ZOE MONIN")
    CreditFactory(person=other)

    page = admin_client.get("/admin/people/person/duplicates/").content.decode()
    assert "same name" in page
    url = f"/admin/people/person/merge/{keep.pk}/{other.pk}/"
    admin_client.post(url, browser_form_data(admin_client.get(url).content, "merge-form"))

    assert list(Person.objects.all()) == [keep]
    assert keep.credits.count() == 1
