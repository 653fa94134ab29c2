import sys
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalog.csvcommands import import_file
from catalog.csvio import resource_names


class Command(BaseCommand):
    help = "Import a CSV file into one resource, all or nothing (SPEC §6)."

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=resource_names())
        parser.add_argument("file", help="path to the CSV file, or - for standard input")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
        parser.add_argument("--encoding", help="utf-8 or cp1252 (default: detected)")
        parser.add_argument("--delimiter", choices=[",", ";"], help="default: detected from the header")
        parser.add_argument(
            "--user",
            help="the staff account (username) the import is recorded as in the admin History "
            "(an entry for the import with its report, one on each record it writes); none without it",
        )

    def handle(self, resource, file, dry_run, encoding, delimiter, user=None, **options):
        account = None
        if user:
            account = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: user}).first()
            if account is None:
                raise CommandError(f"No such user: {user}")
        settings = {"dry_run": dry_run, "encoding": encoding, "delimiter": delimiter, "user": account}
        if file == "-":
            with tempfile.NamedTemporaryFile(suffix=".csv") as copy:
                copy.write(sys.stdin.buffer.read())
                copy.flush()
                ok = import_file(self, resource, copy.name, file_name="stdin", **settings)
        else:
            if not Path(file).is_file():
                raise CommandError(f"No such file: {file}")
            ok = import_file(self, resource, file, **settings)
        if not ok:
            raise CommandError("The file has problems (listed above); nothing was written.")
