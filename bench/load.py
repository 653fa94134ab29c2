"""Throughput under load: gunicorn (2 sync workers, one per core) on loopback, driven by a
bounded load generator for a fixed time per page. The generator is wrk (Debian's package,
installed by this script when it can be) or, failing that, a small Python generator with the
same bounds; the records say which.

Each page is measured without a cache, then with the shared page cache (catalog.pagecache) on
a Redis server (.ci/redis.sh) with 1 and with 2 workers: the figures docs/deployment.md
projects from. With the cache on, the trivial view is served from it too: a hit of a 2-byte
page, the cost of a hit whatever the page's size. ``--redis-url ""`` skips the cached runs."""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import common

args = common.arguments(
    __doc__,
    seconds=(int, 10, "load duration per page"),
    connections=(int, 4, "concurrent connections"),
    workers=(int, 2, "gunicorn workers"),
    redis_url=(str, "redis://127.0.0.1:6379/15", "Redis for the cached runs (a database of its own: flushed)"),
)
common.setup_django(args.db_url)

from django.db.models import Count  # noqa: E402

from catalog.enums import TitleKind  # noqa: E402
from catalog.models import Title  # noqa: E402
from screenings.models import Edition  # noqa: E402


def ensure_wrk() -> str | None:
    if shutil.which("wrk"):
        return shutil.which("wrk")
    as_root = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if as_root is None or not shutil.which("apt-get"):
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    if subprocess.run([*as_root, "apt-get", "install", "-y", "-qq", "wrk"], **quiet).returncode != 0:
        subprocess.run([*as_root, "apt-get", "update", "-qq"], **quiet)
        subprocess.run([*as_root, "apt-get", "install", "-y", "-qq", "wrk"], **quiet)
    return shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, redis_url: str = "") -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": args.db_url, "DJANGO_SETTINGS_MODULE": "bench_settings", "CONN_MAX_AGE": "60"}
    env["REDIS_URL"] = redis_url
    env["PAGE_CACHE"] = "1" if redis_url else "0"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--pythonpath", str(common.BENCH), "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--access-logfile", "-", "--log-level", "warning"],
        cwd=common.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def worker_peak_rss_mb(server: subprocess.Popen) -> float:
    """The highest peak resident memory (VmHWM) among the gunicorn workers."""
    peak = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{server.pid}$", text, re.M):
            hwm = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            peak = max(peak, int(hwm.group(1)) / 1024 if hwm else 0)
    return round(peak, 1)


def run_wrk(wrk: str, url: str) -> dict:
    out = subprocess.run(
        [wrk, "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def ms(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": ms("50"),
        "p90_ms": ms("90"),
        "p99_ms": ms("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def run_python(url: str) -> dict:
    """``connections`` threads, each sending requests back to back for ``seconds``."""
    latencies, errors, deadline = [], [0], time.monotonic() + args.seconds

    def client():
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - http://127.0.0.1 only
                    response.read()
            except OSError:
                errors[0] += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    q = statistics.quantiles(latencies, n=100)
    return {
        "rps": round(len(latencies) / args.seconds, 1),
        "p50_ms": round(q[49], 2),
        "p90_ms": round(q[89], 2),
        "p99_ms": round(q[98], 2),
        "errors": errors[0],
    }


def redis_ready() -> bool:
    """Starts the local Redis (.ci/redis.sh) and empties the bench's own database in it."""
    if not args.redis_url:
        return False
    if subprocess.run(["bash", ".ci/redis.sh"], cwd=common.ROOT, stdout=subprocess.DEVNULL).returncode != 0:
        print("!! No Redis server could be started: the cached figures are SKIPPED.")
        return False
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    return True


def measure(label, pages, generator, wrk, workers, redis_url="") -> tuple[list[dict], float]:
    """Every page under load on one gunicorn; the records and the workers' peak memory."""
    port = free_port()
    server = start_gunicorn(port, workers, redis_url)
    records = []
    cache = "cached" if redis_url else "uncached"
    try:
        for name, path in pages:
            url = f"http://127.0.0.1:{port}{path}"
            urllib.request.urlopen(url).read()  # warm both workers' caches
            urllib.request.urlopen(url).read()
            figures = run_wrk(wrk, url) if wrk else run_python(url)
            row_name = name if not redis_url else f"{name}, page cache, {workers} worker{'s' * (workers > 1)}"
            records.append({"db": label, "group": "load", "name": row_name, "url": path, "generator": generator,
                            "workers": workers, "connections": args.connections, "seconds": args.seconds,
                            "cache": cache, **figures})  # fmt: skip
        rss = worker_peak_rss_mb(server)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return records, rss


def main():
    label = common.database_label(args.db_url)
    film = Title.objects.filter(kind=TitleKind.FILM).annotate(n=Count("credits")).order_by("-n", "pk").first()
    edition = Edition.objects.annotate(n=Count("screenings")).order_by("-n", "pk").first()
    pages = [
        ("trivial view", "/bench/trivial/"),
        ("title page", film.get_absolute_url().replace("/en/", "/en/", 1)),
        ("festival schedule", edition.get_absolute_url()),
    ]
    wrk = ensure_wrk()
    generator = "wrk" if wrk else "python threads"
    records, rss = measure(label, pages, generator, wrk, args.workers)
    memory = [{"db": label, "group": "memory", "name": "gunicorn worker peak RSS", "rss_mb": rss}]
    if redis_ready():
        for workers in sorted({1, args.workers}):
            cached, cached_rss = measure(label, pages, generator, wrk, workers, args.redis_url)
            records += cached
            name = f"gunicorn worker peak RSS, page cache, {workers} worker{'s' * (workers > 1)}"
            memory.append({"db": label, "group": "memory", "name": name, "rss_mb": cached_rss})
    print(f"\nUnder load on {label}: gunicorn, {generator}, {args.connections} connections, {args.seconds} s per page")
    common.print_table(
        records,
        [("name", "page"), ("rps", "req/s"), ("p50_ms", "p50 ms"), ("p90_ms", "p90 ms"), ("p99_ms", "p99 ms"),
         ("errors", "errors")],
    )  # fmt: skip
    for row in memory:
        print(f"peak memory of a gunicorn worker ({row['name']}): {row['rss_mb']:.0f} MB")
    common.write(args.out, records + memory)


if __name__ == "__main__":
    main()
