"""The catalogue part of the demo: every work named in shared/reference/.

Sources: 000 (COLCOA programme entry, season 1 of L'Opéra), 001 (Plex page of season 2),
002 (POP press release, "Dans les couloirs de l’Opéra"), 003 (numeridanse page of
"Tout près des étoiles" with its related videos). Texts are copied verbatim.
Each app's ``demo.load()`` adds its own part; ``load_demo`` calls them in order.
"""

import datetime

from .enums import LocalizedTitleKind, TitleKind
from .models import Collection, CollectionItem, ContentRating, Genre, LocalizedTitle, Theme, Title, TitleStatement

#: Everything in the reference documents is public (they are public pages): the demo's titles,
#: edition, screenings and offers are published as of this date, before any of the documents, so
#: that the demo reads the same whatever the clock says (tests that freeze it included).
DEMO_PUBLISHED_AT = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

GENRES = [("drama", "Drama", "Drame"), ("documentary", "Documentary", "Documentaire"), ("dance", "Dance", "Danse")]
THEMES = [
    ("ballet", "Ballet", "Ballet"),
    ("backstage", "Backstage", "Coulisses"),
    ("paris-opera", "Paris Opera", "Opéra de Paris"),
]

OPERA_SERIES_SYNOPSIS_EN = (
    "Set in the shrine of French dance, the Garnier Opera house, L'Opera follows three characters whose "
    "dreams clash with reality, whose ambitions collide with expectations, and whose purity faces corruption."
)
OPERA_S1_SYNOPSIS_EN = (
    "The Opera plunges us into the ultra-romantic universe of the Opéra de Paris, that mythic temple of "
    "classical dance ensconced in the glittering Palais Garnier. But this behind-the-scenes intrigue goes far "
    "beyond tutus and stardust, to reveal the dark underbelly of that monolithic icon, as we follow the paths "
    "of three of its protagonists — Zoé, an aging prima ballerina with a decadent lifestyle, who is suddenly "
    "threatened with expulsion; Flora, an aspiring young Black dancer eager to break into that venerable, "
    "often-impenetrable, universe; and Sébastien, the company’s ruthlessly ambitious new Dance Director, "
    "desperate to prove himself. With equal parts sumptuous homage and social commentary, The Opera takes a "
    "deep dive into the cut-throat politics behind a major cultural institution."
)
OPERA_S2_EPISODES_EN = [
    (
        "A new season is beginning at the Opera. Zoe is the prima ballerina, Flora is part of the corps de ballet "
        "and the position of the dance director remains vacant. In addition, the company welcomes ballet mistress "
        "Diane Taillandier."
    ),
    (
        "The race to Varna is on. Six candidates will be selected and trained by Diane to represent the Opera de "
        "Paris in Bulgaria. Zoe works at a crazy pace imposed by Diane, but unfortunately a serious injury sends "
        "her to the hospital."
    ),
    (
        "The Varna selection is only a few days away. Flora's only goal is to be noticed by Diane. In the hospital, "
        "a distraught Zoe refuses to speak, and her doctor is very sceptical about the future of her professional "
        "career."
    ),
    (
        "In a physiotherapy centre, Zoe works hard on her comeback. Eager to return, she ignores the doctors' "
        "advice and pushes herself too hard. At the opera, Flora and the other candidates are struggling with the "
        "strenuous training."
    ),
    (
        "Diane and her champions, along with dozens of candidates from around the world, have come to Varna hoping "
        "to win a medal. The opera dancers are surprised to run into their ex-director, who trains a young dancer "
        "from his company."
    ),
    (
        "Zoe is back at the opera, where she continues her physiotherapy sessions under Diane's supervision. The "
        "ballet mistress plans for her protégée's great comeback, but there's a problem."
    ),
    (
        "Flora and Aurore are ready for revolution. They break the law of silence and tell Nadia Menour, the "
        "opera's director, about Diane's abusive techniques. Zoe, however, steers clear as she remains loyal to "
        "Diane."
    ),
    (
        "Backed by the younger generation, Flora and Aurore continue their crusade against their dance director, "
        "and write a manifesto to be signed."
    ),
]

COULOIRS_SYNOPSIS_FR = (
    "Cette série de 7 épisodes suit le quotidien de danseuses, chanteurs, techniciens, couturières, "
    "décorateurs… « et met en valeur la diversité des métiers, la complémentarité des savoir-faire et la "
    "dynamique collective qui conduit chaque jour au lever de rideau à l’Opéra Bastille comme au Palais "
    "Garnier ».\n\n"
    "Des ateliers de peinture aux studios de danse, des salons d’essayage aux aires de montage, de l’Opéra "
    "Bastille au Palais Garnier, la série suit celles et ceux qui œuvrent dans l’ombre pour donner vie à la "
    "magie du spectacle : « un portrait choral d’un lieu mythique, raconté à travers les gestes, les voix et "
    "les savoir-faire qui le font battre au quotidien »."
)
COULOIRS_EPISODES_FR = [
    (
        "Un tunnel vers la fabrique des rêves",
        (
            "Marion commence la préparation de son premier spectacle en tant que chorégraphe. Pendant ce temps, "
            "accessoiristes et régisseurs s’activent autour d’un ballet hors normes. À l’atelier de Bastille, Jiajun, "
            "peintre, débute un nouveau projet ambitieux : sa première toile d’architecture. À Garnier, "
            "Charles-Édouard, inspecteur principal, entame sa longue déambulation dans les couloirs, pendant que sur "
            "le plateau un moment spectaculaire se prépare : des milliers de balles s’apprêtent à tomber du plafond "
            "pour le ballet d’Alexander Ekman : Play."
        ),
    ),
    (
        "Pour que la magie prenne",
        (
            "Laure arrive dans son atelier de l’Opéra Bastille où elle crée des chapeaux. Deux étages plus bas, "
            "Jiajun commence à tracer au fusain le dessin de sa toile géante. À la tissutèque, Katharina choisit les "
            "échantillons des futurs costumes de la prochaine création de l’opéra Eugène Onéguine. Sur le plateau "
            "démarre une répétition générale : La Petite Renarde rusée."
        ),
    ),
    (
        "On fait les choses pour qu’elles jouent",
        (
            "Loin de l’Opéra, Laure transmet le métier de modiste dans un lycée, là où se dessinent les vocations de "
            "demain. À l’amphithéâtre, Luis, baryton de l’Académie, est en pleine répétition. À Garnier, Marion "
            "procède aux derniers essayages de son spectacle tandis que l’événement « Tous à l’Opéra » ouvre les "
            "coulisses au grand public. Le soir venu, Luis s’apprête à chanter sur la grande scène dans Les Brigands."
        ),
    ),
    (
        "Le détail fait la différence",
        (
            "Gregory, maître de ballet, commence à suivre la nouvelle création Red Carpet d’Hofesh Shechter. Au "
            "niveau –6, Michel supervise l’assemblage des décors avant leur montée sur le plateau. Dans les ateliers, "
            "Jean-Philippe vérifie la fabrication des éléments sculptés, tandis que sur scène Coline, régisseuse, "
            "prépare le spectacle du soir : Le Barbier de Séville."
        ),
    ),
    (
        "Si l’Opéra ne le fait pas, qui osera ?",
        (
            "John, pianiste des cours de danse, accompagne les répétitions avec une particularité rare : il improvise "
            "chaque morceau. Sur le plateau, c’est l’ultime répétition de la création de Red Carpet ; Gregory "
            "accompagne Hofesh Shechter pour régler les derniers détails techniques. À l’atelier modiste, Elsa termine "
            "son chapeau. Dans le grand foyer, Marion rencontre les enfants de l’École de danse qui participeront à sa "
            "chorégraphie dans le cadre du Gala anniversaire des 150 ans du Palais Garnier."
        ),
    ),
    (
        "On est tous reliés les uns aux autres",
        (
            "Les pompiers arrivent à Garnier pour un entraînement dans le mythique « lac de l’Opéra ». À Bastille, "
            "Jiajun achève sa toile monumentale, un moment fort avant son décrochage. En sous-sol, les décors montent "
            "vers le plateau tandis que Sandrine et son équipe préparent des centaines de perruques pour le spectacle "
            "du soir : La Belle au bois dormant."
        ),
    ),
    (
        "La cerise sur le chapeau",
        (
            "Jiajun découvre pour la première fois sa toile géante installée sur les panneaux du décor. "
            "Jean-Philippe en profite pour vérifier les derniers éléments techniques. Aux costumes, les essayages d’un "
            "nouvel opéra débutent avec la costumière et Katharina. À Garnier, l’effervescence est à son comble : "
            "Marion ajuste les derniers placements avant une soirée exceptionnelle, Le Gala des 150 ans où toutes les "
            "disciplines se rencontrent."
        ),
    ),
]

#: The two statements of 002 about the series (the corridors, the backstage), with who said them.
COULOIRS_STATEMENTS = [
    (
        "Les couloirs autour de la scène connaissent un flux incessant qui rythme le quotidien de centaines de "
        "femmes et d’hommes. Danseuses, chanteurs, techniciens, couturières, décorateurs : leurs trajectoires se "
        "croisent chaque jour, entre répétitions, créations et représentations"
    ),
    (
        "Diffusée en exclusivité sur la plateforme POP – Paris Opera Play à partir du 1er février 2026, la "
        "nouvelle série « Dans les couloirs de l’Opéra » offre aux curieux la possibilité d’arpenter les "
        "coulisses de l’Opéra."
    ),
]
#: 002 is the Opéra national de Paris's press release ("SOURCE : Opéra national de Paris"), first
#: published on 28 January 2026.
PRESS_RELEASE_SPEAKER = "Opéra national de Paris"
PRESS_RELEASE_DATE = datetime.date(2026, 1, 28)

ETOILES_SYNOPSIS_EN = (
    "In 1999, Niels Tavernier shared for several months the life of the Opéra de Paris corps de ballet. With "
    "extracts from performances and warm-ups in the wings, classes and rehearsals, the camera gradually enters "
    "into the intimacy of this special world. The director questions the dancers, and essential themes emerge: "
    "the choice of this profession, discipline, the physical effort, the mirror, solitude, retirement…\n\n"
    "The title of this first full-length film shot backstage in the Opéra Garnier states what is to come: the "
    "corps de ballet of the Opéra de Paris is filmed close-up at an often breathless pace, through which it "
    "renders the unremitting work of the interpreters. Niels Tavernier’s project was to show this perpetual "
    "movement and how the emotion of bodies is expressed. Tours, rehearsals, performances of various ballets "
    "one after the other, wardrobe and make-up sessions, these scenes from everyday life pay tribute to the "
    "dream of the dancers and to their commitment in this exacting discipline. Thanks to the many testimonies, "
    "the difficult and highly hierarchical world of ballet becomes here a space where we meet strong and "
    "endearing personalities. A film which, in the director’s words, seeks to understand the inexplicable: "
    "grace."
)

#: "Our videos suggestions" on the page of 003: (slug, title, name as written, country).
#: One entry of the page has no title and is left out. The page gives each video a name and a
#: country, no role and no kind: the name is credited as "Associated name" (people app), the
#: videos are of kind "Video" (the teaser "Trailer or teaser").
RELATED_VIDEOS = [
    ("yvette-chauvire-fokine", "Yvette Chauviré", "Fokine, Michel", "FR"),
    ("carolyn-carslon-a-woman-of-many-faces", "Carolyn Carslon, A Woman of Many Faces", "Carlson, Carolyn", "FR"),
    ("carolyn-carlson-solo", "Carolyn Carlson, Solo", "Carlson, Carolyn", "IT"),
    ("the-heart-of-the-sand", "The heart of the sand", "Acogny, Germaine", "SN"),
    ("eric-languet-choregraphe", "Éric Languet, chorégraphe", "", ""),
    ("samia-forever", "Samia forever", "", ""),
    ("la-danse-et-degas", "La danse et Degas", "", ""),
    ("ghazeia-danseuse-d-egypte", "Ghazeia danseuse d'Egypte", "", ""),
    ("le-cygne", "Le cygne", "Chauviré, Yvette", "FR"),
    ("six-seasons", "Six seasons", "Khan, Akram", "GB"),
    ("douar-teaser", "Douar [teaser]", "Attou, Kader", "FR"),
    ("yvette-chauvire", "Yvette Chauviré", "Chauviré, Yvette", "FR"),
    ("the-rite-and-its-revolutions", "The Rite and its revolutions", "Gallotta, Jean-Claude", "FR"),
    (
        "lied-ballet-creation-to-the-maison-de-la-danse",
        "Lied Ballet - Creation to the Maison de la Danse",
        "Lebrun, Thomas",
        "FR",
    ),
    ("dix-anges-portraits", "Dix anges, portraits", "Bagouet, Dominique", "FR"),
    ("mlle-bessy-la-force-d-un-destin", "Mlle Bessy, la force d'un destin", "Bessy, Claude", "FR"),
    ("sur-les-pas-de-noureev", "Sur les pas de Noureev", "Noureev, Rudolf", "FR"),
    ("les-pieds-sur-scene", "Les Pieds sur scène", "", ""),
    ("la-danse-aux-poings-de-mourad-merzouki", "La Danse aux poings de Mourad Merzouki", "Merzouki, Mourad", "FR"),
]


def upsert(slug, *, genres=(), themes=(), countries=(), languages=(), names=(), ratings=(), **fields):
    """Create or update one title by slug, with its related rows; safe to run again."""
    title, _created = Title.objects.update_or_create(slug=slug, defaults={"published_at": DEMO_PUBLISHED_AT, **fields})
    if genres:
        title.genres.set(Genre.objects.filter(slug__in=genres))
    if themes:
        title.themes.set(Theme.objects.filter(slug__in=themes))
    if countries:
        title.countries.set(countries)
    if languages:
        title.languages.set(languages)
    for language, kind, text in names:
        LocalizedTitle.objects.get_or_create(title=title, language_id=language, kind=kind, text=text)
    for system, value in ratings:
        ContentRating.objects.update_or_create(title=title, system=system, defaults={"value": value})
    return title


def load(stdout=None):
    for model, rows in ((Genre, GENRES), (Theme, THEMES)):
        for slug, en, fr in rows:
            model.objects.update_or_create(slug=slug, defaults={"name_en": en, "name_fr": fr})

    opera = upsert(
        "l-opera",
        kind=TitleKind.SERIES,
        original_title="L'Opéra",
        original_language_id="fr",
        year=2021,
        runtime_minutes=45,
        synopsis_en=OPERA_SERIES_SYNOPSIS_EN,
        genres=["drama"],
        themes=["ballet", "paris-opera"],
        countries=["FR"],
        languages=["fr"],
        names=[("en", LocalizedTitleKind.OFFICIAL, "The Opera")],
    )
    season1 = upsert(
        "l-opera-season-1",
        kind=TitleKind.SEASON,
        parent=opera,
        number=1,
        year=2021,
        episode_count=8,
        runtime_minutes=45,
        synopsis_en=OPERA_S1_SYNOPSIS_EN,
        countries=["FR"],
        languages=["fr"],
    )
    for number in (1, 2):
        upsert(
            f"l-opera-season-1-episode-{number}",
            kind=TitleKind.EPISODE,
            parent=season1,
            number=number,
            runtime_minutes=45,
        )
    season2 = upsert(
        "l-opera-season-2",
        kind=TitleKind.SEASON,
        parent=opera,
        number=2,
        episode_count=8,
        countries=["FR"],
        languages=["fr"],
        ratings=[("US-TV", "TV-MA")],
    )
    for number, synopsis in enumerate(OPERA_S2_EPISODES_EN, start=1):
        upsert(
            f"l-opera-season-2-episode-{number}",
            kind=TitleKind.EPISODE,
            parent=season2,
            number=number,
            synopsis_en=synopsis,
        )

    # 001 gives TV-MA for season 2 only (a re-run removes the series' rating of older demos).
    ContentRating.objects.filter(title=opera).delete()
    couloirs = upsert(
        "dans-les-couloirs-de-l-opera",
        kind=TitleKind.SERIES,
        original_title="Dans les couloirs de l’Opéra",
        original_language_id=None,  # 002 does not say it (docs/demo.md)
        year=2026,
        production_start_year=2025,  # 002: "tournée entre janvier et octobre 2025"
        production_start_month=1,
        production_end_year=2025,
        production_end_month=10,
        episode_count=7,
        runtime_minutes=25,
        synopsis_fr=COULOIRS_SYNOPSIS_FR,
        genres=["documentary"],
        themes=["backstage", "paris-opera"],
        countries=["FR"],
    )
    for order, text in enumerate(COULOIRS_STATEMENTS):
        TitleStatement.objects.update_or_create(
            title=couloirs,
            order=order,
            defaults={
                "text": text,
                "speaker": PRESS_RELEASE_SPEAKER,
                "language_id": "fr",
                "stated_on": PRESS_RELEASE_DATE,
            },
        )
    for number, (name, synopsis) in enumerate(COULOIRS_EPISODES_FR, start=1):
        upsert(
            f"dans-les-couloirs-de-l-opera-episode-{number}",
            kind=TitleKind.EPISODE,
            parent=couloirs,
            number=number,
            original_title=name,
            original_language_id=None,
            runtime_minutes=25,
            synopsis_fr=synopsis,
        )

    etoiles = upsert(
        "tout-pres-des-etoiles",
        kind=TitleKind.FILM,
        original_title="Tout près des étoiles - Les Danseurs de l'Opéra de Paris",
        original_language_id=None,  # 003 does not say it
        year=None,  # 003 dates the shoot ("In 1999, … shared for several months"), not the release
        production_start_year=1999,
        production_end_year=1999,
        runtime_minutes=95,
        synopsis_en=ETOILES_SYNOPSIS_EN,
        genres=["documentary", "dance"],
        themes=["ballet", "backstage", "paris-opera"],
        countries=["FR"],
        names=[("fr", LocalizedTitleKind.SHORT, "Tout près des étoiles")],
    )
    related = []
    for slug, name, _named, country in RELATED_VIDEOS:
        kind = TitleKind.TRAILER if "[teaser]" in name else TitleKind.VIDEO
        related.append(upsert(slug, kind=kind, original_title=name, countries=[country] if country else []))
    etoiles.related.add(*related)

    collection, _created = Collection.objects.update_or_create(
        slug="paris-opera-on-screen",
        defaults={
            "name_en": "The Paris Opera on screen",
            "name_fr": "L’Opéra de Paris à l’écran",
            "description_en": "Fiction, documentaries and archives from inside the Palais Garnier and the Opéra Bastille.",
            "description_fr": "Fiction, documentaires et archives au cœur du Palais Garnier et de l’Opéra Bastille.",
        },
    )
    for order, title in enumerate((opera, couloirs, etoiles)):
        CollectionItem.objects.update_or_create(collection=collection, title=title, defaults={"order": order})
    if stdout:
        stdout.write(f"catalog: {Title.objects.count()} titles")
