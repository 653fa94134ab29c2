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


def next_announcement(now):
    """A scheduled title is announced (its page, the lists, the home page)."""
    from django.db.models import Min

    from .models import Title

    return Title.objects.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"]


def register():
    from . import demo, generate
    from .resources import TitleResource

    csv = [("titles", TitleResource)]
    parts = {"demo": demo.load, "generate": generate.generate, "sizes": {"titles": 100_000}}
    extensions.register_data("catalog", order=10, csv=csv, roles=ROLES, model_roles=MODEL_ROLES, **parts)
    extensions.clock_boundaries.register(extensions.ClockBoundary("catalog", next_announcement))
    extensions.private_data.register(extensions.PrivateData("catalog", ("catalog.PendingImport", "catalog.ImportRun")))
