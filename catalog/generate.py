"""The catalogue part of ``generate_catalog``, and the pieces every app's ``generate`` module shares.

Synthetic but realistic in shape: films, shorts and recordings stand alone; a few series carry
seasons and episodes (one long-running series with many seasons, one season with many
episodes); titles have names in English and French with accents, countries, languages and
genres. Everything comes from one ``random.Random(seed)``, so a seed gives the same catalogue
on SQLite and PostgreSQL. Rows are built lazily and written with ``bulk_create`` in batches, so
memory stays flat whatever the size: only ids and a few small integers per title are kept.
"""

import datetime
import random
from array import array
from dataclasses import dataclass, field
from itertools import batched

from django.db import reset_queries
from django.db.models import Model
from django.db.models.functions import Lower

from .enums import LocalizedTitleKind, TitleKind
from .models import Country, Genre, Language, LocalizedTitle, Title
from .text import normalize, sort_key, unique_slug

#: Each model is written this many rows at a time (bounded memory, few round trips).
BATCH_SIZE = 2000

#: A word that appears in many titles and one that appears in a handful (search benchmarks).
COMMON_WORD = "nuit"
RARE_WORD = "zéphyrine"

ADJECTIVES = [
    "Blue", "Silent", "Last", "Hidden", "Broken", "Golden", "Secret", "Distant", "Wild", "Quiet", "Long",
    "Lost", "Bright", "Dark", "Frozen", "Burning", "Little", "Great", "Strange", "Endless", "Northern",
]  # fmt: skip
NOUNS = [
    "River", "Garden", "Winter", "Harbour", "Mirror", "Summer", "Country", "Stage", "Orchestra", "Ballet",
    "Island", "Road", "House", "Season", "Station", "Letter", "Crossing", "Shadow", "Dancer", "Opera", "Storm",
]  # fmt: skip
FRENCH_NOUNS = [
    "Été", "Rivière", "Forêt", "Mémoire", "Fenêtre", "Côte", "Étoile", "Rêve", "Île", "Fête", "Lumière",
    "Saison", "Scène", "Traversée", "Soirée", "Mélodie", "Écume", "Chœur", "Théâtre", "Musée", "Nuit",
]  # fmt: skip
FRENCH_ADJECTIVES = [
    "éternel", "perdu", "bleu", "sauvage", "secret", "dernier", "lointain", "doré", "fragile", "épique",
    "inachevé", "oublié", "brûlant", "étrange", "heureux", "immobile", "léger", "profond", "rêvé", "sombre",
]  # fmt: skip
LANGUAGES = ["fr", "en", "de", "es", "it", "ja", "pt", "ko", "sv", "pl", "ar", "zh"]
COUNTRIES = ["FR", "US", "GB", "DE", "ES", "IT", "JP", "BE", "CA", "CH", "SE", "KR", "BR", "PL", "MX", "AU"]
GENRES = [
    ("drama", "Drama", "Drame"),
    ("documentary", "Documentary", "Documentaire"),
    ("dance", "Dance", "Danse"),
    ("comedy", "Comedy", "Comédie"),
    ("thriller", "Thriller", "Thriller"),
    ("opera", "Opera", "Opéra"),
    ("animation", "Animation", "Animation"),
    ("romance", "Romance", "Romance"),
]


@dataclass
class Run:
    """One ``generate_catalog`` run: sizes, the random source, and the ids that later apps
    attach their rows to (kept as compact arrays, never as model instances)."""

    sizes: dict[str, int]  # {"titles": 100_000, …}: each generator's sizes (catalog.extensions)
    seed: int
    stdout: object = None
    rng: random.Random = field(init=False)
    title_ids: array = field(default_factory=lambda: array("q"))
    title_kinds: array = field(default_factory=lambda: array("b"))  # index into KIND_CODES
    title_parents: array = field(default_factory=lambda: array("q"))  # 0: none
    title_years: array = field(default_factory=lambda: array("h"))
    title_runtimes: array = field(default_factory=lambda: array("h"))
    person_ids: array = field(default_factory=lambda: array("q"))
    organization_ids: array = field(default_factory=lambda: array("q"))

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def say(self, text: str):
        if self.stdout is not None:
            self.stdout.write(text)

    def top_level_indexes(self) -> list[int]:
        return [i for i, parent in enumerate(self.title_parents) if not parent]

    def datetime(self, year: int, day_of_year: int, minutes: int) -> datetime.datetime:
        start = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
        return start + datetime.timedelta(days=day_of_year, minutes=minutes)


KIND_CODES = [TitleKind.FILM, TitleKind.SHORT, TitleKind.SERIES, TitleKind.SEASON, TitleKind.EPISODE]
KIND_CODES += [TitleKind.PERFORMANCE, TitleKind.LIVE]


def insert(model: type[Model], rows, keep_ids: array | None = None) -> int:
    """Writes ``rows`` (an iterable of unsaved instances, consumed lazily) in batches; appends
    the new primary keys to ``keep_ids`` when given. Returns the number of rows written."""
    written = 0
    for batch in batched(rows, BATCH_SIZE):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        if keep_ids is not None:
            keep_ids.extend(obj.pk for obj in batch)
        written += len(batch)
        reset_queries()  # with DEBUG on, Django would keep every batch's SQL in memory
    return written


def slug_picker(model: type[Model]):
    """``pick(text)``: a slug free in ``model`` (case aside) and among those picked before,
    through ``catalog.text.unique_slug``; the taken slugs are read once, not per row."""
    taken = set(model.objects.annotate(low=Lower("slug")).values_list("low", flat=True))

    def pick(text: str) -> str:
        slug = unique_slug(text, lambda s: s in taken)
        taken.add(slug)
        return slug

    return pick


def title_name(rng: random.Random, index: int) -> tuple[str, str, str]:
    """(original title, original language, English or French name or "")."""
    if rng.random() < 0.45:
        noun, adjective = rng.choice(FRENCH_NOUNS), rng.choice(FRENCH_ADJECTIVES)
        article = "La" if noun[-1] in "eé" else "Le"
        original = f"{article} {noun} {adjective}"
        if rng.random() < 0.08:
            original += f" de la {COMMON_WORD}"
        language = "fr"
    else:
        original = f"The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        if rng.random() < 0.08:
            original += " at Night"
        language = rng.choice(LANGUAGES[1:4]) if rng.random() < 0.3 else "en"
    if index % 25_000 == 11:
        original += f" et {RARE_WORD.capitalize()}"
    other = ""
    if rng.random() < 0.35:
        other = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}" if language == "fr" else rng.choice(FRENCH_NOUNS)
    return original, language, other


def plan_works(run: Run) -> list[tuple[str, list[int]]]:
    """(kind, episodes per season) for each top-level work, exactly ``run.sizes["titles"]`` titles in
    all. An empty list is a stand-alone work; ``[-n]`` is a miniseries (n episodes, no season).
    At a size worth measuring, the first series has 30 seasons and its first season 120
    episodes (the benchmark's heavy series and season pages)."""
    rng, works, total = run.rng, [], 0
    while total < run.sizes["titles"]:
        left = run.sizes["titles"] - total
        roll = rng.random()
        if not works and left > 2000:
            seasons = [120] + [rng.randint(6, 12) for _ in range(29)]
        elif roll < 0.06:
            seasons = [rng.randint(4, 12) for _ in range(max(min(int(rng.paretovariate(1.6)), 8), 1))]
        elif roll < 0.08:
            seasons = [-rng.randint(3, 8)]  # a miniseries: episodes, no season
        else:
            seasons = []
        size = 1 + sum(abs(n) for n in seasons) + sum(1 for n in seasons if n > 0)
        if seasons and size <= left:
            works.append((TitleKind.SERIES, seasons))
            total += size
            continue
        kind = rng.choices(
            [TitleKind.FILM, TitleKind.SHORT, TitleKind.PERFORMANCE, TitleKind.LIVE], weights=[70, 15, 12, 3]
        )[0]
        works.append((kind, []))
        total += 1
    return works


def generate(run: Run):
    rng = run.rng
    for slug, en, fr in GENRES:
        if not Genre.objects.filter(slug__iexact=slug).exists():
            Genre.objects.create(slug=slug, name_en=en, name_fr=fr)
    genres = list(Genre.objects.order_by("pk").values_list("pk", flat=True))
    countries = [c for c in COUNTRIES if Country.objects.filter(pk=c).exists()]
    languages = [c for c in LANGUAGES if Language.objects.filter(pk=c).exists()]
    pick_slug = slug_picker(Title)
    works = plan_works(run)
    localized: list[tuple[int, str, str]] = []  # (title index, language, text), small: 35 % of top level

    first = len(run.title_ids)
    parent_slugs: dict[int, str] = {}  # series and seasons only: their children's slugs start with it

    def remember_slug(index: int, kind: str, slug: str) -> str:
        if kind in (TitleKind.SERIES, TitleKind.SEASON):
            parent_slugs[index] = slug
        return slug

    def top_level_rows():
        for offset, (kind, seasons) in enumerate(works):
            index = first + offset
            original, language, other = title_name(rng, offset)
            year = rng.randint(1950, 2026) if rng.random() < 0.3 else rng.randint(2000, 2026)
            runtime = {TitleKind.SHORT: rng.randint(5, 30), TitleKind.SERIES: rng.choice([26, 45, 52, 60])}.get(
                kind, rng.randint(75, 160)
            )
            names = [original]
            if other:
                localized.append((index, "en" if language == "fr" else "fr", other))
                names.append(other)
            run.title_kinds.append(KIND_CODES.index(kind))
            run.title_parents.append(0)
            run.title_years.append(year)
            run.title_runtimes.append(runtime)
            episodes = sum(abs(n) for n in seasons)
            yield Title(
                kind=kind,
                slug=remember_slug(index, kind, pick_slug(original)),
                original_title=original,
                original_language_id=language if language in languages else None,
                year=year,
                runtime_minutes=runtime,
                episode_count=episodes if seasons and seasons[0] < 0 else None,
                synopsis_en=f"A {kind} made in {year}." if rng.random() < 0.5 else "",
                sort_title=sort_key(original)[:300],
                search_text=" | ".join(normalize(n) for n in names),
            )

    insert(Title, top_level_rows(), run.title_ids)
    run.say(f"  {len(works)} top-level titles")

    def child_rows(parents: list[tuple[int, int, str]]):
        """``parents``: (index of the parent, number of children, child kind)."""
        for parent_index, count, kind in parents:
            for number in range(1, count + 1):
                index = len(run.title_kinds)
                run.title_kinds.append(KIND_CODES.index(kind))
                run.title_parents.append(run.title_ids[parent_index])
                year = min(run.title_years[parent_index] + (number - 1 if kind == TitleKind.SEASON else 0), 2026)
                run.title_years.append(year)
                run.title_runtimes.append(run.title_runtimes[parent_index])
                original = "" if kind == TitleKind.SEASON else f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
                label = f"s{number}" if kind == TitleKind.SEASON else f"e{number}"
                title = Title(
                    kind=kind,
                    parent_id=run.title_ids[parent_index],
                    number=number,
                    slug=remember_slug(index, kind, pick_slug(f"{parent_slugs[parent_index]} {label}")),
                    original_title=original,
                    year=year,
                    runtime_minutes=run.title_runtimes[parent_index],
                    search_text=normalize(original),
                )
                title.sort_title = sort_key(original or title.label_without_series())[:300]  # as Title.save
                yield title

    season_plan, miniseries_plan = [], []
    for offset, (kind, seasons) in enumerate(works):
        if kind == TitleKind.SERIES and seasons and seasons[0] < 0:
            miniseries_plan.append((first + offset, -seasons[0], TitleKind.EPISODE))
        elif kind == TitleKind.SERIES:
            season_plan.append((first + offset, len(seasons), TitleKind.SEASON))
    seasons_start = len(run.title_ids)
    insert(Title, child_rows(season_plan), run.title_ids)
    episode_plan = list(miniseries_plan)
    index = seasons_start  # seasons were written in the order of the works
    for kind, seasons in works:
        if kind == TitleKind.SERIES and seasons and seasons[0] > 0:
            for count in seasons:
                episode_plan.append((index, count, TitleKind.EPISODE))
                index += 1
    insert(Title, child_rows(episode_plan), run.title_ids)
    run.say(f"  {len(run.title_ids) - first} titles with their seasons and episodes")

    insert(
        LocalizedTitle,
        (
            LocalizedTitle(title_id=run.title_ids[i], language_id=lang, kind=LocalizedTitleKind.OFFICIAL, text=text)
            for i, lang, text in localized
        ),
    )
    top = range(first, first + len(works))
    insert(
        Title.genres.through,
        (
            Title.genres.through(title_id=run.title_ids[i], genre_id=g)
            for i in top
            for g in rng.sample(genres, rng.choice([1, 1, 2]))
        ),
    )
    if countries:
        insert(
            Title.countries.through,
            (
                Title.countries.through(title_id=run.title_ids[i], country_id=c)
                for i in top
                for c in rng.sample(countries, rng.choice([1, 1, 1, 2]))
            ),
        )
    if languages:
        insert(
            Title.languages.through,
            (Title.languages.through(title_id=run.title_ids[i], language_id=rng.choice(languages)) for i in top),
        )
