import sys

from django.core.management.base import BaseCommand

from catalog.csvcommands import EXPORT_FILTERS, export_file
from catalog.csvio import resource_names


class Command(BaseCommand):
    help = "Export one resource as CSV, streamed (SPEC §6)."

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=resource_names())
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--delimiter", choices=[",", ";"], default=",")
        for option, help_text in EXPORT_FILTERS.items():
            parser.add_argument(f"--{option}", metavar="SLUG", help=help_text)

    def handle(self, resource, output, delimiter, **options):
        filters = {option: options.get(option) for option in EXPORT_FILTERS}
        if output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                export_file(self, resource, stream, delimiter, **filters)
        else:
            sys.stdout.reconfigure(newline="")
            export_file(self, resource, sys.stdout, delimiter, **filters)
