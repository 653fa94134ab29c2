import time
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from catalog.generate import Run

#: Each app adds its part of the synthetic catalogue (``<app>/generate.py``), in dependency order.
GENERATE_APPS = ["catalog", "people", "screenings", "streaming"]

#: The reference size that ``make bench`` measures (docs/performance.md).
REFERENCE = {"titles": 100_000, "people": 100_000, "credits": 1_000_000, "screenings": 200_000, "offers": 300_000}


class Command(BaseCommand):
    help = (
        "Add a deterministic synthetic catalogue to the database (after the demo, never replacing it). "
        "Defaults to the reference size of the benchmark."
    )

    def add_arguments(self, parser):
        for name, default in REFERENCE.items():
            parser.add_argument(f"--{name}", type=int, default=default, help=f"default {default:,}")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same catalogue")

    def handle(self, *args, **options):
        run = Run(**{name: options[name] for name in [*REFERENCE, "seed"]}, stdout=self.stdout)
        started = time.monotonic()
        # One transaction: a failed run leaves nothing half-generated.
        with transaction.atomic():
            for app in GENERATE_APPS:
                part = time.monotonic()
                import_module(f"{app}.generate").generate(run)
                self.stdout.write(f"{app}: {time.monotonic() - part:.1f} s")
        # Fresh planner statistics for the new rows, as after any bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Catalogue generated in {time.monotonic() - started:.1f} s."))
