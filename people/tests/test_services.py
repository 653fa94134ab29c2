import pytest
from django.db import IntegrityError

from catalog.tests.factories import SeasonFactory, TitleFactory
from people.enums import RelationKind
from people.matching import duplicates, match_names
from people.models import Credit, Organization, Person, PersonAlias, PersonRelation
from people.parsing import preview
from people.services import MergeError, PasteError, merge, save_pasted_credits
from people.tests.factories import CreditFactory, OrganizationFactory, PersonAliasFactory, PersonFactory, role
from people.tests.test_parsing import BLOCK_000

pytestmark = pytest.mark.django_db


def test_save_pasted_000_block_creates_each_person_once():
    season = SeasonFactory()

    result = save_pasted_credits(season, preview(BLOCK_000))

    assert result.created_credits == 27
    assert Person.objects.filter(name="Cécile Ducrocq").count() == 1
    assert sorted(o.name for o in Organization.objects.all()) == ["Newen Connect", "Telfrance", "Victoria Productions"]
    levard = Credit.objects.get(person__name="Florence Levard")
    assert sorted(o.name for o in levard.affiliations.all()) == ["Telfrance", "Victoria Productions"]
    assert Credit.objects.get(person__name="Ariane Labed").character == "Zoe"


def test_save_pasted_again_changes_nothing():
    season = SeasonFactory()
    save_pasted_credits(season, preview(BLOCK_000))

    result = save_pasted_credits(season, preview(BLOCK_000))

    assert (result.created_credits, result.existing_credits) == (0, 27)
    assert Person.objects.count() == 23


def test_save_pasted_with_a_problem_saves_nothing():
    title = TitleFactory()

    with pytest.raises(PasteError):
        save_pasted_credits(title, preview("Directed by: Inti Calfat\nGaffer: Jean Dupont"))

    assert (Person.objects.count(), Credit.objects.count()) == (0, 0)


def test_credit_needs_exactly_one_of_person_and_organisation():
    with pytest.raises(IntegrityError):
        CreditFactory(organization=OrganizationFactory())


def test_matcher_finds_accents_case_alias_and_sort_name_form():
    nils = PersonFactory(name="Nils Tavernier")
    PersonAliasFactory(owner=nils, name="Niels Tavernier")
    zoe = PersonFactory(name="Zoé Monin")

    found = match_names(Person, ["niels TAVERNIER", "Tavernier, Nils", "Zoe Monin", "Nobody"])

    assert found == {"niels TAVERNIER": [nils], "Tavernier, Nils": [nils], "Zoe Monin": [zoe], "Nobody": []}


def test_matcher_asks_two_queries_for_many_names(django_assert_num_queries):
    PersonFactory.create_batch(3)
    # 1. people by name key, 2. aliases by name key with their person
    with django_assert_num_queries(2):
        match_names(Person, [f"Person {n}" for n in range(50)])


def test_duplicates_lists_same_name_and_alias_pairs():
    a = PersonFactory(name="Nils Tavernier")
    b = PersonFactory(name="NILS TAVERNIER")
    PersonAliasFactory(owner=a, name="Niels Tavernier")
    c = PersonFactory(name="Niels Tavernier")

    pairs = {(p.first.pk, p.second.pk, p.reason) for p in duplicates(Person)}

    assert pairs == {(a.pk, b.pk, "same name"), (a.pk, c.pk, "alias")}


def test_merge_moves_credits_aliases_relations_and_keeps_the_name():
    keep = PersonFactory(name="Nils Tavernier")
    other = PersonFactory(name="Niels Tavernier", bio_en="Director.")
    father = PersonFactory(name="Bertrand Tavernier")
    PersonRelation.objects.create(person=other, kind=RelationKind.CHILD_OF, other=father)
    PersonAliasFactory(owner=other, name="N. Tavernier")
    film, other_film = TitleFactory(), TitleFactory()
    CreditFactory(person=keep, title=film)
    CreditFactory(person=other, title=film)  # the same credit twice: kept once
    CreditFactory(person=other, title=other_film)
    assert (Credit.objects.count(), PersonAlias.objects.count(), Person.objects.count()) == (3, 1, 3)

    merge(keep, other, take={"bio_en"})

    keep.refresh_from_db()
    assert (Credit.objects.count(), Person.objects.count()) == (2, 2)
    assert sorted(c.title_id for c in keep.credits.all()) == sorted([film.pk, other_film.pk])
    assert sorted(a.name for a in keep.aliases.all()) == ["N. Tavernier", "Niels Tavernier"]
    assert [(r.kind, r.other) for r in keep.relations.all()] == [(RelationKind.CHILD_OF, father)]
    assert keep.bio_en == "Director."
    assert Credit.objects.get(title=other_film).credited_as == "Niels Tavernier"


def test_merge_organisations_moves_affiliations():
    keep, other = OrganizationFactory(name="Canal +"), OrganizationFactory(name="Canal+")
    credit = CreditFactory(role=role("producer"))
    credit.affiliations.add(other)
    CreditFactory(person=None, organization=other, role=role("production-company"))

    merge(keep, other)

    assert list(credit.affiliations.all()) == [keep]
    assert keep.credits.count() == 1
    assert [a.name for a in keep.aliases.all()] == ["Canal+"]


def test_merge_refuses_a_person_into_an_organisation():
    person, organization = PersonFactory(), OrganizationFactory()

    with pytest.raises(MergeError, match=r"A person cannot be merged with an organisation\."):
        merge(organization, person)

    assert Person.objects.filter(pk=person.pk).exists()
