"""``{% audit_details entry %}``: the values before → after and the path of a History entry
(catalog.audit), below Django's own sentence on the History page."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from catalog import audit

register = template.Library()


def _translated(text: str) -> str:
    """Labels and choices are stored untranslated (as Django stores its own labels)."""
    translated = _(text)
    if translated == text and text[:1].isupper():
        lowered = _(text[:1].lower() + text[1:])
        if lowered != text[:1].lower() + text[1:]:
            return lowered[:1].upper() + lowered[1:]
    return translated


def _rows(rows):
    shown = []
    for label, before, after, *choice in rows:
        if choice and choice[0]:
            before, after = _(before) if before else before, _(after) if after else after
        shown.append((_translated(label), before, after))
    return shown


def via_text(where: dict) -> str:
    kind, name = where.get("kind", ""), where.get("name", "")
    if where.get("source"):
        return _("A copy of “%(source)s”, by the action “%(name)s”.") % {"source": where["source"], "name": _(name)}
    if kind == "action":
        return _("By the action “%(name)s”.") % {"name": _(name)}
    if kind == "import":
        return _("By the CSV import of %(name)s.") % {"name": name}
    if kind == "deletion":
        return _("When %(name)s was deleted.") % {"name": name}
    if kind == "merge":
        return _("By the merge of “%(removed)s” (%(slug)s) into “%(kept)s”.") % {
            "removed": where.get("removed", name),
            "slug": where.get("removed_slug", ""),
            "kept": where.get("kept", ""),
        }
    if kind == "inline":
        return _("On the page of %(name)s.") % {"name": name}
    if where.get("title"):
        return _("By %(name)s on “%(title)s”.") % {"name": _(name), "title": where["title"]}
    return _("By %(name)s.") % {"name": _(name)}


def report_url(where: dict) -> str:
    """The report of every change of the import that wrote the entry (``catalog.audit.ImportAudit``)."""
    if where.get("kind") != "import" or not where.get("run") or not where.get("url_name"):
        return ""
    try:
        return reverse(where["url_name"], args=[where["run"]])
    except NoReverseMatch:
        return ""


def import_url(where: dict) -> str:
    """The page of that import (its own History entry is on it)."""
    if where.get("kind") != "import" or not where.get("run"):
        return ""
    try:
        return reverse("admin:catalog_importrun_change", args=[where["run"]])
    except NoReverseMatch:
        return ""


@register.inclusion_tag("admin/includes/audit_details.html")
def audit_details(entry):
    found = audit.details(entry)
    if found is None:
        return {"details": None}
    return {
        "details": found,
        "values": _rows(found.values),
        "related": [(_translated(name), obj, _rows(rows)) for name, obj, rows in found.related],
        "via_text": via_text(found.via) if found.via else "",
        "report_url": report_url(found.via) if found.via else "",
        "import_url": import_url(found.via) if found.via else "",
    }
