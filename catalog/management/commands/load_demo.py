from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

#: Each app adds its part of the reference documents, in dependency order.
DEMO_APPS = ["catalog", "people", "screenings", "streaming"]


class Command(BaseCommand):
    help = "Load the four reference documents as real records (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for app in DEMO_APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
