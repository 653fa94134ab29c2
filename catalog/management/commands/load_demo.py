from django.core.management.base import BaseCommand
from django.db import transaction

from catalog import extensions


class Command(BaseCommand):
    help = "Load the four reference documents as real records (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            # Each app's part of the documents (catalog.extensions.demo_loaders), dependencies first.
            for step in extensions.demo_loaders:
                step.run(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
