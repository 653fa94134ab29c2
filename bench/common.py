"""What every benchmark script shares: the command line (``--db-url URL --out FILE``), Django
set-up against that database, timing of a page, the printed table and the JSON records."""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def arguments(description: str, **extra) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db-url", required=True, help="sqlite:////path or postgres://…")
    parser.add_argument("--out", required=True, type=Path, help="JSON list of records")
    for name, (kind, default, text) in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=default, help=text)
    return parser.parse_args()


def setup_django(db_url: str):
    """Django on ``db_url`` with the benchmark settings (DEBUG off, the trivial view added)."""
    for path in (str(ROOT), str(BENCH)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import django

    django.setup()


def database_label(db_url: str) -> str:
    return "postgres" if db_url.startswith("postgres") else "sqlite"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_page(client, url: str, repeat: int) -> dict:
    """Median and 95th percentile of ``repeat`` requests (after two warm-ups), then one more
    request with the queries captured: their number and the slowest one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default={"time": "0", "sql": ""})
    return {
        "url": url,
        "status": response.status_code,
        "bytes": len(response.content) if hasattr(response, "content") else 0,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "queries": len(captured.captured_queries),
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 2),
        "slowest_query": " ".join(slowest["sql"].split())[:300],
    }


def progress(record: dict):
    """One line as soon as a page is measured (the table comes at the end)."""
    print(f"  {record['name']}: {record['median_ms']} ms, {record['queries']} queries", file=sys.stderr, flush=True)


def add_ratios(records: list[dict], baseline: str = "trivial view"):
    """``ratio``: each median over the trivial view's median in the same run."""
    base = next((r["median_ms"] for r in records if r["name"] == baseline), None)
    for record in records:
        if base and "median_ms" in record:
            record["ratio"] = round(record["median_ms"] / base, 1)


def print_table(records: list[dict], columns: list[tuple[str, str]]):
    widths = [max(len(head), *(len(str(r.get(key, ""))) for r in records)) for key, head in columns]
    widths = [min(w, 60) for w in widths]
    print("  ".join(head.ljust(w) for (_k, head), w in zip(columns, widths, strict=True)))
    for record in records:
        cells = [str(record.get(key, ""))[:60].ljust(w) for (key, _h), w in zip(columns, widths, strict=True)]
        print("  ".join(cells))
    sys.stdout.flush()


PAGE_COLUMNS = [
    ("group", "group"),
    ("name", "page"),
    ("median_ms", "median ms"),
    ("p95_ms", "p95 ms"),
    ("ratio", "× trivial"),
    ("queries", "queries"),
    ("slowest_query_ms", "slowest q ms"),
    ("status", "status"),
]


def write(out: Path, records: list[dict]):
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(records, indent=1, ensure_ascii=False))
