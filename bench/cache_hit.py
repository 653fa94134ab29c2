"""The server's cost of a page served from the shared page cache, in-process: Django's WSGI
handler called directly (no HTTP server, no load generator), so that a loaded machine disturbs
it least. The trivial view without the cache is measured in the same run, in segments
interleaved with the hits; each figure is the least CPU time per request over the segments
(and the median beside it). Also counts the Redis commands a hit sends.

Not part of ``make bench``: run it by hand when the page cache changes, e.g.
``bench/cache_hit.py --db-url sqlite:////path --out /tmp/hit.json``."""

import io
import os
import statistics
import sys
import time

import common

args = common.arguments(
    __doc__,
    requests=(int, 300, "requests per segment"),
    segments=(int, 15, "segments per page, interleaved"),
    redis_url=(str, "redis://127.0.0.1:6379/15", "Redis for the page cache (a database of its own: flushed)"),
)
os.environ.update({"REDIS_URL": args.redis_url, "PAGE_CACHE": "1"})
common.setup_django(args.db_url)

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db.models import Count  # noqa: E402

from catalog.enums import TitleKind  # noqa: E402
from catalog.models import Title  # noqa: E402
from screenings.models import Edition  # noqa: E402

application = get_wsgi_application()


def request(path: str) -> bytes:
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    return b"".join(application(environ, lambda status, headers, exc_info=None: None))


def redis_commands_per_hit(path: str) -> int:
    sent = []
    execute = redis.Redis.execute_command
    redis.Redis.execute_command = lambda client, *a, **k: sent.append(a[0]) or execute(client, *a, **k)
    try:
        request(path)
    finally:
        redis.Redis.execute_command = execute
    return len(sent)


def main():
    film = Title.objects.filter(kind=TitleKind.FILM).annotate(n=Count("credits")).order_by("-n", "pk").first()
    edition = Edition.objects.annotate(n=Count("screenings")).order_by("-n", "pk").first()
    pages = [
        ("trivial view, no page cache", "/bench/trivial/", False),
        ("title page, from the cache", film.get_absolute_url(), True),
        ("festival schedule, from the cache", edition.get_absolute_url(), True),
    ]
    redis.Redis.from_url(args.redis_url).flushdb()
    cpu, wall = {name: [] for name, *_ in pages}, {name: [] for name, *_ in pages}
    for _name, path, _cached in pages:
        request(path)
        request(path)
    for _ in range(args.segments):
        for name, path, cached in pages:
            settings.PAGE_CACHE = cached
            started, used = time.perf_counter(), time.process_time()
            for _ in range(args.requests):
                request(path)
            wall[name].append((time.perf_counter() - started) / args.requests * 1e6)
            cpu[name].append((time.process_time() - used) / args.requests * 1e6)
    label = common.database_label(args.db_url)
    records = []
    for name, path, cached in pages:
        settings.PAGE_CACHE = cached
        records.append({
            "db": label, "group": "cache hit", "name": name, "url": path, "bytes": len(request(path)),
            "cpu_us": round(min(cpu[name])), "cpu_median_us": round(statistics.median(cpu[name])),
            "wall_us": round(min(wall[name])), "wall_median_us": round(statistics.median(wall[name])),
            "redis_commands": redis_commands_per_hit(path) if cached else 0,
        })  # fmt: skip
    base = records[0]["cpu_us"]
    for record in records:
        record["ratio"] = round(record["cpu_us"] / base, 2)
    print(f"\nServer time per request in-process on {label}, {args.segments} × {args.requests} requests")
    common.print_table(
        records,
        [("name", "page"), ("bytes", "bytes"), ("cpu_us", "CPU µs"), ("cpu_median_us", "median"),
         ("ratio", "× trivial"), ("wall_us", "wall µs"), ("wall_median_us", "median"),
         ("redis_commands", "Redis commands")],
    )  # fmt: skip
    common.write(args.out, records)


if __name__ == "__main__":
    main()
