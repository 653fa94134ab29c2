from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StreamingConfig(AppConfig):
    name = "streaming"
    verbose_name = _("Streaming")

    def ready(self):
        from . import hooks

        hooks.register()  # its parts of the catalogue's pages, title list and admin, CSV, demo and roles
