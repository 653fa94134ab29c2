"""CSV import and export speed beside the raw speed of the same database for the same rows.

Cases (each in its own process, so that its peak memory is its own):
- import of 100,000 ``titles`` rows (films, series with seasons and episodes), full validation;
- import of 100,000 ``credits`` rows on existing titles, people named by name (through the
  name matcher, accents and case varied), roles by label in English or French;
- export of every ``credits`` row of the reference catalogue (1,000,000);
- raw: the same rows inserted with the driver's ``executemany``, ids already resolved, in one
  transaction (issue 17's definition of raw; each import's "share of raw" is against it), and
  on PostgreSQL with ``COPY`` beside it (the limit); the same export columns read with one SQL
  query (``COPY … TO STDOUT`` on PostgreSQL), all in the same run;
- the peer: the first 20,000 rows of the same titles and credits files imported, and 20,000
  titles and credits exported, by a stock django-import-export ``ModelResource`` as its
  documentation shows it (``use_bulk``, natural keys through its widgets), beside Affiche's
  import and its export of the same rows ("× stock").

Imports are committed, then the rows they created are deleted again, so the reference
catalogue is left as it was. ``--rows`` sets the import size; the export takes every credit.

Run by ``make bench`` (bench/run.py) as ``bench/csv_bench.py --db-url URL --out FILE``.
"""

import csv
import io
import itertools
import json
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import arguments, database_label, peak_rss_mb, print_table, setup_django, write

TMP = Path(__file__).resolve().parent / ".data"
PREFIX = "csvbench"
# "cleanup" deletes what an import created, in its own process: the deletion's memory is not
# the import's.
CASES = [
    "raw_titles",
    "copy_titles",
    "import_titles",
    "cleanup",
    "stock_import_titles",
    "cleanup",
    "raw_credits",
    "copy_credits",
    "import_credits",
    "cleanup",
    "stock_import_credits",
    "cleanup",
    "raw_export",
    "export_credits",
    "export_titles_peer",
    "stock_export_titles",
    "export_credits_peer",
    "stock_export_credits",
]
#: The stock django-import-export peer reads and writes this many rows (issue 17: "20,000 rows
#: is enough for the peer"); Affiche's export is measured on the same rows beside it.
PEER_ROWS = 20_000
#: ``COPY`` is PostgreSQL's; SQLite has no such path.
POSTGRES_ONLY = {"copy_titles", "copy_credits"}
COLUMNS = [
    ("group", "group"),
    ("name", "case"),
    ("rows", "rows"),
    ("seconds", "s"),
    ("rows_per_s", "rows/s"),
    ("share_of_raw", "share of raw"),
    ("share_of_copy", "share of COPY"),
    ("times_stock", "× stock"),
    ("peak_mb", "peak MB"),
    ("note", "note"),
]


# Files --------------------------------------------------------------------------------


def titles_file(rows: int) -> Path:
    """Films, and series of 4 seasons × 10 episodes, parents before children, as exported."""
    path = TMP / f"{PREFIX}-titles-{rows}.csv"
    if path.exists():
        return path
    from catalog.resources import TitleResource

    rng = random.Random(7)
    header = TitleResource.columns()[:17]  # the columns below (the later ones are optional)
    top, seasons, episodes = [], [], []
    n = 0
    while len(top) + len(seasons) + len(episodes) < rows:
        n += 1
        slug = f"{PREFIX}-{n}"
        countries = rng.choice(["FR", "FR|BE", "US", "GB|FR", "CA"])
        genres = rng.choice(["drama", "documentary", "comedy|drama", ""])
        if n % 5:
            top.append(
                [
                    slug,
                    "film",
                    "",
                    "",
                    f"Œuvre n°{n} – l’été",
                    "fr",
                    f"Work {n}",
                    f"Œuvre {n}",
                    "2001",
                    countries,
                    "fr",
                    "95",
                    "",
                    genres,
                    "FR-CSA:-12",
                    "A synopsis, “quoted”.",
                    "Un résumé.",
                ]
            )
        else:
            top.append(
                [
                    slug,
                    "series",
                    "",
                    "",
                    f"Série {n}",
                    "fr",
                    f"Series {n}",
                    "",
                    "2020",
                    countries,
                    "fr",
                    "45",
                    "",
                    genres,
                    "US-TV:TV-MA",
                    "",
                    "",
                ]
            )
            for s in range(1, 5):
                seasons.append(
                    [f"{slug}-s{s}", "season", slug, str(s), "", "", "", "", "2020", "", "", "45", "10", "", "", "", ""]
                )
                for e in range(1, 11):
                    episodes.append(
                        [
                            f"{slug}-s{s}e{e}",
                            "episode",
                            f"{slug}-s{s}",
                            str(e),
                            "",
                            "",
                            f"Episode {e}",
                            "",
                            "",
                            "",
                            "",
                            "45",
                            "",
                            "",
                            "",
                            "",
                            "",
                        ]
                    )
    body = (top + seasons + episodes)[:rows]
    body.sort(key=lambda r: {"film": 0, "series": 0, "season": 1, "episode": 2}[r[1]])
    _write(path, header, body)
    return path


def credits_file(rows: int) -> Path:
    """Credits on existing titles; people by name in varied case and accents; roles by label."""
    path = TMP / f"{PREFIX}-credits-{rows}.csv"
    if path.exists():
        return path
    from django.db.models import Count

    from catalog.models import Title
    from people.models import Person, RoleLabel

    rng = random.Random(11)
    titles = list(Title.objects.exclude(slug__startswith=PREFIX).order_by("pk").values_list("slug", flat=True)[:20000])
    # Names that match exactly one person (an ambiguous name is an error, by design).
    unique_keys = (
        Person.objects.values("name_key").annotate(n=Count("pk")).filter(n=1).values_list("name_key", flat=True)
    )
    names = list(Person.objects.filter(name_key__in=unique_keys[:20000]).values_list("name", flat=True)[:20000])
    labels = list(
        RoleLabel.objects.filter(role__slug__in=["actor", "director", "writer", "producer"]).values_list(
            "label", flat=True
        )
    )
    body = []
    for n in range(rows):
        name = rng.choice(names)
        name = name.upper() if n % 3 == 0 else name
        character = f"{PREFIX} {n}"
        body.append([rng.choice(titles), name, "", rng.choice(labels), character, "", "", str(n % 20), ""])
    from people.resources import CreditResource

    _write(path, CreditResource.columns(), body)
    return path


def _write(path, header, body):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(body)


# Cases --------------------------------------------------------------------------------


def import_case(name: str, path: Path) -> dict:
    from catalog.csvio import run_import

    with path.open("rb") as stream:
        started = time.perf_counter()
        report = run_import(name, stream)
        seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"{name} import failed: {[str(p) for p in report.problems[:5]]}")
    return {"rows": report.rows, "seconds": seconds, "note": f"{report.new:,} new, all validated"}


def cleanup():
    from catalog.models import Title
    from people.models import Credit

    Credit.objects.filter(character__startswith=PREFIX).delete()
    for kind in ("episode", "season", None):
        queryset = Title.objects.filter(slug__startswith=PREFIX)
        (queryset.filter(kind=kind) if kind else queryset).delete()


def _insert(cursor, vendor, table, columns, rows, copy=False):
    """``executemany`` (the issue's definition of raw), or ``COPY`` on PostgreSQL (the limit)."""
    if copy:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608 (constant names)


def raw_insert(table: str, columns: list[str], rows: list[tuple], then=None, copy=False) -> float:
    """The same rows through the driver alone, in a transaction rolled back afterwards.
    ``then(cursor, insert)`` adds the rows of other tables that need the new ids."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:

            def insert(*args):
                _insert(cursor, connection.vendor, *args, copy=copy)

            insert(table, columns, rows)
            if then:
                then(cursor, insert)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def raw_titles_case(path: Path, copy=False) -> dict:
    """Title rows (as films: no parents), their two official names, countries, languages,
    genres and ratings: the rows the import writes, through the driver."""
    from django.utils import timezone

    from catalog.models import Genre

    now = timezone.now()
    with path.open(encoding="utf-8", newline="") as stream:
        cells = list(csv.DictReader(stream))
    rows = [
        (
            r["slug"],
            "film",
            r["original_title"] or r["slug"],
            int(r["year"]) if r["year"] else None,
            int(r["runtime_minutes"]) if r["runtime_minutes"] else None,
            r["synopsis_en"],
            r["synopsis_fr"],
            r["original_title"].lower(),
            r["original_title"].lower(),
            now,
            now,
            1,
        )
        for r in cells
    ]
    columns = [
        "slug",
        "kind",
        "original_title",
        "year",
        "runtime_minutes",
        "synopsis_en",
        "synopsis_fr",
        "sort_title",
        "search_text",
        "created",
        "updated",
        "version",
    ]
    genres = dict(Genre.objects.values_list("slug", "pk"))

    def related(cursor, insert):
        cursor.execute("SELECT slug, id FROM catalog_title WHERE slug LIKE %s", [f"{PREFIX}-%"])
        ids = dict(cursor.fetchall())
        names, countries, languages, kinds, ratings = [], [], [], [], []
        for r in cells:
            pk = ids[r["slug"]]
            names += [(pk, lang, "official", r[f"title_{lang}"]) for lang in ("en", "fr") if r[f"title_{lang}"]]
            countries += [(pk, code) for code in r["countries"].split("|") if code]
            languages += [(pk, code) for code in r["languages"].split("|") if code]
            kinds += [(pk, genres[slug]) for slug in r["genres"].split("|") if slug in genres]
            ratings += [(pk, *item.split(":", 1)) for item in r["ratings"].split("|") if item]
        insert("catalog_localizedtitle", ["title_id", "language_id", "kind", "text"], names)
        insert("catalog_title_countries", ["title_id", "country_id"], countries)
        insert("catalog_title_languages", ["title_id", "language_id"], languages)
        insert("catalog_title_genres", ["title_id", "genre_id"], kinds)
        insert("catalog_contentrating", ["title_id", "system", "value"], ratings)

    seconds = raw_insert("catalog_title", columns, rows, related, copy=copy)
    how = "COPY" if copy else "executemany"
    return {"rows": len(rows), "seconds": seconds, "note": f"{how}: the same rows and links, as films (no parents)"}


def raw_credits_case(path: Path, copy=False) -> dict:
    from catalog.models import Title
    from catalog.text import normalize
    from people.models import Person, RoleLabel

    with path.open(encoding="utf-8", newline="") as stream:
        cells = list(csv.DictReader(stream))
    titles = dict(Title.objects.filter(slug__in={r["title"] for r in cells}).values_list("slug", "pk"))
    people = dict(Person.objects.values_list("name", "pk").filter(name__in={r["person"] for r in cells}))
    roles = dict(RoleLabel.objects.values_list("label", "role_id"))
    fallback = next(iter(people.values()))
    rows = [
        (
            titles[r["title"]],
            people.get(r["person"], fallback),
            roles[r["role"]],
            r["character"],
            "",
            "",
            int(r["order"]),
            1,
            normalize(r["character"]),
        )
        for r in cells
    ]
    columns = [
        "title_id",
        "person_id",
        "role_id",
        "character",
        "credited_as",
        "character_full_name",
        '"order"',
        "version",
        "character_key",
    ]
    seconds = raw_insert("people_credit", columns, rows, copy=copy)
    return {"rows": len(rows), "seconds": seconds, "note": f"{'COPY' if copy else 'executemany'}, ids already resolved"}


EXPORT_SQL = """
SELECT t.slug, p.slug, o.slug, r.name_en, c.character, c.credited_as, c."order", c.character_full_name
FROM people_credit c
JOIN catalog_title t ON t.id = c.title_id
LEFT JOIN people_person p ON p.id = c.person_id
LEFT JOIN people_organization o ON o.id = c.organization_id
JOIN people_role r ON r.id = c.role_id
ORDER BY c.id
"""


def raw_export_case() -> dict:
    from django.db import connection

    started = time.perf_counter()
    rows = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY ({EXPORT_SQL}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    rows += bytes(block).count(b"\n")
        else:
            sink = csv.writer(io.StringIO(), lineterminator="\r\n")
            cursor.execute(EXPORT_SQL)
            while batch := cursor.fetchmany(5000):
                sink.writerows(batch)
                rows += len(batch)
    return {"rows": rows, "seconds": time.perf_counter() - started, "note": "one SQL query (no affiliations)"}


def exported_lines(resource, queryset=None) -> tuple[int, float]:
    """Data lines and seconds of the export as ``export_csv`` writes it (``export_pieces``: COPY
    on PostgreSQL when the database renders every cell), the text counted and dropped."""
    from catalog.csvio import export_pieces

    lines = 0
    started = time.perf_counter()
    for piece in export_pieces(resource, queryset):
        lines += piece.count("\r\n")
    return lines - 1, time.perf_counter() - started


def export_case() -> dict:
    from catalog.csvio import get_resource

    rows, seconds = exported_lines(get_resource("credits")())
    return {"rows": rows, "seconds": seconds, "note": "streamed, with affiliations"}


# Export of every resource: Affiche, raw, COPY ------------------------------------------------
#
# Per resource, in its own processes: ``export:NAME`` (what ``export_csv NAME`` writes),
# ``export_raw:NAME`` (the same query of the export's plain columns, in the same key order, read
# with a plain cursor and written by ``csv.writer``) and on PostgreSQL ``export_copy:NAME`` (that
# query through ``COPY … TO STDOUT``). Raw and COPY leave out the columns kept in other tables
# (names, countries, affiliations…), which the export reads with one more query per chunk.


def export_cases() -> list[str]:
    from catalog.csvio import resource_names

    return [f"{kind}:{name}" for name in resource_names() for kind in ("export_raw", "export_copy", "export")]


def _plain_query(name: str):
    """The SQL and parameters of the export's values query (its plain columns, key order)."""
    from catalog.csvio import get_resource, value_paths

    resource = get_resource(name)()
    paths = value_paths(resource.export_plan())
    queryset = resource.get_export_queryset().prefetch_related(None).values_list(*paths)
    return queryset.query.sql_with_params()


def export_resource_case(name: str) -> dict:
    from catalog.csvio import get_resource

    rows, seconds = exported_lines(get_resource(name)())
    return {"rows": rows, "seconds": seconds, "note": "streamed, every column"}


def raw_export_resource_case(name: str) -> dict:
    from django.db import connection, transaction

    sql, params = _plain_query(name)
    rows = 0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        sink = csv.writer(io.StringIO(), lineterminator="\r\n")
        if connection.vendor == "postgresql":
            # A server-side cursor, as the export's.
            cursor = connection.connection.cursor(name="rawexport")
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            sink.writerows(batch)
            rows += len(batch)
    return {"rows": rows, "seconds": time.perf_counter() - started, "note": "one query, plain columns"}


def copy_export_case(name: str) -> dict:
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"rows": 0, "seconds": 0, "note": "PostgreSQL only"}
    sql, params = _plain_query(name)
    rows = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        query = connection.ops.compose_sql(sql, params)
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                rows += bytes(block).count(b"\n")
    return {"rows": rows, "seconds": time.perf_counter() - started, "note": "COPY, plain columns"}


def run_export_case(case: str) -> dict:
    kind, name = case.split(":")
    return {"export": export_resource_case, "export_raw": raw_export_resource_case, "export_copy": copy_export_case}[
        kind
    ](name)


def export_record(db: str, case: str, result: dict) -> dict:
    kind, name = case.split(":")
    label = {"export": f"{name} export", "export_raw": f"{name} raw select", "export_copy": f"{name} COPY"}[kind]
    return {"db": db, "group": "csv export", "name": label, "case": case, **result}


def export_shares(by_case: dict):
    """Each resource's export beside its raw read and its COPY."""
    for case, record in by_case.items():
        if not case.startswith("export:"):
            continue
        name = case.split(":")[1]
        for other, key in (("export_raw", "share_of_raw"), ("export_copy", "share_of_copy")):
            base = by_case.get(f"{other}:{name}")
            if base and base["rows_per_s"]:
                record[key] = round(record["rows_per_s"] / base["rows_per_s"], 2)


# The peer: stock django-import-export ----------------------------------------------------


def stock_resources():
    """``ModelResource`` classes for titles and credits as django-import-export documents them
    (natural keys through ``ForeignKeyWidget(field=…)`` / ``ManyToManyWidget``, ``use_bulk``),
    over the same columns where a model field holds them (localized names, ratings and
    affiliations live in other tables: a stock resource has no column for them)."""
    from import_export import fields, resources, widgets

    from catalog.models import Country, Genre, Language, Title
    from people.models import Credit, Person, Role

    class StockTitleResource(resources.ModelResource):
        parent = fields.Field("parent", "parent", widgets.ForeignKeyWidget(Title, "slug"))
        original_language = fields.Field(
            "original_language", "original_language", widgets.ForeignKeyWidget(Language, "code")
        )
        countries = fields.Field("countries", "countries", widgets.ManyToManyWidget(Country, "|", "code"))
        languages = fields.Field("languages", "languages", widgets.ManyToManyWidget(Language, "|", "code"))
        genres = fields.Field("genres", "genres", widgets.ManyToManyWidget(Genre, "|", "slug"))

        class Meta:
            model = Title
            use_bulk = True
            batch_size = 1000
            import_id_fields = ("slug",)
            fields = (
                "slug",
                "kind",
                "parent",
                "number",
                "original_title",
                "original_language",
                "year",
                "countries",
                "languages",
                "runtime_minutes",
                "episode_count",
                "genres",
                "synopsis_en",
                "synopsis_fr",
            )

    class StockCreditResource(resources.ModelResource):
        title = fields.Field("title", "title", widgets.ForeignKeyWidget(Title, "slug"))
        person = fields.Field("person", "person", widgets.ForeignKeyWidget(Person, "name__iexact"))
        role = fields.Field("role", "role", widgets.ForeignKeyWidget(Role, "labels__label"))

        class Meta:
            model = Credit
            use_bulk = True
            batch_size = 1000
            import_id_fields = ("title", "person", "role", "character")
            fields = ("title", "person", "role", "character", "credited_as", "order", "character_full_name")

    class StockCreditExportResource(StockCreditResource):
        person = fields.Field("person", "person", widgets.ForeignKeyWidget(Person, "slug"))

    return {"titles": StockTitleResource, "credits": StockCreditResource, "credits_export": StockCreditExportResource}


def peer_file(path: Path) -> Path:
    """The first PEER_ROWS rows of a bench file."""
    peer = path.with_name(path.stem + f"-peer{PEER_ROWS}.csv")
    if not peer.exists():
        with path.open(encoding="utf-8", newline="") as source, peer.open("w", encoding="utf-8", newline="") as out:
            out.writelines(itertools.islice(source, PEER_ROWS + 1))
    return peer


def stock_import_case(name: str, path: Path) -> dict:
    import tablib

    resource = stock_resources()[name]()
    with path.open(encoding="utf-8", newline="") as stream:
        dataset = tablib.Dataset().load(stream.read(), format="csv")
    started = time.perf_counter()
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False)
    seconds = time.perf_counter() - started
    totals = result.totals
    errors = len(result.row_errors()) + len(result.invalid_rows)
    note = f"stock ModelResource, use_bulk: {totals.get('new', 0):,} new, {errors:,} rows refused"
    return {"rows": len(dataset), "seconds": seconds, "note": note}


def peer_queryset(name: str):
    """The PEER_ROWS rows the peer exports: the first titles, the first credits."""
    from catalog.models import Title
    from people.models import Credit

    model = Title if name == "titles" else Credit
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True)[:PEER_ROWS])
    return model, pks


def stock_export_case(name: str) -> dict:
    model, pks = peer_queryset(name)
    resource = stock_resources()["credits_export" if name == "credits" else name]()
    started = time.perf_counter()
    text = resource.export(model.objects.filter(pk__in=pks).order_by("pk")).csv
    seconds = time.perf_counter() - started
    return {"rows": text.count("\n") - 1, "seconds": seconds, "note": "stock ModelResource.export().csv"}


def export_peer_case(name: str) -> dict:
    """Affiche's export of the same rows as the peer's."""
    from catalog.csvio import get_resource

    _model, pks = peer_queryset(name)
    resource = get_resource(name)()
    started = time.perf_counter()
    rows, _seconds = exported_lines(resource, resource.get_export_queryset().filter(pk__in=pks))
    return {"rows": rows, "seconds": time.perf_counter() - started, "note": "the peer's rows"}


def run_case(case: str, rows: int) -> dict:
    if ":" in case:
        return run_export_case(case)
    if case in ("raw_titles", "copy_titles"):
        return raw_titles_case(titles_file(rows), copy=case == "copy_titles")
    if case in ("raw_credits", "copy_credits"):
        return raw_credits_case(credits_file(rows), copy=case == "copy_credits")
    if case == "stock_import_titles":
        return stock_import_case("titles", peer_file(titles_file(rows)))
    if case == "stock_import_credits":
        return stock_import_case("credits", peer_file(credits_file(rows)))
    if case in ("stock_export_titles", "stock_export_credits"):
        return stock_export_case(case.removeprefix("stock_export_"))
    if case in ("export_titles_peer", "export_credits_peer"):
        return export_peer_case(case.removeprefix("export_").removesuffix("_peer"))
    if case == "import_titles":
        return import_case("titles", titles_file(rows))
    if case == "cleanup":
        cleanup()
        return {}
    if case == "import_credits":
        return import_case("credits", credits_file(rows))
    if case == "raw_export":
        return raw_export_case()
    if case == "export_credits":
        return export_case()
    raise SystemExit(f"unknown case {case}")


LABELS = {
    "raw_titles": ("import", "raw titles executemany"),
    "copy_titles": ("import", "raw titles COPY"),
    "import_titles": ("import", "titles import"),
    "stock_import_titles": ("import", "titles import, stock import-export"),
    "raw_credits": ("import", "raw credits executemany"),
    "copy_credits": ("import", "raw credits COPY"),
    "import_credits": ("import", "credits import"),
    "stock_import_credits": ("import", "credits import, stock import-export"),
    "raw_export": ("export", "raw credits select"),
    "export_credits": ("export", "credits export"),
    "export_titles_peer": ("export", f"titles export ({PEER_ROWS:,})"),
    "stock_export_titles": ("export", f"titles export ({PEER_ROWS:,}), stock import-export"),
    "export_credits_peer": ("export", f"credits export ({PEER_ROWS:,})"),
    "stock_export_credits": ("export", f"credits export ({PEER_ROWS:,}), stock import-export"),
}
#: Each case's share of raw: raw is ``executemany`` for imports (issue 17's definition).
RAW_OF = {
    "import_titles": "raw_titles",
    "copy_titles": "raw_titles",
    "stock_import_titles": "raw_titles",
    "import_credits": "raw_credits",
    "copy_credits": "raw_credits",
    "stock_import_credits": "raw_credits",
    "export_credits": "raw_export",
}
#: Affiche beside the stock peer: "Affiche ≥ 10× the stock figure".
PEER_OF = {
    "import_titles": "stock_import_titles",
    "import_credits": "stock_import_credits",
    "export_titles_peer": "stock_export_titles",
    "export_credits_peer": "stock_export_credits",
}


def main():
    args = arguments(
        __doc__.splitlines()[0],
        rows=(int, 100_000, "rows per import file"),
        case=(str, "", "one case"),
        only=(str, "", "comma-separated prefixes: run those cases again, keep the other records of --out"),
    )
    setup_django(args.db_url)
    if args.case:
        result = run_case(args.case, args.rows)
        result["peak_mb"] = round(peak_rss_mb(), 1)
        print(json.dumps(result))
        return
    cleanup()  # what an interrupted run may have left
    for stale in TMP.glob(f"{PREFIX}-*.csv"):
        stale.unlink()
    db = database_label(args.db_url)
    records = []
    prefixes = tuple(p for p in args.only.split(",") if p)
    if prefixes:
        records = [r for r in json.loads(args.out.read_text()) if not r["case"].startswith(prefixes)]
    for case in CASES + export_cases():
        if case in POSTGRES_ONLY and db != "postgres":
            continue
        if prefixes and not case.startswith(prefixes):
            continue
        command = [
            sys.executable,
            __file__,
            "--db-url",
            args.db_url,
            "--out",
            str(args.out),
            "--case",
            case,
            "--rows",
            str(args.rows),
        ]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        if case == "cleanup" or (case.startswith("export_copy:") and not result["rows"]):
            continue
        if ":" in case:
            records.append(
                {
                    **export_record(db, case, result),
                    "seconds": round(result["seconds"], 2),
                    "rows_per_s": round(result["rows"] / max(result["seconds"], 1e-9)),
                }
            )
            continue
        group, name = LABELS[case]
        records.append(
            {
                "db": db,
                "group": f"csv {group}",
                "name": name,
                "case": case,
                **result,
                "seconds": round(result["seconds"], 2),
                "rows_per_s": round(result["rows"] / result["seconds"]),
            }
        )
    by_case = {r["case"]: r for r in records}
    for case, raw in RAW_OF.items():
        if case in by_case:
            by_case[case]["share_of_raw"] = round(by_case[case]["rows_per_s"] / by_case[raw]["rows_per_s"], 2)
    for case, stock in PEER_OF.items():
        if case not in by_case or stock not in by_case:
            continue
        by_case[case]["times_stock"] = round(by_case[case]["rows_per_s"] / by_case[stock]["rows_per_s"], 1)
    export_shares(by_case)
    for path in TMP.glob(f"{PREFIX}-*.csv"):
        path.unlink()
    print(f"-- CSV on {db}")
    print_table(records, COLUMNS)
    write(args.out, records)


if __name__ == "__main__":
    main()
