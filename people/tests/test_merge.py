"""Merge done right (issue 14, defect 7; issue 15, defect 12): a field-by-field choice, every
relation moved (read from the models' meta), old addresses redirecting, aliases public without
internal notes, and History entries with values."""

import datetime
import importlib
import inspect

import factory
import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from catalog.testing import browser_form_data
from people.models import Credit, Organization, Person, PersonAlias, PersonFormerSlug
from people.services import MergeError, merge, mergeable_fields, reverse_relations
from people.tests.factories import CreditFactory, OrganizationFactory, PersonAliasFactory, PersonFactory, role

pytestmark = pytest.mark.django_db

APPS = ["catalog", "people", "screenings", "streaming"]


def factories() -> dict:
    """{model: factory} from every app's ``tests/factories.py``."""
    found = {}
    for app in APPS:
        module = importlib.import_module(f"{app}.tests.factories")
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, factory.django.DjangoModelFactory) and obj._meta.model is not None:
                found.setdefault(obj._meta.model, obj)
    return found


def make_pointing_at(rel, target):
    """A row of ``rel``'s model that points at ``target`` through ``rel``."""
    model = rel.related_model
    builder = factories().get(model)
    assert builder is not None, f"no factory for {model.__name__}: add one to its app's tests/factories.py"
    if rel.many_to_many:
        row = builder()
        getattr(row, rel.field.name).add(target)
        return row
    kwargs = {rel.field.name: target}
    if model is Credit and rel.field.name == "organization":
        kwargs |= {"person": None, "role": role("production-company")}
    return builder(**kwargs)


def points_at(row, rel, target) -> bool:
    row = type(row)._base_manager.get(pk=row.pk)
    if rel.many_to_many:
        return getattr(row, rel.field.name).filter(pk=target.pk).exists()
    return getattr(row, rel.field.attname) == target.pk


@pytest.mark.parametrize("model_factory", [PersonFactory, OrganizationFactory])
def test_merge_moves_every_relation_read_from_the_meta(iso_codes, model_factory):
    """Every relation to a person or an organisation, hidden ones too (``Device.provider`` has
    ``related_name="+"``), moves to the kept record: a new foreign key is covered by itself."""
    keep, other = model_factory(), model_factory()
    relations = reverse_relations(keep._meta.model)
    rows = [(rel, make_pointing_at(rel, other)) for rel in relations]

    merge(keep, other)

    assert not type(other).objects.filter(pk=other.pk).exists()
    moved_wrong = [
        f"{rel.related_model.__name__}.{rel.field.name}" for rel, row in rows if not points_at(row, rel, keep)
    ]
    assert moved_wrong == []


def test_relations_include_hidden_ones():
    found = {f"{rel.related_model.__name__}.{rel.field.name}" for rel in reverse_relations(Organization)}

    assert "Device.provider" in found  # related_name="+"


def test_merging_an_organisation_that_provides_a_device(admin_client):
    from streaming.tests.factories import DeviceFactory

    keep, other = OrganizationFactory(name="Orange"), OrganizationFactory(name="Orange SA")
    device = DeviceFactory(provider=other)
    url = f"/admin/people/organization/merge/{keep.pk}/{other.pk}/"

    response = admin_client.post(url, browser_form_data(admin_client.get(url).content, "merge-form"))

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.provider_id == keep.pk
    assert not Organization.objects.filter(pk=other.pk).exists()


def test_merge_copies_nothing_unless_chosen():
    keep = PersonFactory(name="Agnès Varda", birth_date=datetime.date(1928, 5, 30))
    other = PersonFactory(
        name="Agnes Varda", birth_date=datetime.date(1928, 5, 31), death_date=datetime.date(2019, 3, 29), bio_en="Bio."
    )

    merge(keep, other, take={"death_date"})

    keep.refresh_from_db()
    assert (keep.birth_date, keep.death_date, keep.bio_en) == (
        datetime.date(1928, 5, 30),
        datetime.date(2019, 3, 29),
        "",
    )


def test_merge_refuses_a_field_that_is_not_offered():
    keep, other = PersonFactory(), PersonFactory()

    with pytest.raises(MergeError, match="cannot be taken: slug"):
        merge(keep, other, take={"slug"})


def distinct_value(model_field, n: int):
    """A value of ``model_field``'s type, different for each ``n``."""
    if model_field.is_relation:
        return model_field.related_model.objects.order_by("pk")[n]
    if model_field.choices:
        return model_field.choices[n][0]
    if isinstance(model_field, models.DateField):
        return datetime.date(1950 + n, 1, 1)
    if isinstance(model_field, models.URLField):
        return f"https://example.org/{n}"
    if isinstance(model_field, models.IntegerField):
        return 1950 + n
    return f"Value {n}"[: model_field.max_length]


@pytest.mark.parametrize("model_factory", [PersonFactory, OrganizationFactory])
def test_confirm_page_offers_every_differing_field_and_takes_the_chosen_ones(admin_client, iso_codes, model_factory):
    model = model_factory._meta.model
    fields = mergeable_fields(model)
    keep = model_factory(**{f.name: distinct_value(f, 0) for f in fields})
    other = model_factory(**{f.name: distinct_value(f, 1) for f in fields})
    url = f"/admin/people/{model._meta.model_name}/merge/{keep.pk}/{other.pk}/"
    page = admin_client.get(url).content.decode()

    offered = {f.name for f in fields if f'name="choice_{f.name}" value="take"' in page}
    assert offered == {f.name for f in fields}
    data = browser_form_data(page, "merge-form")
    data |= {f"choice_{f.name}": ["take"] for f in fields}
    response = admin_client.post(url, data)

    assert response.status_code == 302
    keep.refresh_from_db()
    assert {f.name: getattr(keep, f.attname) for f in fields} == {
        f.name: getattr(distinct_value(f, 1), "pk", distinct_value(f, 1)) for f in fields
    }
    assert "Value 0" in {a.name for a in keep.aliases.all()}  # the name it had before


def test_confirm_page_without_choices_merges_nothing(admin_client):
    keep, other = PersonFactory(bio_en="Mine."), PersonFactory(bio_en="Theirs.")

    response = admin_client.post(f"/admin/people/person/merge/{keep.pk}/{other.pk}/", {})

    assert "Choose which value to keep for: Name, Biography (English)." in response.content.decode()
    assert Person.objects.filter(pk=other.pk).exists()


def test_merge_is_in_the_history_of_both_records_with_values(admin_client):
    keep = PersonFactory(name="Agnès Varda", slug="agnes-varda")
    other = PersonFactory(name="Agnes Varda", slug="agnes-varda-2", birth_date=datetime.date(1928, 5, 30))
    credit = CreditFactory(person=other)
    url = f"/admin/people/person/merge/{keep.pk}/{other.pk}/"
    data = browser_form_data(admin_client.get(url).content, "merge-form") | {"choice_birth_date": ["take"]}

    admin_client.post(url, data)

    person_type = ContentType.objects.get_for_model(Person)
    kept_entry = LogEntry.objects.get(content_type=person_type, object_id=str(keep.pk))
    removed_entry = LogEntry.objects.get(content_type=person_type, object_id=str(other.pk))
    assert (kept_entry.action_flag, removed_entry.action_flag) == (CHANGE, DELETION)
    history = admin_client.get(f"/admin/people/person/{keep.pk}/history/").content.decode()
    assert "1928-05-30" in history  # before → after of the field taken
    assert "By the merge of “Agnes Varda” (agnes-varda-2) into “Agnès Varda”." in history
    assert "Agnes Varda" in removed_entry.change_message  # the removed one's summary
    credit_type = ContentType.objects.get_for_model(Credit)
    assert LogEntry.objects.filter(content_type=credit_type, object_id=str(credit.pk)).exists()


def test_old_address_redirects_to_the_kept_record_in_both_languages(client):
    keep = PersonFactory(name="Agnès Varda", slug="agnes-varda")
    other = PersonFactory(name="Agnes Varda", slug="agnes-varda-2")
    keep_org, other_org = OrganizationFactory(slug="cine-tamaris"), OrganizationFactory(slug="cine-tamaris-2")

    merge(keep, other)
    merge(keep_org, other_org)

    for language in ("en", "fr"):
        response = client.get(f"/{language}/people/agnes-varda-2/")
        assert (response.status_code, response["Location"]) == (301, f"/{language}/people/agnes-varda/")
        response = client.get(f"/{language}/organizations/cine-tamaris-2/")
        assert (response.status_code, response["Location"]) == (301, f"/{language}/organizations/cine-tamaris/")
    assert client.get("/en/people/nobody-ever/").status_code == 404


def test_a_slug_changed_in_the_admin_redirects(admin_client, client):
    person = PersonFactory(name="Agnès Varda", slug="varda")
    url = f"/admin/people/person/{person.pk}/change/"
    data = browser_form_data(admin_client.get(url).content, "person_form", submit=("_save", "Save"))
    data["slug"] = ["agnes-varda"]

    assert admin_client.post(url, data).status_code == 302

    assert list(PersonFormerSlug.objects.values_list("slug", flat=True)) == ["varda"]
    response = client.get("/en/people/varda/")
    assert (response.status_code, response["Location"]) == (301, "/en/people/agnes-varda/")
    # A new record may take the former address: the address in use wins.
    PersonFactory(slug="varda")
    assert client.get("/en/people/varda/").status_code == 200


def test_merged_name_is_a_public_alias_without_internal_note(client):
    keep = PersonFactory(name="Agnès Varda", slug="agnes-varda")
    other = PersonFactory(name="Agnes Varda", slug="agnes-varda-2")
    CreditFactory(person=keep)

    merge(keep, other)

    page = client.get("/en/people/agnes-varda/").content.decode()
    assert "Agnes Varda" in page
    assert "agnes-varda-2" not in page
    assert "merged record" not in page
    assert list(PersonAlias.objects.values_list("name", "seen_in")) == [("Agnes Varda", "")]


@pytest.mark.parametrize("model_factory", [PersonFactory, OrganizationFactory])
def test_adding_a_near_duplicate_warns_with_a_link_then_saves_when_confirmed(admin_client, model_factory):
    model = model_factory._meta.model
    existing = model_factory(name="Agnès Varda", slug="agnes-varda")
    url = f"/admin/people/{model._meta.model_name}/add/"
    form_id = f"{model._meta.model_name}_form"
    data = browser_form_data(admin_client.get(url).content, form_id, submit=("_save", "Save"))
    data |= {"name": ["AGNES VARDA"], "slug": ["agnes-varda-2"]}

    page = admin_client.post(url, data).content.decode()

    assert "A record with a similar name already exists:" in page
    assert f'href="/admin/people/{model._meta.model_name}/{existing.pk}/change/"' in page
    assert model.objects.count() == 1
    again = browser_form_data(page, form_id, submit=("_save", "Save")) | {"confirm_similar": ["on"]}
    assert admin_client.post(url, again).status_code == 302
    assert model.objects.count() == 2


def test_an_alias_counts_as_a_similar_name(admin_client):
    PersonAliasFactory(owner=PersonFactory(name="Nils Tavernier"), name="Niels Tavernier")
    url = "/admin/people/person/add/"
    data = browser_form_data(admin_client.get(url).content, "person_form", submit=("_save", "Save"))
    data |= {"name": ["Niels Tavernier"], "slug": ["niels-tavernier"]}

    page = admin_client.post(url, data).content.decode()

    assert ">Nils Tavernier</a>" in page


def test_merge_page_counts_in_words_in_both_languages(admin_client):
    keep, other = OrganizationFactory(), OrganizationFactory()
    CreditFactory().affiliations.add(other)
    url = f"/admin/people/organization/merge/{keep.pk}/{other.pk}/"

    assert "<li>affiliations (credits for these companies): 1</li>" in admin_client.get(url).content.decode()
    french = admin_client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert (
        "<li>affiliations (génériques pour ces sociétés) : 1</li>" in french or "génériques pour ces sociétés" in french
    )
