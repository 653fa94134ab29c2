from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from . import hooks
        from .roles import setup_roles_after_migrate

        hooks.register()  # the catalogue's own CSV resource, demo, generator and roles
        from . import pagecache

        pagecache.install()  # every write to public content files the cached pages away
        from .textsearch import ensure_index

        # The staff groups follow catalog.roles after every migrate (and every test flush).
        post_migrate.connect(setup_roles_after_migrate, dispatch_uid="catalog.setup_roles")

        # SQLite drops triggers when a migration rebuilds a table: put the search index back.
        post_migrate.connect(ensure_index, sender=self, dispatch_uid="catalog_text_search_index")
        # The same for the triggers that keep Title.top_level (catalog.toplevel).
        from .toplevel import ensure_triggers

        post_migrate.connect(ensure_triggers, sender=self, dispatch_uid="catalog_title_top_level")
