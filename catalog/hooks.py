"""The catalogue's own entries in its extension points (catalog.extensions), registered from
``CatalogConfig.ready()`` like every other app's: the titles CSV resource, its part of the
demo and of the synthetic catalogue, and what each role may do with titles."""

from . import extensions
from .roles import ALL_ACTIONS, EDITOR, PROGRAMMER, READ, VIEWER


def register():
    from . import demo, generate
    from .resources import TitleResource

    extensions.csv_resources.register(extensions.CsvResource("titles", TitleResource, order=10))
    extensions.demo_loaders.register(extensions.DataStep("catalog", demo.load, order=10))
    extensions.catalogue_generators.register(
        extensions.DataStep("catalog", generate.generate, order=10, sizes={"titles": 100_000})
    )
    extensions.role_permissions.register(
        extensions.RolePermissions("catalog", {EDITOR: ALL_ACTIONS, PROGRAMMER: READ, VIEWER: READ}, order=10)
    )
