from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningsConfig(AppConfig):
    name = "screenings"
    verbose_name = _("Screenings")

    def ready(self):
        from . import hooks

        hooks.register()  # its parts of the catalogue's pages, title list, CSV, demo and roles
