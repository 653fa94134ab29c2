"""Paste credits on the press-kit forms beyond the reference documents (issue 14, defect 6):
labels without a colon ("Avec A (Mona)"), several labels on one line separated by " / ", the
French cast sense of "Distribution", and warnings for what the parser had to guess."""

import pytest

from catalog.tests.factories import TitleFactory
from people import parsing
from people.models import Credit, Organization, Person
from people.parsing import parse, preview
from people.services import save_pasted_credits
from people.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

VARDA = (
    "Réalisation : Agnès Varda / Production : Ciné-Tamaris / "
    "Avec Sandrine Bonnaire (Mona), Macha Méril (Madame Landier)"
)
VARDA_CREDITS = [
    ("director", "Agnès Varda", ""),
    ("production-company", "Ciné-Tamaris", ""),
    ("actor", "Sandrine Bonnaire", "Mona"),
    ("actor", "Macha Méril", "Madame Landier"),
]


def credits(rows):
    return [(r.role.slug, r.name, r.character) for r in rows if r.is_credit]


def warnings(rows):
    return [w for r in rows for w in r.warnings]


@pytest.mark.parametrize("text", [VARDA, VARDA.replace(" / ", "\n")], ids=["slashes", "lines"])
def test_paste_varda_block_reads_cast_after_production_not_companies(text):
    rows = preview(text)

    assert credits(rows) == VARDA_CREDITS
    assert [r.kind for r in rows if r.is_credit] == ["person", "organization", "person", "person"]
    assert not any(r.problems for r in rows)


def test_paste_varda_block_saves_two_actors_and_one_company():
    title = TitleFactory(original_title="Sans toit ni loi")

    save_pasted_credits(title, preview(VARDA))

    assert sorted(Organization.objects.values_list("name", flat=True)) == ["Ciné-Tamaris"]
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Agnès Varda", "Macha Méril", "Sandrine Bonnaire"]
    assert Credit.objects.get(person__name="Macha Méril").character == "Madame Landier"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Avec Sandrine Bonnaire (Mona), Macha Méril (Madame Landier)", VARDA_CREDITS[2:]),
        ("Avec : Sandrine Bonnaire, Macha Méril", [("actor", "Sandrine Bonnaire", ""), ("actor", "Macha Méril", "")]),
        ("Avec: Sandrine Bonnaire (Mona)", VARDA_CREDITS[2:3]),
        ("With Sandrine Bonnaire (Mona), Macha Méril (Madame Landier)", VARDA_CREDITS[2:]),
        ("with: Sandrine Bonnaire (Mona)", VARDA_CREDITS[2:3]),
        ("Starring Sandrine Bonnaire (Mona)", VARDA_CREDITS[2:3]),
        ("Starring: Sandrine Bonnaire (Mona)", VARDA_CREDITS[2:3]),
        ("Cast Sandrine Bonnaire (Mona)", VARDA_CREDITS[2:3]),
        ("Interprétation : Sandrine Bonnaire (Mona)", VARDA_CREDITS[2:3]),
        ("Interprétation Sandrine Bonnaire (Mona)", VARDA_CREDITS[2:3]),
        ("Distribution : Sandrine Bonnaire (Mona), Macha Méril (Madame Landier)", VARDA_CREDITS[2:]),
        ("Réalisation Agnès Varda", [("director", "Agnès Varda", "")]),
        ("Réalisé par Agnès Varda", [("director", "Agnès Varda", "")]),
        ("Directed by Agnès Varda", [("director", "Agnès Varda", "")]),
        ("Un film de Agnès Varda", [("director", "Agnès Varda", "")]),
        ("Scénario : Agnès Varda", [("writer", "Agnès Varda", "")]),
        ("Scénario Agnès Varda", [("writer", "Agnès Varda", "")]),
        ("Musique : Joanna Bruzdowicz", [("composer", "Joanna Bruzdowicz", "")]),
        ("Music by Joanna Bruzdowicz", [("composer", "Joanna Bruzdowicz", "")]),
        ("Image : Patrick Blossier", [("cinematographer", "Patrick Blossier", "")]),
        ("Montage : Agnès Varda, Patricia Mazuy", [("editor", "Agnès Varda", ""), ("editor", "Patricia Mazuy", "")]),
        ("Produit par Ciné-Tamaris", [("producer", "Ciné-Tamaris", "")]),
        ("Avec la participation de CNC", [("funder", "CNC", "")]),
        (
            "Réalisation Agnès Varda / Avec Sandrine Bonnaire (Mona)",
            [("director", "Agnès Varda", ""), ("actor", "Sandrine Bonnaire", "Mona")],
        ),
    ],
)
def test_paste_common_press_kit_forms(text, expected):
    rows = parse(text)

    assert credits(rows) == expected
    assert not any(r.problems for r in rows)


def test_paste_slash_between_two_companies_gives_two_companies():
    rows = parse("Production : Arte France / ZDF")

    assert credits(rows) == [("production-company", "Arte France", ""), ("production-company", "ZDF", "")]


def test_paste_label_alone_on_its_line_is_still_a_heading():
    rows = parse("Avec\nSandrine Bonnaire (Mona)\nMacha Méril (Madame Landier)")

    assert credits(rows) == VARDA_CREDITS[2:]


def test_paste_distribution_with_companies_is_the_distributor_and_warns():
    rows = parse("Distribution : Les Films du Losange")

    assert credits(rows) == [("distributor", "Les Films du Losange", "")]
    assert warnings(rows) == ["“Distribution” read as the distributor (its English sense): check the role."]


def test_paste_distribution_with_characters_is_the_cast_and_warns():
    rows = parse("Distribution : Sandrine Bonnaire (Mona)")

    assert warnings(rows) == ["“Distribution” read as the cast (its French sense): check the role."]


def test_paste_person_like_name_as_new_organisation_warns():
    rows = preview("Production : Sandrine Bonnaire (Mona), Ciné-Tamaris")

    assert [r.kind for r in rows] == ["organization", "organization"]
    assert rows[0].warnings == [
        (
            "“Sandrine Bonnaire (Mona)” would become a new organisation but looks like a person's name: "
            "check the label (a cast line needs its own label, e.g. “Avec”)."
        )
    ]
    assert rows[1].warnings == []


def test_paste_person_like_company_in_parentheses_warns():
    rows = preview("Produced by: Florence Levard (Jean Dupont)")

    assert "“Jean Dupont” would become a new organisation" in " ".join(rows[0].warnings)


def test_paste_either_role_guesses_organisation_or_person_for_a_new_name_with_a_warning():
    rows = preview("Produit par : Opéra national de Paris, Jean Dupont")

    assert [(r.name, r.kind) for r in rows] == [("Opéra national de Paris", "organization"), ("Jean Dupont", "person")]
    assert rows[0].warnings == [
        (
            "“Opéra national de Paris” is new: guessed to be an organisation (“Producer” can be a person or an "
            "organisation). Check it, or create the record first."
        )
    ]
    assert rows[1].warnings == [
        (
            "“Jean Dupont” is new: guessed to be a person (“Producer” can be a person or an organisation). "
            "Check it, or create the record first."
        )
    ]


def test_paste_either_role_follows_an_existing_record_without_warning():
    OrganizationFactory(name="Ciné-Tamaris")
    PersonFactory(name="Agnès Varda")

    rows = preview("Produit par : Cine-Tamaris, Agnes Varda")

    assert [(r.kind, r.warnings) for r in rows] == [("organization", []), ("person", [])]


def test_paste_colonless_label_under_a_heading_warns_that_it_was_read_as_a_label():
    rows = parse("Partners:\nEnsemble Intercontemporain")

    assert credits(rows) == [("ensemble", "Intercontemporain", "")]
    assert warnings(rows) == [
        (
            "Read “Ensemble” as a new label (no colon). If this line is a name under “Partners”, "
            "write it as “Partners: Ensemble Intercontemporain”."
        )
    ]


def test_paste_preview_page_shows_warnings(admin_client):
    title = TitleFactory()

    html = admin_client.post(
        f"/admin/people/credit/paste/{title.pk}/", {"text": "Production : Sandrine Bonnaire (Mona)", "preview": "1"}
    ).content.decode()

    assert "1 warning: check the marked lines before saving." in html
    assert 'class="paste-warning"' in html
    assert "looks like a person&#x27;s name" in html


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Sandrine Bonnaire", True),
        ("Macha Méril (Madame Landier)", True),
        ("Hortense de Gromard", True),
        ("Jean-Luc Perréard", True),
        ("Ciné-Tamaris", False),
        ("Les Films du Losange", False),
        ("Opéra national de Paris", False),
        ("Victoria Productions", False),
        ("Canal +", False),
        ("CNC", False),
        ("Arte France", False),
        ("ministère de la Culture et de la Communication (DMDTS)", False),
    ],
)
def test_looks_like_person(name, person):
    assert parsing.looks_like_person(name) is person
