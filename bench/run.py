"""``make bench``: builds (or reuses) the reference catalogue on SQLite and on PostgreSQL, runs
every benchmark script against each, prints one combined table and rewrites
docs/performance.md from the results.

Each script follows one contract: ``bench/<name>.py --db-url URL --out
bench/results/<name>-<sqlite|postgres>.json``; it prints its own table and writes a JSON list
of records (``db``, ``group``, ``name`` and its figures). A script that is not there yet is
skipped with a note.

``--scale 0.1`` builds a tenth of the reference size (quick runs while developing; the
databases are rebuilt whenever the recorded seed or sizes differ).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
DOC = ROOT / "docs" / "performance.md"
PYTHON = sys.executable

SEED = 1
REFERENCE = {"titles": 100_000, "people": 100_000, "credits": 1_000_000, "screenings": 200_000, "offers": 300_000}
SCRIPTS = ["pages", "admin_changelists", "grid", "csv_bench", "load"]
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://affiche:affiche@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "affiche_bench")


def manage(db_url: str, *command: str, measure: bool = False) -> dict:
    """Runs ``manage.py command`` on ``db_url``; with ``measure``, returns its wall time and
    peak memory (from the kernel's accounting of the child process)."""
    env = {**os.environ, "DATABASE_URL": db_url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    child = subprocess.Popen([PYTHON, "manage.py", *command], cwd=ROOT, env=env)
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"manage.py {' '.join(command)} failed on {db_url}")
    return {"seconds": round(time.monotonic() - started, 1), "rss_mb": round(usage.ru_maxrss / 1024, 1)}


def build(label: str, db_url: str, sizes: dict, reset) -> list[dict]:
    """Migrates; (re)builds the catalogue unless the recorded seed and sizes match."""
    meta_file = DATA / f"reference-{label}.json"
    wanted = {"seed": SEED, **sizes}
    recorded = json.loads(meta_file.read_text()) if meta_file.exists() else None
    if recorded and recorded.get("catalogue") == wanted and recorded.get("db_url") == db_url:
        print(f"== {label}: reusing the reference catalogue ({meta_file.relative_to(ROOT)})", flush=True)
        manage(db_url, "migrate", "--noinput", "-v0")
        return recorded["build"]
    print(f"== {label}: building the reference catalogue {wanted}", flush=True)
    meta_file.unlink(missing_ok=True)
    reset()
    records = [{"db": label, "group": "build", "name": "migrate", **manage(db_url, "migrate", "--noinput", "-v0")}]
    records.append({"db": label, "group": "build", "name": "load_demo", **manage(db_url, "load_demo", measure=True)})
    options = [f"--{name}={value}" for name, value in sizes.items()]
    generated = manage(db_url, "generate_catalog", f"--seed={SEED}", *options, measure=True)
    records.append({"db": label, "group": "build", "name": "generate_catalog", **generated})
    meta_file.write_text(json.dumps({"catalogue": wanted, "db_url": db_url, "build": records}, indent=1))
    return records


def sqlite_database(sizes: dict) -> tuple[str, list[dict]]:
    path = DATA / "reference.sqlite3"

    def reset():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    url = f"sqlite:///{path}"
    return url, build("sqlite", url, sizes, reset)


def postgres_database(sizes: dict) -> tuple[str, list[dict]] | None:
    if subprocess.run(["bash", ".ci/postgres.sh"], cwd=ROOT).returncode != 0:
        print("!! No PostgreSQL server could be started: PostgreSQL figures are SKIPPED.", flush=True)
        return None
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"

    def reset():
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{PG_DB}"')

    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://")):
            pass
    except Exception:
        (DATA / "reference-postgres.json").unlink(missing_ok=True)
    return url, build("postgres", url, sizes, reset)


def run_scripts(label: str, db_url: str) -> list[dict]:
    records = []
    for name in SCRIPTS:
        script = BENCH / f"{name}.py"
        if not script.exists():
            print(f"-- {name}: bench/{name}.py is not there yet, skipped", flush=True)
            continue
        out = RESULTS / f"{name}-{label}.json"
        out.unlink(missing_ok=True)
        print(f"-- {name} on {label}", flush=True)
        started = time.monotonic()
        result = subprocess.run([PYTHON, str(script), "--db-url", db_url, "--out", str(out)], cwd=ROOT)
        if result.returncode != 0 or not out.exists():
            print(f"!! {name} failed on {label} (exit {result.returncode})", flush=True)
            continue
        records += json.loads(out.read_text())
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    return records


# The combined table and docs/performance.md ------------------------------------------------------


def side_by_side(records: list[dict], group: str, keys: list[str]) -> tuple[list[str], list[list[str]]]:
    """One row per name, each database's ``keys`` beside each other."""
    databases = sorted({r["db"] for r in records if r["group"] == group}, key=lambda d: d != "sqlite")
    names = list(dict.fromkeys(r["name"] for r in records if r["group"] == group))
    index = {(r["db"], r["name"]): r for r in records if r["group"] == group}
    head = [group] + [f"{db} {key}" for db in databases for key in keys]
    rows = [
        [name] + [str(index.get((db, name), {}).get(key, "")) for db in databases for key in keys] for name in names
    ]
    return head, rows


def text_table(head, rows) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def markdown_table(head, rows) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


PAGE_KEYS = ["median_ms", "p95_ms", "queries"]
LOAD_KEYS = ["rps", "p50_ms", "p99_ms"]
CSV_KEYS = ["rows", "rows_per_s", "share_of_raw", "share_of_copy", "times_stock", "peak_mb"]


def tables(records: list[dict]) -> list[tuple[str, list[str], list[list[str]]]]:
    out = []
    for group, keys in [
        ("public", PAGE_KEYS),
        ("admin", PAGE_KEYS),
        ("load", LOAD_KEYS),
        ("build", ["seconds", "rss_mb"]),
        ("csv import", CSV_KEYS),
        ("csv export", CSV_KEYS),
    ]:
        head, rows = side_by_side(records, group, keys)
        if rows:
            out.append((group, head, rows))
    known = {"public", "admin", "load", "build", "memory", "csv import", "csv export"}
    for group in dict.fromkeys(r["group"] for r in records if r["group"] not in known):
        keys = [
            k
            for k in dict.fromkeys(k for r in records if r["group"] == group for k in r)
            if k not in ("db", "group", "name")
        ]
        head, rows = side_by_side(records, group, keys[:4])
        out.append((group, head, rows))
    head, rows = side_by_side(records, "memory", ["rss_mb"])
    if rows:
        out.append(("memory", head, rows))
    return out


def slowest_queries(records: list[dict], limit: int = 8) -> list[dict]:
    pages = [r for r in records if r["group"] in ("public", "admin") and r.get("slowest_query")]
    return sorted(pages, key=lambda r: -r["slowest_query_ms"])[:limit]


def write_doc(records: list[dict], sizes: dict, elapsed: float):
    from performance_doc import render

    DOC.write_text(render(records, sizes, tables(records), slowest_queries(records), markdown_table, elapsed))
    print(f"\nWrote {DOC.relative_to(ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the reference size (default 1)")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="one database only")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument(
        "--from-results",
        action="store_true",
        help="measure nothing: print the tables and rewrite docs/performance.md from bench/results/ "
        "(after running one script again, e.g. bench/pages.py, on each database)",
    )
    parser.add_argument("--minutes", type=float, default=0.0, help="with --from-results: how long the run took")
    options = parser.parse_args()
    if options.from_results:
        from_results(options.minutes * 60)
        return
    started = time.monotonic()
    sizes = {name: max(int(value * options.scale), 1) for name, value in REFERENCE.items()}
    DATA.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    records = []
    targets = []
    if options.only != "postgres":
        targets.append(("sqlite", *sqlite_database(sizes)))
    if options.only != "sqlite":
        postgres = postgres_database(sizes)
        if postgres:
            targets.append(("postgres", *postgres))
    for label, url, build_records in targets:
        records += build_records
        records += run_scripts(label, url)
    elapsed = time.monotonic() - started
    print("\n== All figures (milliseconds of server time; queries per request)")
    for _group, head, rows in tables(records):
        print()
        print(text_table(head, rows))
    print(f"\nmake bench took {elapsed / 60:.1f} min")
    (RESULTS / "all.json").write_text(json.dumps(records, indent=1, ensure_ascii=False))
    if not options.no_doc and options.scale == 1.0 and shutil.which("true"):
        write_doc(records, sizes, elapsed)


def from_results(elapsed: float):
    """The tables and docs/performance.md from the last results of each script and build."""
    records = []
    for label in ("sqlite", "postgres"):
        meta = DATA / f"reference-{label}.json"
        if meta.exists():
            records += json.loads(meta.read_text())["build"]
        for name in SCRIPTS:
            out = RESULTS / f"{name}-{label}.json"
            if out.exists():
                records += json.loads(out.read_text())
    for _group, head, rows in tables(records):
        print()
        print(text_table(head, rows))
    (RESULTS / "all.json").write_text(json.dumps(records, indent=1, ensure_ascii=False))
    write_doc(records, REFERENCE, elapsed)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    main()
