from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and organisations")

    def ready(self):
        from . import hooks

        hooks.register()  # its parts of the catalogue's pages, admin, CSV, demo and roles
