from django.core.management.base import BaseCommand

from catalog.roles import setup_roles


class Command(BaseCommand):
    help = "Create or correct the staff groups Editor, Programmer and Viewer (safe to run again)."

    def handle(self, *args, **options):
        for role, count in setup_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
