"""The paste-credits parser on every credits block of the reference documents, verbatim,
and on malformed input. Parsing and previewing never write."""

import pytest

from people.models import Credit, Organization, Person
from people.parsing import parse, preview
from people.tests.factories import OrganizationFactory, PersonAliasFactory, PersonFactory

pytestmark = pytest.mark.django_db

# 000_232fb5c3713eee46.txt, verbatim.
BLOCK_000 = """Directed by: Stéphane Demoustier, Cécile Ducrocq, Inti Calfat, Dirk Verheye, Laïla Marrakchi
Created by: Cécile Ducrocq, Benjamin Adams
Written by: Cécile Ducrocq, Benjamin Adams, Simon Jablonka
Produced by: Florence Levard (Victoria Productions, Telfrance), Christophe Toutlemonde
Cinematography: David Chambille, Benoît Dervaux
Film Editing: Stijn Deconinck, Gert Van Berckelaer, Koen Timmerman
Original Score: Marco Prince
Cast: Ariane Labed (Zoe), Suzy Bemba (Flora), Raphaël Personnaz (Sébastien), Damien Chapelle (Sasha), Loris Freeman (Jonas), Audrey Gorlenko (Russian Dancer), Maud Jurez (Louise), Sarah Le Picard (Tiphaine)
International Sales: Newen Connect
Original Broadcast: OCS, September 7, 2021"""

PARTNERS_000 = """Presented in Association with:

Newen Connect,
Orange Studio,
"""

# 001_7f1599cb5f5e83b1.txt, verbatim (the web page glued actor and character).
CAST_001 = """Cast of Season 2

  • Ariane LabedZoé Monin
  • Raphaël PersonnazSébastien Cheneau
  • Suzy BembaFlora Soumaré
  • Hortense de GromardAurore Grandsire
  • Sarah Le PicardTiphaine Servais
  • Yannick RenierRaphaël Verdussen
  • Peter BenedictKarl Bernhard
  • Loris FreemanJonas Brunnel
  • Mehdi DjaadiIdir Chennoufi
  • Maud JurezLouise Laurier
  • Annabelle HettmannMyriam Claveau
  • Adrien DewitteValentin Grandsire
  • Samy CaffonnetteCharlie Altman
  • Brigitte SyNadia Menour
  • Anne AlvaroDiane Taillandier
  • Loïc CorberyAlec Anderson
  • Carole TrevouxFrançoise Naomi
"""

# 003_ccdaba98d77066d2.txt, verbatim.
PRODUCTION_003 = (
    "Production / Coproduction of the video work : Little Bear, Gaïa films, Canal + / Participation : CNC, "
    "ministère de la Culture et de la Communication (DMDTS)"
)


def credits(rows):
    return [(r.role.slug, r.name, r.character, r.affiliations) for r in rows if r.is_credit]


def test_parse_000_block_reads_every_credit_and_skips_the_broadcast_with_a_reason():
    rows = parse(BLOCK_000)

    assert credits(rows)[:6] == [
        ("director", "Stéphane Demoustier", "", []),
        ("director", "Cécile Ducrocq", "", []),
        ("director", "Inti Calfat", "", []),
        ("director", "Dirk Verheye", "", []),
        ("director", "Laïla Marrakchi", "", []),
        ("creator", "Cécile Ducrocq", "", []),
    ]
    assert ("producer", "Florence Levard", "", ["Victoria Productions", "Telfrance"]) in credits(rows)
    assert ("producer", "Christophe Toutlemonde", "", []) in credits(rows)
    assert ("editor", "Koen Timmerman", "", []) in credits(rows)
    assert ("composer", "Marco Prince", "", []) in credits(rows)
    assert ("actor", "Ariane Labed", "Zoe", []) in credits(rows)
    assert ("actor", "Audrey Gorlenko", "Russian Dancer", []) in credits(rows)
    assert ("sales-agent", "Newen Connect", "", []) in credits(rows)
    assert len(credits(rows)) == 5 + 2 + 3 + 2 + 2 + 3 + 1 + 8 + 1
    skipped = [r for r in rows if r.skipped]
    assert [(r.line, r.label) for r in skipped] == [(10, "Original Broadcast")]
    assert skipped[0].notes == ["An original broadcast is a broadcast offer (where to watch), not a credit."]
    assert not any(r.problems for r in rows)


def test_parse_000_partners_heading_with_one_name_per_line():
    rows = parse(PARTNERS_000)

    assert credits(rows) == [("partner", "Newen Connect", "", []), ("partner", "Orange Studio", "", [])]


def test_parse_001_glued_cast_is_split_with_a_note():
    rows = parse(CAST_001)

    cast = credits(rows)
    assert len(cast) == 17
    assert cast[0] == ("actor", "Ariane Labed", "Zoé Monin", [])
    assert cast[3] == ("actor", "Hortense de Gromard", "Aurore Grandsire", [])
    assert cast[-1] == ("actor", "Carole Trevoux", "Françoise Naomi", [])
    assert rows[1].notes == ["Name and character were glued together; split before “Zoé Monin”."]


def test_parse_003_two_labels_on_one_line_keep_acronyms_in_organisation_names():
    rows = parse(PRODUCTION_003)

    assert credits(rows) == [
        ("production-company", "Little Bear", "", []),
        ("production-company", "Gaïa films", "", []),
        ("production-company", "Canal +", "", []),
        ("funder", "CNC", "", []),
        ("funder", "ministère de la Culture et de la Communication (DMDTS)", "", []),
    ]


def test_parse_french_labels_and_spacing():
    rows = parse("Réalisation : Jean-Luc Perréard\nProduit par : Opéra national de Paris\nMÉCÈNE: Lexus")

    assert credits(rows) == [
        ("director", "Jean-Luc Perréard", "", []),
        ("producer", "Opéra national de Paris", "", []),
        ("patron", "Lexus", "", []),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Gaffer: Jean Dupont", "Unknown label “Gaffer”: add it to a role, or fix it."),
        ("Cast: Ariane Labed (Zoe", "Unbalanced parentheses."),
        ("Produced by: Florence Levard (Victoria Productions, Telfrance", "Unbalanced parentheses."),
        ("Directed by: A, , B", "Empty name."),
        ("Cast: (Zoe)", "Empty name."),
        ("Produced by: Florence Levard ()", "Empty parentheses."),
        ("Produced by: Florence Levard (Victoria, )", "Empty company name in parentheses."),
        ("Directed by: https://example.com", "Does not look like a name."),
        ("Stéphane Demoustier", "No label: write “Label: Name, Name”."),
        ("Cast: Ariane Labed (Zoe) extra", "Text after the parentheses: “Ariane Labed (Zoe) extra”."),
    ],
)
def test_parse_malformed_input_is_shown_with_its_problem(text, problem):
    rows = parse(text)

    assert rows, "a line that gave nothing would be lost"
    assert problem in [p for r in rows for p in r.problems]


def test_parse_keeps_every_line_of_a_mixed_block():
    text = "Directed by: A B\n\nGaffer: C D\nNorth American Premiere | TV Series\n"

    rows = parse(text)

    assert sorted({r.line for r in rows}) == [1, 3, 4]


def test_preview_matches_accents_case_and_aliases_and_writes_nothing():
    nils = PersonFactory(name="Nils Tavernier")
    PersonAliasFactory(owner=nils, name="Niels Tavernier")
    ducrocq = PersonFactory(name="Cécile Ducrocq")
    newen = OrganizationFactory(name="Newen Connect")
    counts = (Person.objects.count(), Organization.objects.count(), Credit.objects.count())

    rows = preview("Directed by: NIELS tavernier, Cecile Ducrocq, Inti Calfat\nInternational Sales: newen connect")

    assert [(r.name, r.match) for r in rows] == [
        ("NIELS tavernier", nils),
        ("Cecile Ducrocq", ducrocq),
        ("Inti Calfat", None),
        ("newen connect", newen),
    ]
    assert [r.is_new for r in rows] == [False, False, True, False]
    assert (Person.objects.count(), Organization.objects.count(), Credit.objects.count()) == counts


def test_preview_flags_a_name_matching_two_people():
    PersonFactory(name="Marco Prince")
    PersonFactory(name="Marco Princé")

    rows = preview("Original Score: Marco Prince")

    assert rows[0].problems[0].startswith("Matches several records: Marco Prince")
