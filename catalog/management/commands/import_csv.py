import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.csvio import RESOURCES, run_import


class Command(BaseCommand):
    help = "Import a CSV file into one resource, all or nothing (SPEC §6)."

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=list(RESOURCES))
        parser.add_argument("file", help="path to the CSV file, or - for standard input")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
        parser.add_argument("--encoding", help="utf-8, utf-8-sig or cp1252 (default: detected)")
        parser.add_argument("--delimiter", choices=[",", ";"], help="default: detected from the header")

    def handle(self, resource, file, dry_run, encoding, delimiter, **options):
        if file == "-":
            data = sys.stdin.buffer.read()
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"No such file: {file}")
            data = path.read_bytes()
        started = time.monotonic()
        report = run_import(resource, data, dry_run=dry_run, encoding=encoding, delimiter=delimiter)
        elapsed = time.monotonic() - started
        for problem in report.problems:
            self.stderr.write(str(problem))
        for name in report.created_related:
            self.stdout.write(f"new: {name}")
        rate = f" in {elapsed:.1f} s ({report.rows / elapsed:,.0f} rows/s)" if elapsed > 0 and report.rows else ""
        self.stdout.write(report.summary() + rate)
        if not report.ok:
            raise CommandError(f"{len(report.problems)} problem(s); nothing was written.")
