"""The text of docs/performance.md, rewritten by ``bench/run.py`` from the latest results."""

import datetime
import platform

TARGETS = """\
| what | target |
|---|---|
| public pages | median < 50 ms, 95th percentile < 150 ms (server time); search < 100 ms |
| admin changelists | < 200 ms: first page, deep page, search, filter |
| query counts | the same at demo size and reference size (tests assert them) |
| memory | no request and no command above 300 MB |
| CSV | import ≥ 0.8× raw `executemany` (titles, people, organisations, credits; ≥ 0.5× screenings, offers) with full validation; export ≥ 0.8× raw; Affiche ≥ 10× stock django-import-export (issue 17) |"""

HOW = """\
## How it is measured

`make bench` runs `bench/run.py`:

1. It builds the reference catalogue once per database — `migrate`, `load_demo`, then
   `python manage.py generate_catalog --seed 1` (100,000 titles, 100,000 people, 1,000,000
   credits, 200,000 screenings, 300,000 offers) — on SQLite in `bench/.data/reference.sqlite3`
   and on PostgreSQL in the database `affiche_bench` (started by `.ci/postgres.sh`). It reuses
   them on the next run when the recorded seed and sizes match (`bench/.data/*.json`).
2. It runs each script in `bench/` against each database, with one contract:
   `bench/<name>.py --db-url URL --out bench/results/<name>-<sqlite|postgres>.json`.
   - `pages.py`: every public page type, in-process through the whole Django stack
     (`django.test.Client`: URL resolution, middleware, view, template) with `DEBUG` off;
     20 timed requests after 2 warm-ups, median and 95th percentile; one more request with
     the queries captured gives the query count and the slowest query.
   - `admin_changelists.py`: titles, credits, screenings, offers as a superuser.
   - `csv_bench.py` (the CSV issue): import and export beside raw inserts and reads.
   - `load.py`: gunicorn with 2 sync workers (one per core) on loopback, driven for 10 s per
     page with 4 connections by `wrk` (Debian's package, installed by the script when it can
     be; otherwise a small Python generator with the same bounds; the table says which).
3. A trivial view (`/bench/trivial/`, no query, no template) is measured in the same run:
   "× trivial" reads a figure as a ratio that holds when the machine's speed drifts.

The machine is shared: figures taken while other work runs on its two cores are slower than
on a quiet machine; the ratios and the query counts are the stable part."""

DESIGN = """\
## What makes it fast

- **Bounded pagination on public lists** (`catalog/pagination.py`): titles, people and
  screenings show at most 100 pages. The count reads at most 2,401 primary keys
  (`COUNT(*)` over a `LIMIT`ed subquery), the deepest `OFFSET` is 2,376 rows whatever the
  catalogue's size, and the heading says "More than 2400 titles" when the list is longer.
  `?page=` keeps working: a page beyond the bound of a longer list redirects (302) to the
  last page shown (an old link, a hand-edited URL); an unknown page of a short list is a 404
  as before. Keyset pagination was the alternative; it would have broken `?page=N` links
  and the "Page 3 of 40" markup for little gain once the offset is bounded.
- **Admin changelists** (`AdminPaginator`): an exact count up to 100,000 rows, then the
  database's estimate of the table's size (PostgreSQL's `reltuples`, SQLite's highest rowid)
  for an unfiltered list, in the same single query; a deep page reads `pk IN (the page's
  keys)` so that the offset skips index entries, not joined rows. Credits are listed newest
  first (`-pk`): their model order needs two joins and a sort of every credit.
- **Indexes**, each commented in the model or migration with the query it serves: partial
  indexes on top-level works for the list's orders (`title_top_sort`, `title_top_recent`,
  `title_top_year`), `title_parent_number` made partial so that `parent IS NULL` reads
  them, `screening_start` (screenings in time order), `offer_from_id` (offers admin).
- **Search**: titles are searched in the normalised `search_text` with the same substring
  semantics as before, through PostgreSQL's trigram GIN index (`pg_trgm`, which the role
  that owns the database can create on PostgreSQL 13+) and SQLite's FTS5 table with the
  trigram tokenizer, kept in sync by triggers (`catalog/textsearch.py`, `catalog/migrations/0006`).
- **Names**: people and organisations are searched in `name_key` on the record or an alias as
  two `IN` sets, each read through a trigram GIN index on PostgreSQL (`people/migrations/0006`);
  an `OR` with a correlated `EXISTS` read every person. The credit, screening and offer admin
  searches go through the same name and title searches (`IN` on indexed keys) instead of a
  `LIKE` over a million joined rows; character names are no longer searched in the credits admin.
- **Upcoming screenings**: an index on `ends_at` (`screening_end`); without it, "ends after now,
  soonest first" walked every past screening in time order. The title page reads the ids of
  its screenings first, so PostgreSQL fetches those instead of walking all of them.
- **Queries that use their indexes**: "this title or its seasons or episodes" is one `IN`
  over a `UNION ALL` of index lookups (`catalog.models.title_and_below`), joined to the
  indexed `title_id` of credits, offers and screenings, instead of joins through `parent`, and the title list's platform, availability and screening filters are
  one `EXISTS` per level instead of an `OR` inside one subquery or `IN` lists of every offer.
- **Filter choices**: countries and languages in use are found with `EXISTS` per code
  (about 250 index probes) instead of a `DISTINCT` join over every title.
- **Caching**: none. The benchmark below is the judge: a fragment cache would need
  invalidation on every credit, offer and screening save, and is only worth it for the
  pages that still miss their target (below)."""

KNOWN = """\
### Why the remaining misses miss, and what would fix them

- **Person and organisation pages (bounded since session 5)**: a filmography shows the first
  10 works of each role (`people.rollup.FILMOGRAPHY_FIRST`) with "All N works as …" linking to
  the role's own page (`/people/<slug>/credits/?role=<slug>`, 50 works a page); the (role, work)
  lines are grouped in the database through the stored top-level work (`Title.top_level`), and
  only the credits of the works shown are loaded: 8 queries whatever the number of works,
  seasons or episodes. Measured on a 2,000-title catalogue on a loaded machine, the person with
  363 credits went from 233–246 ms to 117–122 ms (same process, interleaved runs); the reference
  figure is the lead's next `make bench`. The database still reads every credit of the person
  to group them (an index range on `credit_person_role`), but returns one row per work.
- **Series with many seasons, season with many episodes, festival edition and its `.ics`,
  venue, platform** (not bounded yet): they spend their time building and rendering rows in
  Python, not in the database (their slowest query is a few milliseconds). The design to
  follow is the filmography's: the first N (seasons, episodes, one festival day, upcoming
  screenings, offers) and a paginated page for the rest.
- **Title list filtered by platform, "available now" or upcoming screenings**: each offer
  stores the top-level work of its title (`Offer.work`, kept by database triggers on every
  write path, `catalog/toplevel.py`), and the list probes each work once with a `LIMIT 1`
  scalar subquery (PostgreSQL made an `EXISTS` a hash semi-join over every matching row).
  On PostgreSQL the title list still spends about 100 ms in each of its two choice queries
  (countries and languages used by a published title): it needs a stored "public" flag or a
  maintained table of used codes.
- **Admin offers search** (about 260 ms): the search goes through the title search and then
  reads the offers of every matching work. The screenings and offers changelists used to
  take 350–500 ms on SQLite because Django's `date_hierarchy` runs `SELECT DISTINCT year`
  over every row; the admin now lists the years from an indexed `MIN`/`MAX`
  (`catalog/templatetags/affiche_admin.py`, `templates/admin/change_list.html`), and their
  first page, deep page and filter take 60–90 ms.
- **Home, venue, screening list, film and episode pages on PostgreSQL** (60–160 ms): not
  analysed query by query in this issue; each runs 9–32 small queries, so round trips
  (about 1–2 ms each on this loaded machine) are a good part of it.
- **CSV import of credits** (a tenth of raw on SQLite, 7 % on PostgreSQL) and **titles on
  PostgreSQL** (9 %): the import resolves every natural key of a chunk in one query per
  column and writes with `bulk_create`, but each row still becomes a Django model instance
  that runs `clean_fields`/`clean` and goes through the ORM's insert compiler; the raw
  figure is the driver alone with ids already resolved (`COPY` on PostgreSQL is an order of
  magnitude faster than any row-by-row path). Titles on SQLite reach a quarter of raw.
  Closing the gap means writing validated rows through the driver (`executemany`/`COPY`)
  instead of `bulk_create`, which the engine's `write` step is shaped to allow.
- **CSV export**: the database renders the cells (`csvio.export_query`: texts, numbers,
  dates, local times, the formula guard and the related columns joined from one grouped
  query each), `COPY` writes the file on PostgreSQL when it renders them all and SQLite's rows
  go to csv.writer as they come (docs/csv.md). What still falls short of 0.8: on PostgreSQL,
  against `COPY` of the plain columns, the joins and sorts of the related columns and the
  local times (credits 0.66, offers 0.41, titles and people lower); on SQLite, the titles'
  seven joined columns, people's two, and screenings' wall times in the venue's zone, which
  Python renders.
"""

SCALING = """\
## Scaling past one machine

- **PostgreSQL first.** SQLite serves one machine well (WAL lets readers go on while one
  writer works), but every figure above was also measured on PostgreSQL, and production
  runs there (`DATABASE_URL=postgres://…`). Run `ANALYZE` after bulk loads
  (`generate_catalog` and CSV imports of many rows do); keep `pg_trgm` (text search) and
  `btree_gist` (no overlapping screenings in a room) installed.
- **Application servers are stateless**: gunicorn workers share nothing but the database, the
  cache and the media storage, so more machines behind a load balancer add throughput in
  proportion (the load figures give the rate of one 2-core machine). Set `CONN_MAX_AGE`
  (60 s by default when `DEBUG=0`) or put PgBouncer in front of PostgreSQL when the number
  of workers grows.
- **Read replicas**: every public page only reads. A database router sending reads of the
  public views to replicas (and the admin, CSV imports and anything after a write to the
  primary) multiplies read capacity; replication lag of a second is acceptable for a
  catalogue, not for the admin page that follows a save, hence the split by view.
- **A shared cache**: sessions and any future fragment cache belong in Redis or Memcached
  shared by all machines (`CACHES` and `SESSION_ENGINE = "django.contrib.sessions.backends.cache"`),
  never in each process's memory, or invalidation on save would reach one machine only.
- **Media storage**: posters, portraits and logos go to an object store (S3-compatible,
  through `django-storages` and `STORAGES["default"]`), served by a CDN; static files are
  already hashed and compressed by WhiteNoise and can sit behind the same CDN.
- **Memory**: requests stay far below 300 MB (see "Memory"); `generate_catalog` streams
  rows in batches of 2,000, so its peak does not grow with the sizes asked for."""


def targets_missed(records: list[dict]) -> list[str]:
    notes = []
    for record in records:
        if record["group"] == "public" and record["name"] != "trivial view" and "median_ms" in record:
            limit = 100 if record["name"].startswith("search") else 50
            if record["median_ms"] > limit or record["p95_ms"] > 150:
                notes.append(
                    f"- {record['db']}: {record['name']} — median {record['median_ms']} ms "
                    f"(target {limit}), p95 {record['p95_ms']} ms (target 150)"
                )
        if record["group"] == "admin" and record.get("median_ms", 0) > 200:
            notes.append(f"- {record['db']}: admin {record['name']} — median {record['median_ms']} ms (target 200)")
        if record["group"] in ("memory", "build") and record.get("rss_mb", 0) > 300:
            notes.append(f"- {record['db']}: {record['name']} — {record['rss_mb']} MB (target 300)")
    return notes


def render(records, sizes, tables, slowest, markdown_table, elapsed) -> str:
    today = datetime.datetime.now(tz=datetime.UTC).date().isoformat()
    parts = [
        "# Performance",
        "",
        "_This file is rewritten by `make bench` (bench/run.py); edit `bench/performance_doc.py`._",
        "",
        (
            f"Measured on {today}, {platform.machine()} with {platform.python_implementation()} "
            f"{platform.python_version()}, a 2-core machine; this `make bench` took {elapsed / 60:.0f} min "
            "(building both catalogues first adds about 15 min: see the build table)."
        ),
        "Reference catalogue: " + ", ".join(f"{value:,} {name}" for name, value in sizes.items()) + ".",
        "",
        "## Targets (issue 8)",
        "",
        TARGETS,
        "",
        "## Figures",
        "",
        "Milliseconds of server time per request; `queries` per request; load: requests per second and latency.",
    ]
    for group, head, rows in tables:
        parts += ["", f"### {group}", "", markdown_table(head, rows)]
    if slowest:
        parts += ["", "### Slowest queries", ""]
        for record in slowest:
            parts.append(
                f"- {record['db']}, {record['name']}: {record['slowest_query_ms']} ms — `{record['slowest_query'][:160]}…`"
            )
    missed = targets_missed(records)
    parts += ["", "## Where the targets are missed", ""]
    parts += missed or ["Nowhere in this run."]
    parts += ["", KNOWN]
    parts += ["", HOW, "", DESIGN, "", SCALING, ""]
    return "\n".join(parts)
