"""The catalogue's own entries in its extension points (catalog.extensions), registered from
``CatalogConfig.ready()`` like every other app's: the titles CSV resource, its part of the
demo and of the synthetic catalogue, and what each role may do with titles."""

from . import extensions
from .roles import ADD, ALL_ACTIONS, EDITOR, PROGRAMMER, READ, VIEWER

#: What each staff role may do with this app's records (catalog.roles).
ROLES = {EDITOR: ALL_ACTIONS, PROGRAMMER: READ, VIEWER: READ}
#: A Programmer adds the titles they programme (with the parts of the title's add page), and
#: changes no existing one.
MODEL_ROLES = {
    PROGRAMMER: dict.fromkeys(
        ["title", "localizedtitle", "contentrating", "externalid", "titleimage", "titlestatement"], ADD
    )
}


def register():
    from . import demo, generate
    from .resources import TitleResource

    csv = [("titles", TitleResource)]
    parts = {"demo": demo.load, "generate": generate.generate, "sizes": {"titles": 100_000}}
    extensions.register_data("catalog", order=10, csv=csv, roles=ROLES, model_roles=MODEL_ROLES, **parts)
