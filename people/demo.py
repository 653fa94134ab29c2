"""The people part of the demo: every person, organisation and credit of shared/reference/.

000 (COLCOA entry, season 1 of L'Opéra): directors, creators, writers, producers with their
companies, cinematography, editing, score, cast with characters as written ("Zoe"), sales.
001 (Plex, season 2): cast with full character names ("Zoé Monin"); the season 1 credits
say which short name is which full name (``character_full_name``), so Ariane Labed is one
person with two season credits, "Zoé Monin, seasons 1–2" on the series page.
002 (POP press release): director Jean-Luc Perréard and his biography, producer Opéra
national de Paris, patrons Lexus and the POP club.
003 (Numeridanse): Nils (alias Niels) Tavernier, his parents, the Paris Opera Ballet with its
history, production companies and funders, the names printed under the related videos
(credited as "Associated name": the page gives no role).

Presenting partners of a screening (Newen Connect, Orange Studio) and the original
broadcast (OCS) are not credits: the screenings and streaming parts reference these
organisations by slug.
"""

import datetime

from django.utils.text import slugify

from catalog.models import Title
from catalog.text import normalize

from .enums import OrganizationKind, RelationKind
from .models import Credit, Organization, OrganizationAlias, Person, PersonAlias, PersonRelation, Role

CECILE_DUCROCQ_BIO_EN = (
    "Series co-creator Cécile Ducrocq made her directorial début with the short film Everyone Says I Love You "
    "(2011), which garnered the Unifrance Special Prize at Cannes and the Jury Award at COLCOA 2012. Another "
    "short, Back Alley (2014) was screened at the Cannes International Critic’s Week sidebar and the Sundance "
    "Film Festival, and nabbed a César Award for Best Short Film. She has been writing for television since "
    "2008, most notably on three hit series — Maison Close (2013), The Bureau (2015-2020), and Call My Agent! "
    "(COLCOA 2016 & 2017). Her Way, Ducrocq’s first feature as writer/director, premiered at this year’s "
    "Deauville Film Festival."
)
PERREARD_BIO_FR = (
    "Jean-Luc Perréard, réalisateur et chef opérateur, filme les coulisses des plateaux de cinéma depuis vingt "
    "cinq ans, il a réalisé des making of sur de nombreux longs métrages (avec Pierre Salvadori, Cédric "
    "Klapisch, Toledano et Nakache…) mais aussi des courts métrages des clips et des publicités.\n\n"
    "En 2011 il a réalisé son premier long métrage Itinéraire bis avec Fred Testot et Leila Behkti. Jean-Luc "
    "Perréard est aussi cadreur, sur des documentaires, avec des réalisateurs comme Oliver Stone (Persona Non "
    "Grata et Looking for Fidel), Barbet Schroeder (L’avocat de la terreur), Kevin Mcdonald (Mon meilleur "
    "ennemi, Marley), mais aussi sur des fictions, avec Cédric Klapisch (En corps, série Salade Grecque) ou "
    "Thomas Lilti (Hippocrate saison 3). Depuis quinze ans, il réalise des documentaires, autour du monde du "
    "cinéma."
)
TAVERNIER_BIO_EN = (
    "Nils Tavernier is a French director and actor.\n\n"
    "Born September 1, 1965, Nils Tavernier is the son of the famous director Bertrand Tavernier and the "
    "screenwriter Colo O’Hagan Tavernier.\n\n"
    "Nils has more than 40 films to his credit as a director and documentary maker. His feature films have "
    "often enjoyed critical and popular success, such as Aurore, De Tous Nos Forces, The Incredible Story of "
    "the Horse Postman and IMA.\n\n"
    "Nils is also committed to researching true stories that he likes to film in his documentaries. The "
    "subjects are by turns serious, tender, romantic... but always highlighted with a caring gaze."
)
BALLET_HISTORY_EN = (
    "The Paris Opéra Ballet is the official ballet company of the Opéra national de Paris, otherwise known as "
    "the Palais Garnier, though known more popularly simply as the Paris Opéra. Its origins can be traced back "
    "to 1661 with the foundation of the Académie Royale de Danse and the Le Ballet de l'Opéra in 1713 by King "
    "Louis XIV of France.\n\n"
    "The aim of the Académie Royale de Danse was to reestablish the perfection of dance. In the late "
    "seventeenth century, using 13 professional dancers to drive the academy, the Paris Opéra Ballet "
    "successfully transformed ballet from court entertainment to a professional performance art for the "
    "masses. It later gave birth to the Romantic Ballet, the classical form of ballet known throughout the "
    "world. The Paris Opéra Ballet dominated European ballet throughout the eighteenth and early nineteenth "
    "centuries and remains a leading institution in the art of ballet today."
)

# slug, name, kind, aliases (name, seen in), extra fields
ORGANIZATIONS = [
    ("newen-connect", "Newen Connect", OrganizationKind.SALES, [], {}),
    # 000 names it only under "Presented in Association with:" (a partner of the screening).
    ("orange-studio", "Orange Studio", OrganizationKind.OTHER, [], {}),
    (
        "opera-national-de-paris",
        "Opéra national de Paris",
        OrganizationKind.INSTITUTION,
        [("Opéra de Paris", "POP press release, Numeridanse"), ("Paris Opera", "")],
        {},
    ),
    ("ocs", "OCS", OrganizationKind.BROADCASTER, [], {}),
    ("lexus", "Lexus", OrganizationKind.PATRON, [], {}),
    (
        "club-pop",
        "Club POP",
        OrganizationKind.PATRON,
        [],
        {"bio_fr": "Club des partenaires des projets audiovisuels et numériques de l’Opéra national de Paris."},
    ),
    ("victoria-productions", "Victoria Productions", OrganizationKind.PRODUCTION, [], {}),
    ("telfrance", "Telfrance", OrganizationKind.PRODUCTION, [], {}),
    (
        "ballet-de-l-opera-national-de-paris",
        "Ballet de l'Opéra national de Paris",
        OrganizationKind.ENSEMBLE,
        [("Paris Opéra Ballet", "New World Encyclopedia")],
        {"founded_year": 1713, "bio_en": BALLET_HISTORY_EN, "bio_source": "New World Encyclopedia"},
    ),
    ("little-bear", "Little Bear", OrganizationKind.PRODUCTION, [], {}),
    ("gaia-films", "Gaïa films", OrganizationKind.PRODUCTION, [], {}),
    ("canal-plus", "Canal +", OrganizationKind.BROADCASTER, [("Canal+", "")], {}),
    ("cnc", "CNC", OrganizationKind.FUNDER, [], {}),
    (
        "ministere-de-la-culture-et-de-la-communication-dmdts",
        "ministère de la Culture et de la Communication (DMDTS)",
        OrganizationKind.FUNDER,
        [],
        {},
    ),
]

PEOPLE = {
    "Cécile Ducrocq": {
        "sort_name": "Ducrocq, Cécile",
        "nationality_id": None,  # 000 does not say it
        "bio_en": CECILE_DUCROCQ_BIO_EN,
        "bio_source": "COLCOA festival programme",
    },
    "Jean-Luc Perréard": {
        "sort_name": "Perréard, Jean-Luc",
        "bio_fr": PERREARD_BIO_FR,
        "bio_source": "Opéra national de Paris",  # 002 l. 36 ("SOURCE"), in no one language
    },
    "Nils Tavernier": {
        "sort_name": "Tavernier, Nils",
        "birth_date": datetime.date(1965, 9, 1),
        "nationality_id": "FR",
        "bio_en": TAVERNIER_BIO_EN,
        "bio_source": "Numeridanse",
    },
    "Bertrand Tavernier": {"sort_name": "Tavernier, Bertrand", "nationality_id": None},
    "Colo O’Hagan Tavernier": {"sort_name": "O’Hagan Tavernier, Colo"},
}
ALIASES = [("Nils Tavernier", "Niels Tavernier", "Numeridanse, synopsis of Tout près des étoiles")]
RELATIONS = [
    ("Nils Tavernier", RelationKind.CHILD_OF, "Bertrand Tavernier"),
    ("Nils Tavernier", RelationKind.CHILD_OF, "Colo O’Hagan Tavernier"),
]

S1 = "l-opera-season-1"
S2 = "l-opera-season-2"
COULOIRS = "dans-les-couloirs-de-l-opera"
ETOILES = "tout-pres-des-etoiles"

# (title slug, role slug, [names]); affiliations and characters follow below.
CREW = [
    (S1, "director", ["Stéphane Demoustier", "Cécile Ducrocq", "Inti Calfat", "Dirk Verheye", "Laïla Marrakchi"]),
    ("l-opera", "creator", ["Cécile Ducrocq", "Benjamin Adams"]),
    (S1, "writer", ["Cécile Ducrocq", "Benjamin Adams", "Simon Jablonka"]),
    (S1, "producer", ["Florence Levard", "Christophe Toutlemonde"]),
    (S1, "cinematographer", ["David Chambille", "Benoît Dervaux"]),
    (S1, "editor", ["Stijn Deconinck", "Gert Van Berckelaer", "Koen Timmerman"]),
    (S1, "composer", ["Marco Prince"]),
    (COULOIRS, "director", ["Jean-Luc Perréard"]),
    (ETOILES, "director", ["Nils Tavernier"]),
]
AFFILIATIONS = {(S1, "producer", "Florence Levard"): ["victoria-productions", "telfrance"]}
ORGANIZATION_CREDITS = [
    (S1, "sales-agent", ["newen-connect"]),
    (COULOIRS, "production-company", ["opera-national-de-paris"]),
    (COULOIRS, "patron", ["lexus", "club-pop"]),
    (ETOILES, "production-company", ["little-bear", "gaia-films", "canal-plus"]),
    (ETOILES, "funder", ["cnc", "ministere-de-la-culture-et-de-la-communication-dmdts"]),
    (ETOILES, "ensemble", ["ballet-de-l-opera-national-de-paris"]),
]
# Season 1 as written in 000, with the full name that 001 gives for the same character.
CAST_S1 = [
    ("Ariane Labed", "Zoe", "Zoé Monin"),
    ("Suzy Bemba", "Flora", "Flora Soumaré"),
    ("Raphaël Personnaz", "Sébastien", "Sébastien Cheneau"),
    ("Damien Chapelle", "Sasha", ""),
    ("Loris Freeman", "Jonas", "Jonas Brunnel"),
    ("Audrey Gorlenko", "Russian Dancer", ""),
    ("Maud Jurez", "Louise", "Louise Laurier"),
    ("Sarah Le Picard", "Tiphaine", "Tiphaine Servais"),
]
CAST_S2 = [
    ("Ariane Labed", "Zoé Monin"),
    ("Raphaël Personnaz", "Sébastien Cheneau"),
    ("Suzy Bemba", "Flora Soumaré"),
    ("Hortense de Gromard", "Aurore Grandsire"),
    ("Sarah Le Picard", "Tiphaine Servais"),
    ("Yannick Renier", "Raphaël Verdussen"),
    ("Peter Benedict", "Karl Bernhard"),
    ("Loris Freeman", "Jonas Brunnel"),
    ("Mehdi Djaadi", "Idir Chennoufi"),
    ("Maud Jurez", "Louise Laurier"),
    ("Annabelle Hettmann", "Myriam Claveau"),
    ("Adrien Dewitte", "Valentin Grandsire"),
    ("Samy Caffonnette", "Charlie Altman"),
    ("Brigitte Sy", "Nadia Menour"),
    ("Anne Alvaro", "Diane Taillandier"),
    ("Loïc Corbery", "Alec Anderson"),
    ("Carole Trevoux", "Françoise Naomi"),
]


def person(name: str) -> Person:
    fields = {"name": name, **PEOPLE.get(name, {})}
    fields.setdefault("sort_name", _sort_name(name))
    record, _created = Person.objects.update_or_create(slug=slugify(normalize(name)), defaults=fields)
    return record


def _sort_name(name: str) -> str:
    first, _sep, last = name.rpartition(" ")
    return f"{last}, {first}" if first else name


def _credit(title, role, *, person=None, organization=None, order=0, character="", full="", affiliations=()):
    credit, _created = Credit.objects.update_or_create(
        title=title,
        role=role,
        person=person,
        organization=organization,
        character=character,
        defaults={"order": order, "character_full_name": full},
    )
    if affiliations:
        credit.affiliations.set(affiliations)
    return credit


def load(stdout=None):
    orgs = {}
    for slug, name, kind, aliases, extra in ORGANIZATIONS:
        orgs[slug], _created = Organization.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "country_id": None, "website": "", **extra}
        )
        for alias, seen_in in aliases:
            OrganizationAlias.objects.update_or_create(owner=orgs[slug], name=alias, defaults={"seen_in": seen_in})
        # An alias no document gives (CNC's long name in older demos) goes on a re-run.
        OrganizationAlias.objects.filter(owner=orgs[slug]).exclude(name__in=[a for a, _s in aliases]).delete()

    for name in PEOPLE:
        person(name)
    for name, alias, seen_in in ALIASES:
        PersonAlias.objects.update_or_create(owner=person(name), name=alias, defaults={"seen_in": seen_in})
    for a, kind, b in RELATIONS:
        PersonRelation.objects.get_or_create(person=person(a), kind=kind, other=person(b))

    wanted = [S1, S2, COULOIRS, ETOILES, "l-opera"] + [slug for slug, *_rest in _related_videos()]
    titles = {t.slug: t for t in Title.objects.filter(slug__in=wanted)}
    roles = {r.slug: r for r in Role.objects.all()}

    for title_slug, role_slug, names in CREW:
        for order, name in enumerate(names, start=1):
            companies = [orgs[s] for s in AFFILIATIONS.get((title_slug, role_slug, name), [])]
            _credit(titles[title_slug], roles[role_slug], person=person(name), order=order, affiliations=companies)
    for title_slug, role_slug, slugs in ORGANIZATION_CREDITS:
        for order, slug in enumerate(slugs, start=1):
            _credit(titles[title_slug], roles[role_slug], organization=orgs[slug], order=order)
    for order, (name, character, full) in enumerate(CAST_S1, start=1):
        _credit(titles[S1], roles["actor"], person=person(name), order=order, character=character, full=full)
    for order, (name, character) in enumerate(CAST_S2, start=1):
        _credit(titles[S2], roles["actor"], person=person(name), order=order, character=character)

    # 003 prints a name under each suggested video, with no role: "Associated name", never a
    # role the page does not give (Noureev is not the choreographer of *Sur les pas de Noureev*).
    for slug, _name, sort_name, _country in _related_videos():
        last, _sep, first = sort_name.partition(", ")
        named = person(f"{first} {last}")
        if named.sort_name != sort_name:
            named.sort_name = sort_name
            named.save()
        Credit.objects.filter(title=titles[slug], person=named, role=roles["choreographer"]).delete()
        _credit(titles[slug], roles["associated-name"], person=named, order=1)

    if stdout:
        stdout.write(
            f"people: {Person.objects.count()} people, {Organization.objects.count()} organisations, "
            f"{Credit.objects.count()} credits"
        )


def _related_videos():
    from catalog.demo import RELATED_VIDEOS

    return [row for row in RELATED_VIDEOS if row[2]]
