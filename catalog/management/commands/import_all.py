from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalog.backup import MEDIA, import_images
from catalog.csvcommands import import_file
from catalog.csvio import resource_names


class Command(BaseCommand):
    help = (
        "Import DIR/<resource>.csv for every resource present, in dependency order, then the images "
        "of DIR/media/ (as export_all writes them), all or nothing: a problem in any file writes none of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--dry-run", action="store_true", help="validate every file; write nothing")

    def handle(self, directory, dry_run, **options):
        folder = Path(directory)
        if not folder.is_dir():
            raise CommandError(f"No such directory: {directory}")
        files = [(name, folder / f"{name}.csv") for name in resource_names() if (folder / f"{name}.csv").is_file()]
        if not files:
            raise CommandError(f"No <resource>.csv file in {directory} (resources: {', '.join(resource_names())}).")
        failed = []
        with transaction.atomic():
            for name, path in files:
                # Later files name records of earlier ones: they are imported (then undone) even in a dry run.
                if not import_file(self, name, path, undone=dry_run):
                    failed.append(name)
            if not failed:
                count, problems = import_images(folder, dry_run=dry_run)
                for problem in problems:
                    self.stderr.write(f"{MEDIA}/{problem}")
                if problems:
                    failed.append(MEDIA)
                else:
                    self.stdout.write(f"images: {count}")
            if failed or dry_run:
                transaction.set_rollback(True)
        if failed:
            raise CommandError(f"Problems in {', '.join(failed)} (listed above); nothing was written.")
