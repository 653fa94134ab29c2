"""The base app's extension points: how the other apps plug into the catalogue.

``catalog`` imports none of the other apps. Where a catalogue page, the title admin, the CSV
commands, the demo, the synthetic catalogue or the staff roles need another app's part, that app
registers it here from its ``AppConfig.ready()`` — the way ``django.contrib.admin`` discovers
``admin.py``::

    from catalog import extensions

    class PeopleConfig(AppConfig):
        def ready(self):
            from . import hooks  # registers its parts; see people/hooks.py

Every registry keeps its entries sorted by ``order`` (then by name), so the order of
``INSTALLED_APPS`` never matters. Registering the same name twice replaces the first entry (a
module imported twice registers once). docs/architecture.md maps who registers what.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):  # noqa: UP046 - a plain Generic reads fine next to the dataclasses
    """Named entries with an ``order``; iterating gives them in order."""

    def __init__(self, description: str):
        self.description = description
        self._entries: dict[str, T] = {}

    def register(self, entry: T) -> T:
        self._entries[entry.name] = entry
        return entry

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._entries.values(), key=lambda e: (e.order, e.name)))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __getitem__(self, name: str) -> T:
        return self._entries[name]

    def names(self) -> list[str]:
        return [entry.name for entry in self]

    @contextmanager
    def override(self, *entries: T):
        """Only ``entries`` are registered inside the block (tests: a page without the other
        apps' sections, or with one of them)."""
        saved = self._entries
        self._entries = {entry.name: entry for entry in entries}
        try:
            yield self
        finally:
            self._entries = saved


# --- Public pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A block another app adds to a catalogue page (title page, home, search results).

    ``context(request, **page)`` returns the block's own template variables (``page`` holds what
    the page already has: ``title`` and ``children`` on the title page, ``q`` on the search page);
    the block renders ``template`` with them. ``jsonld(request, title, data)`` (title page only)
    returns keys merged into the work's schema.org JSON-LD, from the same ``data``: nothing is
    read twice and nothing is stored on model instances. ``queries`` is the most queries
    ``context`` runs, whatever the size of the catalogue (each app's tests assert it).
    ``slot`` says where on the page the block goes (see the page's template)."""

    name: str
    template: str
    context: Callable[..., dict]
    order: int = 50
    queries: int = 0
    slot: str = "main"
    jsonld: Callable[..., dict] | None = None


@dataclass
class RenderedSection:
    """A section with its data for one request; ``{% section s %}`` renders it."""

    section: Section
    data: dict

    @property
    def template(self) -> str:
        return self.section.template


title_sections: Registry[Section] = Registry("blocks of the title page")
home_sections: Registry[Section] = Registry("blocks of the home page")
search_sections: Registry[Section] = Registry("groups of results on the search page")


def build_sections(registry: Registry[Section], request, **page) -> dict[str, list[RenderedSection]]:
    """Every section of ``registry`` with its data, grouped by slot."""
    slots: dict[str, list[RenderedSection]] = {}
    for section in registry:
        slots.setdefault(section.slot, []).append(RenderedSection(section, section.context(request, **page)))
    return slots


@dataclass(frozen=True)
class TitleFilter:
    """A filter another app adds to the title list (``/titles/?platform=…``): ``build()``
    returns a fresh django-filter ``Filter``."""

    name: str
    build: Callable[[], Any]
    order: int = 50


title_filters: Registry[TitleFilter] = Registry("filters of the title list")


@dataclass(frozen=True)
class TitleDistinction:
    """Tells apart titles a list shows under one name ("Yvette Chauviré" twice):
    ``describe(titles)`` returns {title pk: short text}, e.g. "Choreography: Michel Fokine", for
    the titles given, in at most one query (``catalog.distinctions``)."""

    name: str
    describe: Callable[[list], dict[int, str]]
    order: int = 100


title_distinctions: Registry[TitleDistinction] = Registry("what tells apart titles of one name in a list")


@dataclass(frozen=True)
class PublicPage:
    """A list page of another app that the sitemap names (a URL name)."""

    name: str
    order: int = 50


public_pages: Registry[PublicPage] = Registry("list pages in the sitemap")


# --- The title admin ----------------------------------------------------------------------


@dataclass(frozen=True)
class TitleAdminPart:
    """What another app adds to the title's admin: inlines, actions and links in the change
    page's tools (``link(title)`` returns a URL, or "" to hide it; ``permission(request)`` says
    who sees the actions and the link)."""

    name: str
    inlines: tuple = ()
    actions: tuple = ()
    link_label: str = ""
    link: Callable[[Any], str] | None = None
    permission: Callable[[Any], bool] | None = None
    order: int = 50

    def allows(self, request) -> bool:
        return self.permission is None or self.permission(request)


title_admin_parts: Registry[TitleAdminPart] = Registry("inlines, actions and tools of the title admin")


# --- Data: CSV, demo, synthetic catalogue, roles -------------------------------------------


@dataclass(frozen=True)
class CsvResource:
    """A CSV resource (SPEC §6): its name in commands and file names, and its class.
    ``order`` is the import order of ``import_all`` and ``export_all`` (dependencies first)."""

    name: str
    resource: type
    order: int = 50


csv_resources: Registry[CsvResource] = Registry("CSV resources, in import order")


@dataclass(frozen=True)
class DataStep:
    """One app's part of ``load_demo`` or ``generate_catalog``, run in ``order``. A generator's
    ``sizes`` are its command-line options with their reference sizes (``--credits 1000000``);
    it reads them as ``run.sizes[name]``."""

    name: str
    run: Callable[..., Any]
    order: int = 50
    sizes: dict[str, int] = field(default_factory=dict)


demo_loaders: Registry[DataStep] = Registry("parts of load_demo")
catalogue_generators: Registry[DataStep] = Registry("parts of generate_catalog")


@dataclass(frozen=True)
class RolePermissions:
    """What each staff role may do on one app's models: ``{role: actions}``, actions among
    add, change, delete, view, export (catalog.roles); ``models`` overrides it for some models,
    ``{role: {model name: actions}}`` (a Programmer adds titles but changes none)."""

    name: str  # the app label
    actions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    order: int = 50
    models: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


role_permissions: Registry[RolePermissions] = Registry("staff roles' permissions per app")


# --- Shorthands for an app's hooks.py ------------------------------------------------------


def section(registry: Registry[Section], template: str, *, name: str = "", **options):
    """Registers the decorated function as the ``context`` of a section of ``registry``::

    @extensions.section(extensions.home_sections, "people/includes/x.html", slot="aside", queries=2)
    def people(request): ...
    """

    def decorate(context):
        registry.register(Section(name or context.__name__, template, context, **options))
        return context

    return decorate


def register_data(
    app_label: str, *, order: int, csv=(), demo=None, generate=None, sizes=None, roles=None, model_roles=None
):
    """One app's data parts at once: its CSV resources (``[(name, Resource), …]``, imported in
    this order), its demo loader, its generator with its reference ``sizes``, ``{role:
    actions}`` and, for models that differ, ``model_roles`` ``{role: {model name: actions}}``.
    ``order`` places the app among the others (dependencies first)."""
    for position, (name, resource) in enumerate(csv):
        csv_resources.register(CsvResource(name, resource, order=order + position))
    if demo is not None:
        demo_loaders.register(DataStep(app_label, demo, order=order))
    if generate is not None:
        catalogue_generators.register(DataStep(app_label, generate, order=order, sizes=sizes or {}))
    if roles is not None:
        role_permissions.register(RolePermissions(app_label, roles, order=order, models=model_roles or {}))


# --- The shared cache of public pages (catalog.pagecache) ----------------------------------


@dataclass(frozen=True)
class ClockBoundary:
    """When the public pages change by themselves: ``next_change(now)`` returns the earliest
    moment after ``now`` at which something an app shows appears, moves or goes (a scheduled
    record is announced, an upcoming screening ends), or None. A cached page is kept until the
    earliest of every app's answer (and the next local midnight, for what counts in days)."""

    name: str
    next_change: Callable[[Any], Any]
    order: int = 50


clock_boundaries: Registry[ClockBoundary] = Registry("moments when public pages change without a write")


@dataclass(frozen=True)
class PrivateData:
    """Models (``"app_label.ModelName"``) that no public page shows: a write to their tables
    leaves the cached pages as they are. Every other table counts as public content."""

    name: str
    models: tuple[str, ...] = ()
    order: int = 50


private_data: Registry[PrivateData] = Registry("models no public page shows")


# --- Tables that keep the top-level work of their title (catalog.toplevel) -----------------------


@dataclass(frozen=True)
class WorkColumn:
    """A table (``name``) that stores, beside its link to a title (``title_column``), that title's
    top-level work (``work_column``: the series of an episode, the title itself otherwise), so
    that "the works with such rows" is one index probe per work instead of one per level.
    catalog.toplevel keeps it with database triggers, as it keeps ``Title.top_level``: on every
    write to the table and every move of a title. ``migration`` (app label, name) adds the column
    and calls ``catalog.toplevel.install_work_column``; the triggers are put back after every
    ``migrate`` once it is applied."""

    name: str
    migration: tuple[str, str]
    title_column: str = "title_id"
    work_column: str = "work_id"
    order: int = 50


work_columns: Registry[WorkColumn] = Registry("tables that keep the top-level work of their title")


# --- Text indexes of other apps' columns (catalog.textsearch) ------------------------------------

#: ``catalog.textsearch.TextIndex`` entries: a substring index on another app's column, put back
#: after every ``migrate`` once its migration is applied.
text_indexes: Registry = Registry("substring indexes of other apps' columns")
