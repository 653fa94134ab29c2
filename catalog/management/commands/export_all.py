from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.backup import MEDIA, export_images
from catalog.csvcommands import export_file
from catalog.csvio import resource_names


class Command(BaseCommand):
    help = (
        "Export every resource as DIR/<resource>.csv, in dependency order (SPEC §6), and the images "
        "(their files and records) into DIR/media/."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        for name in resource_names():
            with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as stream:
                export_file(self, name, stream)
            self.stdout.write(f"{name}: {folder / f'{name}.csv'}")
        count = export_images(folder)
        self.stdout.write(f"images: {count} in {folder / MEDIA}")
