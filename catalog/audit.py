"""The audit trail: every write, by any path, in the admin History of each record it touched,
with who, when, what and the values before → after, in the words of the admin's labels.

One home for the whole project (docs/audit.md). Entries are Django's own
``django.contrib.admin.models.LogEntry`` rows, so the admin's History pages, "Recent actions"
and anything else that reads them keep working. ``change_message`` is the JSON that
``LogEntry.get_change_message`` renders ("Changed Status and Start."), with two keys of ours
that it ignores and our History template (``templates/admin/object_history.html``,
``{% audit_details %}``) shows:

- ``"values"`` inside ``"changed"`` (and beside the record's own ``"added"``/``"deleted"``, which
  Django would read as an inline row's): ``[[label, before, after], …]``, values as a
  person reads them (choice labels, names of related records, dates), never raw ids;
- ``{"via": {…}}``: the path that wrote (an admin action, paste credits, a merge, a batch
  release, a CSV import with the id of its own entry and its report).

Only what a person edits is compared: editable concrete fields and many-to-many fields (not the
primary key, ``version``, ``created``/``updated``, derived keys such as ``name_key`` or
``local_date``, and never the admin form's hidden ``loaded_version``/``loaded_digest``).

Writing: ``record(user, obj, …)`` for one record, ``record_many(user, entries)`` for many in one
``bulk_create`` (actions, paste, batch release, CSV chunks).
"""

import csv
import datetime
import decimal
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

#: Longer values (a synopsis, a biography) are cut in the History; the CSV report keeps them whole.
MAX_SHOWN = 300
#: Model fields never compared, whatever their model (bookkeeping, not content).
SKIPPED = frozenset({"id", "version", "created", "updated"})
CHUNK = 2000

#: (label, before, after), as shown, and True when the values are choices to translate.
Change = tuple


def audited_fields(model) -> list[models.Field]:
    """The fields of ``model`` a person edits: editable concrete ones and many-to-many."""
    concrete = [f for f in model._meta.concrete_fields if f.editable and not f.primary_key and f.name not in SKIPPED]
    return concrete + [f for f in model._meta.many_to_many if f.editable]


def label(model_field) -> str:
    return str(capfirst(model_field.verbose_name))


def _cut(text: str, limit: int | None) -> str:
    if limit and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def show(model_field, value, limit: int | None = MAX_SHOWN) -> str:
    """``value`` of ``model_field`` as the admin would show it ("" for no value)."""
    if value is None or value == "":
        return ""
    if model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M} {value.tzname() or ''}".strip()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return _cut(", ".join(sorted(str(v) for v in value)), limit)
    return _cut(str(value), limit)


def values(obj, fields=None) -> dict[str, object]:
    """The stored values of ``obj`` to compare later: concrete fields by attname (no query),
    many-to-many as the set of primary keys (one query each, only for ``obj`` already saved)."""
    fields = audited_fields(type(obj)) if fields is None else fields
    found = {}
    for f in fields:
        if f.many_to_many:
            found[f.name] = frozenset(getattr(obj, f.name).values_list("pk", flat=True)) if obj.pk else frozenset()
        else:
            found[f.attname] = getattr(obj, f.attname)
    return found


def compare(model, before: dict, after: dict, *, limit: int | None = MAX_SHOWN) -> list[Change]:
    """(label, before, after) for each field whose value differs, related records named
    (one query per changed relation). Labels and choices are stored untranslated, as Django
    stores its own History labels (translated when shown)."""
    with translation.override(None):
        return _compare(model, before, after, limit)


def _compare(model, before, after, limit):
    changes = []
    for f in audited_fields(model):
        key = f.name if f.many_to_many else f.attname
        if key not in before or key not in after or before[key] == after[key]:
            continue
        old, new = before[key], after[key]
        if f.is_relation:
            old, new = _names(f, old), _names(f, new)
        changes.append(_change(f, show(f, old, limit), show(f, new, limit)))
    return changes


def _change(model_field, before: str, after: str) -> Change:
    """A row; a choice or yes/no field's values are marked to be translated when shown."""
    if model_field.choices or isinstance(model_field, models.BooleanField):
        return (label(model_field), before, after, True)
    return (label(model_field), before, after)


def _names(model_field, value):
    """Names of related records from a primary key or a set of them."""
    if value in (None, ""):
        return None
    related = model_field.related_model._base_manager
    if isinstance(value, frozenset | set | list | tuple):
        return [str(r) for r in related.filter(pk__in=value)] if value else None
    found = related.filter(pk=value).first()
    return str(found) if found is not None else str(value)


def initial_values(obj, limit: int | None = MAX_SHOWN) -> list[Change]:
    """(label, "", value) for every field of a new record that holds a value."""
    with translation.override(None):
        return _initial_values(obj, limit)


def _initial_values(obj, limit):
    changes = []
    for f in audited_fields(type(obj)):
        if f.many_to_many:
            value = [str(r) for r in getattr(obj, f.name).all()] if obj.pk else []
        elif f.is_relation:
            value = getattr(obj, f.name) if getattr(obj, f.attname) is not None else None
            value = None if value is None else str(value)
        else:
            value = getattr(obj, f.attname)
        shown = show(f, value, limit)
        if shown:
            changes.append(_change(f, "", shown))
    return changes


# Admin forms, inlines and actions --------------------------------------------------------------


def form_values(form, *, before: bool) -> dict:
    """The values of ``form.instance`` to compare: concrete fields from the instance (no
    query), the form's many-to-many fields from its initial data (``before``, already read by
    the form) or from its cleaned data (after the save)."""
    instance = form.instance
    if before and instance.pk is None:
        return {}
    found = values(instance, [f for f in audited_fields(type(instance)) if not f.many_to_many])
    for f in type(instance)._meta.many_to_many:
        if f.name not in form.fields:
            continue
        chosen = form.initial.get(f.name) if before else form.cleaned_data.get(f.name)
        found[f.name] = frozenset(getattr(o, "pk", o) for o in (chosen or ()))
    return found


def form_message(form, formsets, add: bool, admin_site=None) -> tuple[list[dict], list["Entry"]]:
    """The admin's ``change_message`` for a saved form and its inlines (Django's structure,
    with values), and entries for inline rows that have an admin of their own."""
    obj = form.instance
    parts: list[dict] = []
    if add:
        parts += _record_values({"added": {}}, initial_values(obj))
    else:
        changes = compare(type(obj), form.audit_before, form_values(form, before=False))
        if changes:
            parts.append({"changed": {"fields": [c[0] for c in changes], "values": [list(c) for c in changes]}})
    entries = []
    inline_via = via("inline", str(obj))
    for formset in formsets or ():
        by_instance = {id(f.instance): f for f in formset.forms}
        own_admin = admin_site is not None and admin_site.is_registered(formset.model)
        with translation.override(None):
            name = str(formset.model._meta.verbose_name)
        for added in getattr(formset, "new_objects", ()):
            changes = initial_values(added)
            parts.append({"added": {"name": name, "object": str(added), "values": [list(c) for c in changes]}})
            if own_admin:
                entries.append(Entry(added, ADDITION, changes, inline_via))
        for changed, _fields in getattr(formset, "changed_objects", ()):
            inline_form = by_instance.get(id(changed))
            if inline_form is None or not hasattr(inline_form, "audit_before"):
                continue
            changes = compare(type(changed), inline_form.audit_before, form_values(inline_form, before=False))
            if not changes:
                continue
            parts.append(
                {
                    "changed": {
                        "name": name,
                        "object": str(changed),
                        "fields": [c[0] for c in changes],
                        "values": [list(c) for c in changes],
                    }
                }
            )
            if own_admin:
                entries.append(Entry(changed, CHANGE, changes, inline_via))
        for deleted in getattr(formset, "deleted_objects", ()):
            parts.append({"deleted": {"name": name, "object": str(deleted)}})
    return parts, entries


def snapshot(queryset) -> dict:
    """{pk: values} of the records of ``queryset`` (concrete fields, one query)."""
    model = queryset.model
    names = [f.attname for f in audited_fields(model) if not f.many_to_many]
    pks = list(queryset.order_by().values_list("pk", flat=True))
    found = {}
    for start in range(0, len(pks), CHUNK):
        for row in model._base_manager.filter(pk__in=pks[start : start + CHUNK]).values_list("pk", *names):
            found[row[0]] = dict(zip(names, row[1:], strict=True))
    return found


def record_snapshot_changes(user, model, before: dict, where: dict | None) -> list[LogEntry]:
    """An entry on each record of ``before`` (a ``snapshot``) whose values changed since;
    deleted ones are left to whoever deleted them (Django logs its deletions)."""
    if user is None or not before:
        return []
    names = [f.attname for f in audited_fields(model) if not f.many_to_many]
    entries = []
    pks = list(before)
    for start in range(0, len(pks), CHUNK):
        for obj in model._base_manager.filter(pk__in=pks[start : start + CHUNK]):
            changes = compare(model, before[obj.pk], {name: getattr(obj, name) for name in names})
            if changes:
                entries.append(Entry(obj, CHANGE, changes, where))
    return record_many(user, entries)


# Many records at once (CSV imports, paste, batch release) -------------------------------------


def _named(model):
    """``model``'s records with what their names read (the records they point to, and the
    chain of parents of a title): naming many costs one query, not one per record."""
    paths = []
    for f in model._meta.concrete_fields:
        if not f.many_to_one:
            continue
        if f.related_model is model:
            paths.append(f"{f.name}__{f.name}")
            continue
        paths.append(f.name)
        for g in f.related_model._meta.concrete_fields:
            if g.many_to_one and g.related_model is f.related_model:
                paths.append(f"{f.name}__{g.name}__{g.name}")
    return model._base_manager.select_related(*paths) if paths else model._base_manager.all()


def names_many(model, pks) -> dict:
    """{pk: name} of the records of ``model`` with these primary keys (one query per CHUNK)."""
    pks = sorted({pk for pk in pks if pk not in (None, "")}, key=str)
    found = {}
    for start in range(0, len(pks), CHUNK):
        found.update({obj.pk: str(obj) for obj in _named(model).filter(pk__in=pks[start : start + CHUNK])})
    return found


def changes_many(model, pairs, limit: int | None = MAX_SHOWN) -> list[list[Change]]:
    """The changes of many records of ``model`` at once: for each ``(before, after)`` (dicts by
    attname, concrete fields; ``before`` None for a new record: every field holding a value),
    its (label, before, after) rows. Related records are named with one query per related
    model for all of them, so that the cost does not grow with the number of records."""
    with translation.override(None):
        fields = [f for f in audited_fields(model) if not f.many_to_many]
        differing, wanted = [], defaultdict(set)
        for before, after in pairs:
            keys = []
            for f in fields:
                if f.attname not in after:
                    continue
                new = after[f.attname]
                if before is None:
                    old = None
                    if new is None or new == "":
                        continue
                elif f.attname not in before or before[f.attname] == new:
                    continue
                else:
                    old = before[f.attname]
                keys.append((f, old, new))
                if f.is_relation:
                    wanted[f.related_model].update(v for v in (old, new) if v is not None and v != "")
            differing.append(keys)
        names = {related: names_many(related, pks) for related, pks in wanted.items()}
        result = []
        for keys in differing:
            rows = []
            for f, old, new in keys:
                if f.is_relation:
                    old = None if old is None or old == "" else names[f.related_model].get(old, str(old))
                    new = None if new is None or new == "" else names[f.related_model].get(new, str(new))
                shown_old, shown_new = show(f, old, limit), show(f, new, limit)
                if shown_old != shown_new:
                    rows.append(_change(f, shown_old, shown_new))
            result.append(rows)
        return result


def cut(changes, limit: int | None = MAX_SHOWN) -> list[Change]:
    """``changes`` with long values cut as the History shows them (a report keeps them whole)."""
    return [(lbl, _cut(before, limit), _cut(after, limit), *rest) for lbl, before, after, *rest in changes]


#: The columns of an import's report of every change.
REPORT_HEADER = ["line", "record", "action", "field", "before", "after"]


@dataclass
class ImportedRow:
    """A record that a CSV import created (``before`` None) or changed, for its History."""

    line: int
    obj: models.Model
    before: dict | None
    #: (label, before, after) of the row's values kept in other tables (aliases, links, titles…)
    related: list[Change] = field(default_factory=list)


class ImportAudit:
    """The History of one CSV import that writes: an ``ImportRun`` (who, file, resource, counts,
    the report of every change as CSV) and its own entry, and one entry on each record the
    import created ("Added", pointing to the import) or changed (its values before → after).
    Each chunk costs a constant number of queries, whatever its number of rows: names read in
    bulk, entries written with one ``bulk_create``."""

    def __init__(self, user, resource: str, file_name: str = ""):
        from .models import ImportRun

        self.user = user
        self.run = ImportRun.objects.create(user=user, resource=resource, file_name=(file_name or "")[:255])
        self.via = via("import", file_name or resource, run=self.run.pk, url_name="admin:catalog_importrun_report")
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.writer.writerow(REPORT_HEADER)

    def chunk(self, rows: list[ImportedRow]):
        if not rows:
            return
        model = type(rows[0].obj)
        fields = [f.attname for f in audited_fields(model) if not f.many_to_many]
        pairs = [(row.before, {name: getattr(row.obj, name) for name in fields}) for row in rows]
        found = changes_many(model, pairs, limit=None)
        shown = names_many(model, [row.obj.pk for row in rows])
        entries = []
        for row, changes in zip(rows, found, strict=True):
            changes = changes + list(row.related)
            name = shown.get(row.obj.pk) or str(row.obj.pk)
            action = "added" if row.before is None else "changed"
            for lbl, before, after, *_rest in changes:
                self.writer.writerow([row.line, name, action, lbl, before, after])
            kind = ADDITION if row.before is None else CHANGE
            entries.append(Entry(row.obj, kind, cut(changes), self.via, repr=name))
        record_many(self.user, entries)

    def finish(self, report) -> LogEntry | None:
        """The import's own entry, with its counts; the run keeps the report."""
        run = self.run
        run.rows, run.new, run.changed, run.unchanged = report.rows, report.new, report.updated, report.unchanged
        run.report = self.buffer.getvalue()
        run.save(update_fields=["rows", "new", "changed", "unchanged", "report"])
        with translation.override(None):
            changes = [
                (label(run._meta.get_field(name)), "", str(getattr(run, name)))
                for name in ("resource", "file_name", "rows", "new", "changed", "unchanged")
            ]
            repr_ = str(run)
        return record_many(self.user, [Entry(run, ADDITION, changes, self.via, repr=repr_)])[0]


# The entries ----------------------------------------------------------------------------------


@dataclass
class Entry:
    """One History entry to write: ``action`` is ADDITION, CHANGE or DELETION."""

    obj: models.Model
    action: int = CHANGE
    changes: list[Change] = field(default_factory=list)
    via: dict | None = None
    related: list[dict] = field(default_factory=list)  # Django's inline sub-messages
    repr: str = ""


def _record_values(part: dict, values) -> list[dict]:
    """The record's own "added"/"deleted" part and its values beside it: Django reads a
    non-empty "added" or "deleted" as an inline row's (and then needs its name and object)."""
    values = [list(change) for change in values]
    return [part, {"values": values}] if values else [part]


def message(entry: Entry) -> str:
    """The JSON ``change_message`` of ``entry``."""
    values = [list(change) for change in entry.changes]
    parts: list[dict] = []
    if entry.action == ADDITION:
        parts += _record_values({"added": {}}, values)
    elif entry.action == CHANGE and values:
        parts.append({"changed": {"fields": [change[0] for change in values], "values": values}})
    elif entry.action == DELETION:
        parts += _record_values({"deleted": {}}, values)
    parts += entry.related
    if entry.via:
        parts.append({"via": entry.via})
    return json.dumps(parts, ensure_ascii=False, default=str)


def build(user, entry: Entry, when=None) -> LogEntry:
    obj = entry.obj
    return LogEntry(
        user_id=user.pk,
        content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
        object_id=str(obj.pk),
        object_repr=_cut(entry.repr or str(obj), 200),
        action_flag=entry.action,
        change_message=message(entry),
        action_time=when or timezone.now(),
    )


def record(user, obj, action: int = CHANGE, changes=(), *, via: dict | None = None) -> LogEntry | None:
    """Write one History entry on ``obj``; nothing without a user (a script, a migration)."""
    entries = record_many(user, [Entry(obj, action, list(changes), via)])
    return entries[0] if entries else None


def record_many(user, entries: list[Entry]) -> list[LogEntry]:
    """Write many History entries in one query (``bulk_create``), all with the same time."""
    if user is None or not getattr(user, "pk", None) or not entries:
        return []
    when = timezone.now()
    return LogEntry.objects.bulk_create([build(user, e, when) for e in entries], batch_size=1000)


def record_added(user, objs, where: dict | None, *, extra=None) -> list[LogEntry]:
    """An "Added" entry with the values of each of ``objs`` (new copies, pasted people and
    credits, the offers of a batch release), all in one query; ``extra(obj)`` may add a
    detail to one record's ``via`` (the source of a copy)."""
    entries = []
    for obj in objs:
        where_obj = {**where, **extra(obj)} if where is not None and extra is not None else where
        entries.append(Entry(obj, ADDITION, initial_values(obj), where_obj))
    return record_many(user, entries)


def via_action(description) -> dict:
    return via("action", description)


def via(kind: str, name, **details) -> dict:
    """Where an entry came from: ``via("paste", "Paste credits")``, ``via("import", …, entry=12)``;
    ``name`` is stored untranslated (translated when shown)."""
    with translation.override(None):
        return {"kind": kind, "name": str(name), **details}


# Reading (the History template) ---------------------------------------------------------------


@dataclass
class Details:
    values: list[Change]
    related: list[tuple]  # (what, object, values) for inline rows
    via: dict | None


def details(log_entry: LogEntry) -> Details | None:
    """What ``change_message`` holds beyond Django's sentence: values and the path."""
    text = log_entry.change_message or ""
    if not text.startswith("["):
        return None
    try:
        parts = json.loads(text)
    except ValueError:
        return None
    found = Details([], [], None)
    for part in parts:
        if not isinstance(part, dict):
            continue
        if "via" in part:
            found.via = part["via"]
            continue
        if "values" in part:
            found.values += [tuple(v) for v in part["values"] if isinstance(v, list) and len(v) in (3, 4)]
            continue
        for key in ("added", "changed", "deleted"):
            body = part.get(key)
            if not isinstance(body, dict):
                continue
            rows = [tuple(v) for v in body.get("values", []) if isinstance(v, list) and len(v) in (3, 4)]
            if "object" in body:
                found.related.append((str(body.get("name", "")), str(body["object"]), rows))
            else:
                found.values += rows
    if not (found.values or found.related or found.via):
        return None
    return found
