import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from catalog import extensions
from catalog.generate import Run


def reference_sizes() -> dict[str, int]:
    """The reference size that ``make bench`` measures (docs/performance.md): every generator's
    sizes (catalog.extensions.catalogue_generators), e.g. 100,000 titles, 1,000,000 credits."""
    return {name: size for step in extensions.catalogue_generators for name, size in step.sizes.items()}


class Command(BaseCommand):
    help = (
        "Add a deterministic synthetic catalogue to the database (after the demo, never replacing it). "
        "Defaults to the reference size of the benchmark."
    )

    def add_arguments(self, parser):
        for name, default in reference_sizes().items():
            parser.add_argument(f"--{name}", type=int, default=default, help=f"default {default:,}")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same catalogue")

    def handle(self, *args, **options):
        sizes = {name: options[name] for name in reference_sizes()}
        run = Run(sizes=sizes, seed=options["seed"], stdout=self.stdout)
        started = time.monotonic()
        # One transaction: a failed run leaves nothing half-generated.
        with transaction.atomic():
            # Each app's part (catalog.extensions.catalogue_generators), dependencies first.
            for step in extensions.catalogue_generators:
                part = time.monotonic()
                step.run(run)
                self.stdout.write(f"{step.name}: {time.monotonic() - part:.1f} s")
        # Fresh planner statistics for the new rows, as after any bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Catalogue generated in {time.monotonic() - started:.1f} s."))
