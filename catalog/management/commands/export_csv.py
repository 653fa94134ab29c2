import sys

from django.core.management.base import BaseCommand

from catalog.csvio import RESOURCES, get_resource, write_csv


class Command(BaseCommand):
    help = "Export one resource as CSV, streamed (SPEC §6)."

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=list(RESOURCES))
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--delimiter", choices=[",", ";"], default=",")

    def handle(self, resource, output, delimiter, **options):
        rows = get_resource(resource)().export_rows()
        if output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                write_csv(rows, stream, delimiter)
        else:
            sys.stdout.reconfigure(newline="")
            write_csv(rows, sys.stdout, delimiter)
