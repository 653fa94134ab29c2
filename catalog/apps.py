from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from .roles import setup_roles_after_migrate

        # The staff groups follow catalog.roles after every migrate (and every test flush).
        post_migrate.connect(setup_roles_after_migrate, dispatch_uid="catalog.setup_roles")
