"""Test helpers the apps share for pages built from catalog.extensions sections."""

from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured)


def section_queries(client, url: str, registry, name: str) -> int:
    """The queries that the section ``name`` of ``registry`` adds to the page at ``url``: the page
    with that section alone minus the page with no section (each app asserts its own cost, not
    the page's total, so a new section elsewhere changes no other app's test)."""
    client.get(url)  # warm-up: caches (content types, the site's languages) filled once
    with registry.override():
        bare = count_queries(client, url)
    with registry.override(registry[name]):
        alone = count_queries(client, url)
    return alone - bare


def export(name: str) -> str:
    """The CSV export of resource ``name``, as ``export_csv`` writes it."""
    from .csvio import export_pieces, get_resource

    return "".join(export_pieces(get_resource(name)()))


def csv_of(header: str, *rows: str, delimiter=",") -> str:
    """A CSV file's text from its header and rows (CRLF line ends, as exports write them)."""
    return "\r\n".join([header.replace(",", delimiter), *rows]) + "\r\n"


class _FormParser(HTMLParser):
    """Collects what a browser submits from one ``<form>`` (HTML's "constructing the entry list")."""

    SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # > 0 inside the wanted form
        self.done = False
        self.entries: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            wanted = attrs.get("id") == self.form_id if self.form_id else not self.done
            if self.depth or wanted:
                self.depth += 1
            return
        if not self.depth:
            return
        disabled = "disabled" in attrs
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            name = attrs.get("name")
            if not name or disabled or kind in self.SKIPPED_INPUTS:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.entries.append((name, attrs.get("value") or "on"))
                return
            self.entries.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self.select = {"name": attrs.get("name"), "multiple": "multiple" in attrs, "options": [], "off": disabled}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}
            self.select["options"].append(self.option)
        elif tag == "textarea":
            self.textarea = {"name": attrs.get("name"), "text": "", "off": disabled}

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1
            self.done = self.done or not self.depth
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            select, self.select = self.select, None
            if not select["name"] or select["off"]:
                return
            values = [
                o["text"].strip() if o["value"] is None else o["value"] for o in select["options"] if o["selected"]
            ]
            if not select["multiple"]:
                options = select["options"]
                first = options[:1] and [
                    options[0]["text"].strip() if options[0]["value"] is None else options[0]["value"]
                ]
                values = values[-1:] or first
            self.entries += [(select["name"], value) for value in values]
        elif tag == "textarea" and self.textarea is not None:
            area, self.textarea = self.textarea, None
            if area["name"] and not area["off"]:
                text = area["text"][1:] if area["text"].startswith("\n") else area["text"]
                self.entries.append((area["name"], text.replace("\r\n", "\n")))

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea["text"] += data


def browser_form_data(html: str | bytes, form_id: str | None = None, submit: tuple[str, str] | None = None) -> dict:
    """What a browser posts from the form ``form_id`` (the first form when None) of ``html``,
    untouched: inputs with their ``value``, checked boxes, the selected options of each select
    (the first option of a single select when none is), textareas, nothing disabled. Read from
    the rendered page, not from the form object, so a widget that renders a wrong value is
    posted back wrong, as a person would. ``{name: [values]}``, as ``Client.post`` takes it."""
    if isinstance(html, bytes):
        html = html.decode()
    parser = _FormParser(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.entries:
        data.setdefault(name, []).append(value)
    if submit:
        data[submit[0]] = [submit[1]]
    return data


def url_patterns(resolver=None, prefix="", namespace=""):
    """(route, name) of every public URL pattern of the URL conf, the admin and static files
    aside: new pages are found without editing a list."""
    from django.urls import URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else pattern.namespace or namespace
            )
            yield from url_patterns(pattern, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name


def public_urls(client, extra_kwargs=(), skip=("set_language",)) -> dict[str, str]:
    """One working address per named public URL pattern: patterns without parameters as they
    are; the others filled with the parameters of a record's own page (the first record of each
    model with ``get_absolute_url``) or with ``extra_kwargs``, keeping the first that answers 200.
    A pattern that nothing fills is missing from the result (tests assert there is none)."""
    from django.apps import apps
    from django.urls import NoReverseMatch, resolve, reverse

    candidates = [*extra_kwargs]
    for model in apps.get_models():
        if hasattr(model, "get_absolute_url") and (obj := model._default_manager.order_by("pk").first()):
            try:
                candidates.append(resolve(obj.get_absolute_url()).kwargs)
            except Exception:  # noqa: S112 - a model whose page is not public
                continue
    found = {}
    for _route, name in url_patterns():
        if name in skip:
            continue
        for kwargs in [{}, *candidates]:
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            if client.get(url).status_code == 200:
                found[name] = url
                break
    return found


@contextmanager
def sqlite_file_database(folder):
    """On SQLite, the test database copied into a file for the duration of the block, so that
    threads meet the settings' real locking (WAL, IMMEDIATE transactions, busy timeout): the
    in-memory test database shares one cache between connections, where a second writer is
    refused at once ("database table is locked") instead of waiting. Use it in a
    ``transaction=True`` test; the in-memory database is back (unchanged) after the block."""
    import sqlite3

    memory = connection.connection or (connection.ensure_connection() or connection.connection)
    path = Path(folder) / "db.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    connection.connection = None  # the next query opens the file; `memory` keeps the original open
    try:
        yield path
    finally:
        connection.close()
        settings_dict["NAME"] = name
        connection.connection = memory
