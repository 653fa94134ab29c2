"""CSV of people, organisations and credits: import, re-import, round trip, dry run, names."""

import re

import pytest

from catalog import demo as catalog_demo
from catalog.csvio import run_import
from catalog.models import Title
from catalog.testing import export
from people import demo as people_demo
from people.models import Credit, Organization, OrganizationAlias, Person, PersonAlias, PersonRelation

pytestmark = pytest.mark.django_db

CREDITS = "title,person,organization,role,character,credited_as,affiliations,order,character_full_name"
PEOPLE = "slug,name,sort_name,aliases,birth_date,death_date,nationality,bio_en,bio_fr,bio_source,imdb_id,wikidata_id,relations"


@pytest.fixture
def catalog_and_people_demo(db):
    """The catalogue's and people's parts of the demo only: no festival, platform or device holds
    on to an organisation, so the tests can empty the people tables and import them again."""
    catalog_demo.load()
    people_demo.load()


def counts():
    return [m.objects.count() for m in (Person, PersonAlias, PersonRelation, Organization, OrganizationAlias, Credit)]


@pytest.mark.parametrize("name", ["people", "organizations", "credits"])
def test_reimport_of_an_export_changes_nothing(catalog_and_people_demo, name):
    data = export(name)
    before = counts()

    report = run_import(name, data.encode())

    assert report.ok, report.problems
    assert (report.new, report.updated) == (0, 0)
    assert report.unchanged == report.rows > 0
    assert counts() == before
    assert export(name) == data


def test_round_trip_into_an_empty_database_gives_the_same_files(catalog_and_people_demo):
    files = {name: export(name) for name in ("people", "organizations", "credits")}
    Credit.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.all().delete()

    for name in ("people", "organizations", "credits"):
        report = run_import(name, files[name].encode())
        assert report.ok, (name, report.problems)
        assert report.new == report.rows

    assert {name: export(name) for name in files} == files
    assert PersonAlias.objects.filter(name="Niels Tavernier", seen_in__contains="Numeridanse").exists()
    assert PersonRelation.objects.filter(person__name="Nils Tavernier").count() == 2


@pytest.mark.parametrize("name", ["people", "organizations", "credits"])
def test_dry_run_writes_nothing(catalog_and_people_demo, name):
    data = export(name)
    Credit.objects.all().delete()
    if name != "credits":
        (Person if name == "people" else Organization).objects.all().delete()
    before = counts()

    report = run_import(name, data.encode(), dry_run=True)

    assert report.ok, report.problems
    assert report.new == report.rows > 0
    assert counts() == before


def test_credits_match_names_through_accents_case_and_aliases_and_create_unknown_people(catalog_and_people_demo):
    data = "\n".join(
        [
            CREDITS,
            "l-opera-season-1,CECILE DUCROCQ,,Réalisation,,,,1,",  # exists: "Cécile Ducrocq", a French label
            "l-opera-season-1,Niels Tavernier,,Directed by,,,,2,",  # an alias of Nils Tavernier
            "l-opera-season-1,Zoë Nouvelle,,Actor,Ondine,,,9,",  # unknown: created
            "l-opera-season-1,zoe nouvelle,,Writer,,,,1,",  # the same new person, spelled differently
        ]
    )

    report = run_import("credits", data.encode(), dry_run=True)

    assert report.ok, report.problems
    assert report.created_related == ["person: Zoë Nouvelle"]
    assert not Person.objects.filter(name="Zoë Nouvelle").exists()
    report = run_import("credits", data.encode())
    assert report.ok
    season = Title.objects.get(slug="l-opera-season-1")
    assert season.credits.get(role__slug="director", person__name="Cécile Ducrocq")
    assert season.credits.get(role__slug="director", person__name="Nils Tavernier")
    zoe = Person.objects.get(name="Zoë Nouvelle")
    assert sorted(zoe.credits.values_list("role__slug", flat=True)) == ["actor", "writer"]


def test_credits_ambiguous_name_unknown_title_and_unknown_role_are_errors(catalog_and_people_demo):
    Person.objects.create(name="Cecile Ducrocq", slug="cecile-ducrocq-2")
    before = counts()
    data = "\n".join(
        [
            CREDITS,
            "l-opera-season-1,Cécile Ducrocq,,Director,,,,1,",
            "no-such-title,Nils Tavernier,,Director,,,,1,",
            "l-opera-season-1,Nils Tavernier,,Juggler,,,,1,",
            "l-opera-season-1,Nils Tavernier,Opéra national de Paris,Director,,,,1,",
        ]
    )

    report = run_import("credits", data.encode())

    problems = {(p.line, p.column): p.message for p in report.problems}
    assert "matches several records" in problems[(2, "person")]
    assert problems[(3, "title")] == "No title “no-such-title”."
    assert problems[(4, "role")] == "No role “Juggler”."
    assert "not both" in problems[(5, "person")]
    assert counts() == before


def test_credits_same_key_twice_names_both_lines(catalog_and_people_demo):
    data = "\n".join(
        [CREDITS, "l-opera-season-1,Nils Tavernier,,Director,,,,1,", "L-OPERA-SEASON-1,nils tavernier,,Director,,,,2,"]
    )

    report = run_import("credits", data.encode())

    assert str(report.problems[0]).startswith("line 3, title, person, organization, role, character:")
    assert "Same key as line 2." in report.problems[0].message


def test_people_bad_dates_are_refused_not_guessed():
    data = (
        PEOPLE
        + "\na-b,A B,,,03/04/1960,,,,,,,,\nc-d,C D,,,1960-02-30,,,,,,,,\ne-f,E F,,,1990-01-01,1980-01-01,,,,,,,\n"
    )

    report = run_import("people", data.encode())

    messages = [str(p) for p in report.problems]
    assert (
        messages[0]
        == "line 2, birth_date: “03/04/1960” Write dates as YYYY-MM-DD (ISO 8601); “03/04/1960” is ambiguous."
    )
    assert messages[1] == "line 3, birth_date: “1960-02-30” No such date."
    assert report.problems[2].line == 4
    assert not Person.objects.exists()


def test_people_aliases_and_relations_to_later_rows():
    data = (
        PEOPLE
        + "\nnils,Nils Tavernier,,Niels [numeridanse.tv]|N. Tavernier,1965-09-01,,FR,,,,,,child_of:bertrand"
        + "\nbertrand,Bertrand Tavernier,,,,,,,,,,,\n"
    )

    report = run_import("people", data.encode())

    assert report.ok, report.problems
    nils = Person.objects.get(slug="nils")
    assert sorted(nils.aliases.values_list("name", "seen_in")) == [("N. Tavernier", ""), ("Niels", "numeridanse.tv")]
    assert nils.aliases.get(name="Niels").name_key == "niels"
    assert [(r.kind, r.other.slug) for r in nils.relations.all()] == [("child_of", "bertrand")]
    assert Person.objects.get(slug="bertrand").name_key == "bertrand tavernier"


def test_imported_and_changed_characters_are_found_by_the_site_search(catalog_and_people_demo, client):
    """The CSV writes credits in bulk: their character search key is kept as ``save`` does."""

    def found(query):
        return re.sub(r"<[^>]+>", "", client.get("/en/search/", {"q": query}).text)

    data = "\n".join([CREDITS, "l-opera-season-1,Zoë Nouvelle,,Actor,Ondine,,,9,Ondine Lécuyer"])
    assert run_import("credits", data.encode()).ok
    assert "Zoë Nouvelle as Ondine Lécuyer in" in found("lecuyer")

    changed = data.replace("Ondine Lécuyer", "Ondine Mérac")
    assert run_import("credits", changed.encode()).ok
    assert "Zoë Nouvelle as Ondine Mérac in" in found("merac")
    assert "Ondine" not in found("lecuyer")
