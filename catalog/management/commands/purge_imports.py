from django.core.management.base import BaseCommand

from catalog.enums import ImportState
from catalog.models import PendingImport


class Command(BaseCommand):
    help = (
        "Delete CSV uploads of the admin older than CSV_IMPORT_TTL (24 hours by default): files never "
        "confirmed, and the records of finished imports. An import under way is kept."
    )

    def handle(self, *args, **options):
        deleted, _by_model = PendingImport.objects.expired().exclude(state=ImportState.IMPORTING).delete()
        self.stdout.write(f"{deleted} pending import(s) deleted.")
