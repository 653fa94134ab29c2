"""The base classes of every admin of the project: derive from ``AfficheModelAdmin``,
``AfficheTabularInline`` or ``AfficheStackedInline`` (and, for a custom form, from
``AfficheModelForm``) and every concern below comes with it, in the one order set here.

One small class per concern:

- ``VersionCheckFormMixin`` / ``VersionCheckAdminMixin``: no lost edits. For a
  ``VersionedModel`` (``catalog.versioning``), the form carries the version it was loaded with
  and a digest of each field as loaded, in hidden fields. Saving a form loaded before someone
  else's save is refused (the row is locked while checked) with a message naming the fields that
  changed since; nothing is written. The form then shows their stored value in every field the
  user did not touch, keeps the user's value where they did (theirs named beside it: saving
  again means "mine wins" for that field), and carries the current version, so that saving it
  again stores the user's changes and keeps the colleague's. Inline rows the same, row by row.
- ``PlainTextFormMixin``: one-line texts refused when they hold bidirectional control
  characters (``catalog.safetext``).
- ``ImageFieldsAdminMixin``: image uploads get the project's own checks and messages
  (``catalog.images.ImageUploadField``).
- ``DeleteProtectionAdminMixin``: records chosen by others through a many-to-many link protect
  what they chose, like a PROTECT foreign key.
- CSV Import and Export buttons (``catalog.csvadmin.CsvAdminMixin``): opt in with
  ``csv_resource = "<resource name>"``; an admin without it has neither the buttons nor their URLs.
- ``AuditFormMixin`` / ``AuditAdminMixin``: the History entry of every save (the record's
  fields and each inline row, values before → after, ``catalog.audit``), and of every admin
  action: an action runs as a user who holds one of its declared ``permissions`` (an action
  that declares none needs the change permission), and the records it changed get an entry
  naming the action.
- ``OptionalAutocompleteMixin`` (opt in, not composed below): ``optional_autocomplete_fields``
  autocomplete relations to a model that another app may register (the organisations).

The form checks run after the form's own ``clean()`` (whichever class defines it and wherever it
calls ``super().clean()``) and before the model's validation: text first, then the version.
Every admin and inline must use a form derived from ``AfficheModelForm``: ``manage.py check``
reports one that does not (``catalog.E001``).
"""

import contextlib
import dataclasses
import functools
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

from . import audit
from .csvadmin import CsvAdminMixin
from .images import ImageUploadField
from .safetext import has_bidi_controls
from .versioning import is_versioned, value_digest

VERSION_FIELD = "loaded_version"
DIGEST_FIELD = "loaded_digest"
VERSION_FIELDS = (VERSION_FIELD, DIGEST_FIELD)
#: In the digest: when the form was loaded (to name who saved since).
LOADED_AT = "@loaded_at"


# Version check ---------------------------------------------------------------------------------


class _Bookkeeping:
    """A hidden field of the version check: never part of what the user changed (so an
    unchanged inline row stays unchanged, and History never names it)."""

    def has_changed(self, initial, data):
        return False


class _LoadedVersionField(_Bookkeeping, forms.IntegerField):
    pass


class _LoadedDigestField(_Bookkeeping, forms.CharField):
    pass


class VersionBoundField(forms.BoundField):
    """After a conflict, a field the colleague changed and the user did not shows the stored
    value (the form's initial, read at this request) instead of what was posted."""

    def value(self):
        if self.name in getattr(self.form, "stale_taken", ()):
            return self.field.prepare_value(self.form.get_initial_for_field(self.field, self.name))
        return super().value()


class VersionCheckFormMixin(forms.Form):
    """The form side: the two hidden fields (dropped again for a model without a version) and
    the check, ``check_version()``.

    The digest is a fingerprint of every field's value as the form showed it (model fields and
    the form's own, such as a screening's local start or its titles in order), plus the moment
    it was loaded (``LOADED_AT``). On a conflict it tells, field by field, who changed what:

    - only the colleague: the form now shows their stored value (and a note);
    - only the user: the user's value is kept;
    - both, differently: the user's value stays in the box, theirs is named in a note beside
      it; saving again means "mine wins" for that field.

    A form field whose value needs words of its own in that note defines
    ``display_value(value)``; one whose many values are ordered sets ``ordered = True``; one
    that is not a value of the record (a "save anyway" box) sets ``tracked = False``."""

    loaded_version = _LoadedVersionField(widget=forms.HiddenInput, required=False)
    loaded_digest = _LoadedDigestField(widget=forms.HiddenInput, required=False)
    bound_field_class = VersionBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stale_taken: set[str] = set()
        if not is_versioned(type(self.instance)):
            for name in VERSION_FIELDS:
                self.fields.pop(name, None)
            return
        if self.instance.pk is not None:
            self.initial.setdefault(VERSION_FIELD, self.instance.version)
            loaded_at = timezone.now().isoformat()
            # Computed when rendered, once every subclass has filled in its initial values.
            self.initial.setdefault(DIGEST_FIELD, lambda: json.dumps({LOADED_AT: loaded_at, **self._digests()}))

    def _tracked_names(self) -> list[str]:
        """The fields the user edits: the form's own and its model fields (not an inline
        formset's row id, delete box or parent link, nor the version check's)."""
        base = type(self).base_fields
        return [
            name
            for name, field in self.fields.items()
            if name in base and name not in VERSION_FIELDS and getattr(field, "tracked", True)
        ]

    def _digest(self, name, value) -> str:
        return value_digest(value, ordered=getattr(self.fields[name], "ordered", False))

    def _digests(self) -> dict[str, str]:
        """The digest of each field's value as stored (the form's initial values)."""
        return {
            name: self._digest(name, self.get_initial_for_field(self.fields[name], name))
            for name in self._tracked_names()
        }

    def check_version(self):
        """Raise ValidationError if the row was saved by someone else since this form was loaded."""
        instance = self.instance
        if instance.pk is None or instance._state.adding or not is_versioned(type(instance)):
            return
        loaded = self.cleaned_data.get(VERSION_FIELD)
        # Lock the row until the admin's transaction ends, so that two saves cannot both pass.
        current = type(instance)._base_manager.select_for_update().filter(pk=instance.pk).first()
        if current is None or loaded is None or loaded == current.version:
            return
        self._refuse_stale(current, loaded)

    def _refuse_stale(self, current, loaded):
        try:
            before = json.loads(self.cleaned_data.get(DIGEST_FIELD) or "{}")
        except ValueError:
            before = {}
        if not isinstance(before, dict):
            before = {}
        loaded_at = before.pop(LOADED_AT, None)
        carried = self._read_current(current)
        now = self._digests()
        changed = [name for name in now if before.get(name) != now[name]]
        notes = {}
        for name in changed:
            mine = self._digest(name, self.cleaned_data[name]) if name in self.cleaned_data else None
            if mine == now[name]:
                continue  # the user chose the same value
            if mine == before.get(name):
                self.stale_taken.add(name)
                notes[name] = _("their value is now in the box.")
            else:
                notes[name] = _("you changed it too: the box keeps your value, and saving again replaces theirs.")
        who = _editors_since(self.instance, loaded_at)
        for name, note in notes.items():
            value = self._display(name, self.get_initial_for_field(self.fields[name], name))
            self.add_error(
                name,
                forms.ValidationError(
                    _("Changed by %(who)s since you opened the form: now «%(value)s»; %(note)s"),
                    code="changed_by_other",
                    params={"who": who, "value": value, "note": note},
                ),
            )
        # The form now stands for the record as read by this request (its version, and its
        # values where taken): saving it again keeps their changes and stores the user's.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = carried
        self.data[self.add_prefix(DIGEST_FIELD)] = json.dumps({LOADED_AT: timezone.now().isoformat(), **now})
        labels = [str(self.fields[name].label or name) for name in changed]
        if labels:
            message = _(
                "Someone else saved this record while you were editing it (version %(loaded)s → %(current)s). "
                "Changed since you opened it: %(fields)s. Nothing was saved: each of these fields now shows "
                "their value, except where you changed it too (your value is kept, theirs is named beside it). "
                "Check the marked fields and save again."
            ) % {"loaded": loaded, "current": current.version, "fields": get_text_list(labels, _("and"))}
        else:
            message = _(
                "Someone else saved this record while you were editing it (version %(loaded)s → %(current)s), "
                "in what this form does not show. Nothing was saved: save again to store your changes; "
                "theirs are kept."
            ) % {"loaded": loaded, "current": current.version}
        raise forms.ValidationError(message, code="stale")

    def _read_current(self, current) -> int:
        """Make the form's initial values those of ``current`` (the row as locked) and return
        the version they stand for. The admin reads the record at the start of the request, so
        they are usually the same; when not, model fields are read again from ``current``, and
        a form with fields of its own (computed from the record when the form was built) keeps
        the version it read, so that saving it again is checked again."""
        if current.version == self.instance.version:
            return current.version
        model_fields = {f.name for f in self.instance._meta.get_fields()}
        tracked = self._tracked_names()
        names = [name for name in tracked if name in model_fields]
        self.initial.update(model_to_dict(current, fields=names))
        return current.version if len(names) == len(tracked) else self.instance.version

    def _display(self, name, value) -> str:
        """``value`` of the field ``name`` in words (names of related records, choice labels)."""
        field = self.fields[name]
        if value is None or value == "" or value == [] or value == ():
            return _("(empty)")
        if callable(getattr(field, "display_value", None)):
            return str(field.display_value(value))
        if isinstance(field, forms.ModelMultipleChoiceField):
            pks = [str(getattr(v, "pk", v)) for v in value]
            found = {str(o.pk): str(o) for o in field.queryset.filter(pk__in=pks)}
            return ", ".join(found[pk] for pk in pks if pk in found)
        if isinstance(field, forms.ModelChoiceField):
            found = value if isinstance(value, models.Model) else field.queryset.filter(pk=value).first()
            return str(found if found is not None else value)
        try:
            model_field = self.instance._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and not model_field.is_relation:
            return audit.show(model_field, value) or _("(empty)")
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value))
        return str(value)


def _editors_since(obj, loaded_at) -> str:
    """Who wrote History entries on ``obj`` since ``loaded_at`` (an ISO time), in words."""
    names = []
    when = parse_datetime(loaded_at) if isinstance(loaded_at, str) else None
    if when is not None:
        entries = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
                object_id=str(obj.pk),
                action_time__gte=when,
            )
            .select_related("user")
            .order_by("action_time")
        )
        names = list(dict.fromkeys(e.user.get_full_name() or e.user.get_username() for e in entries))
    return get_text_list(names, _("and")) if names else _("someone else")


class VersionCheckAdminMixin:
    """The admin side: the hidden fields go into the first fieldset of a versioned model's
    form (and never into another model's)."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not is_versioned(self.model):
            # The form declares them for every model; a default fieldset (from the form's
            # fields) would list them.
            return [
                (name, {**options, "fields": _without(options["fields"], VERSION_FIELDS)})
                for name, options in fieldsets
            ]
        if any(VERSION_FIELD in flatten_fieldsets([fieldset]) for fieldset in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        first = {**options, "fields": [*options["fields"], *VERSION_FIELDS]}
        return [(name, first), *rest]


def _without(fields, names):
    """``fields`` of a fieldset (names, or tuples of names on one line) without ``names``."""
    kept = []
    for field in fields:
        if isinstance(field, list | tuple):
            line = tuple(name for name in field if name not in names)
            if line:
                kept.append(line)
        elif field not in names:
            kept.append(field)
    return kept


# Text hygiene ----------------------------------------------------------------------------------


class PlainTextFormMixin:
    """One-line texts (names, titles, slugs, labels) refused with bidirectional control
    characters; multi-line texts (a ``Textarea``) are left alone."""

    def check_plain_text(self):
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            single_line = isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea)
            if single_line and isinstance(value, str) and has_bidi_controls(value):
                self.add_error(
                    name, _("Remove the invisible text-direction characters (such as U+202E) from this field.")
                )


# Images ----------------------------------------------------------------------------------------


class ImageFieldsAdminMixin:
    formfield_overrides = {models.ImageField: {"form_class": ImageUploadField}}


# Delete protection -----------------------------------------------------------------------------


class DeleteProtectionAdminMixin:
    """The admin's delete page and "delete selected" action refuse to delete a record that other
    records chose through a many-to-many link (a genre on titles, a partner on screenings, a
    title in a collection), naming up to ``protected_sample`` of them per link."""

    protected_sample = 10

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for obj in objs:
            for rel in obj._meta.related_objects:
                if not rel.many_to_many or rel.hidden or not rel.get_accessor_name():
                    continue
                users = getattr(obj, rel.get_accessor_name()).all()[: self.protected_sample]
                label = capfirst(rel.related_model._meta.verbose_name)
                protected += [format_html("{}: {} ({} “{}”)", label, user, _("uses"), obj) for user in users]
        return to_delete, model_count, perms_needed, protected


# Audit trail ------------------------------------------------------------------------------------


class AuditFormMixin:
    """The form side: the record's values as loaded, to compare with what the save stores."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit_before = audit.form_values(self, before=True)


class AuditAdminMixin:
    """The admin side: History entries with values for forms, inlines and actions."""

    def construct_change_message(self, request, form, formsets, add=False):
        """The record's entry (values before → after, inline rows as Django names them, with
        their values); inline rows that have an admin of their own (a credit, a screening, an
        offer, a room) also get an entry in their own History, in one query."""
        parts, inline_entries = audit.form_message(form, formsets, add, self.admin_site)
        audit.record_many(request.user, inline_entries)
        return parts

    def delete_model(self, request, obj):
        with _audited_deletion(request.user, self.model._base_manager.filter(pk=obj.pk)):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with _audited_deletion(request.user, queryset):
            super().delete_queryset(request, queryset)

    def get_action(self, action, action_location=ActionLocation.CHANGE_LIST):
        found = super().get_action(action, action_location)
        if found is None:
            return None
        return dataclasses.replace(found, func=_audited(found.func, found.description))

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # The admin site's own actions ("delete selected") do not pass through get_action().
        actions = super().get_actions(request, action_location=action_location)
        return {
            name: dataclasses.replace(action, func=_audited(action.func, action.description))
            for name, action in actions.items()
        }


@contextlib.contextmanager
def _audited_deletion(user, queryset):
    """Records that pointed to the deleted ones and are kept, their link emptied or reset
    (``SET_NULL``, ``SET_DEFAULT``: a section's screenings), get an entry with that change;
    Django logs the deleted records themselves."""
    kept = [
        rel
        for rel in queryset.model._meta.related_objects
        if not rel.many_to_many and getattr(rel, "on_delete", None) in (models.SET_NULL, models.SET_DEFAULT)
    ]
    if not kept:
        yield
        return
    names = ", ".join(str(obj) for obj in queryset[:5])
    befores = [
        (
            rel.related_model,
            audit.snapshot(rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": queryset})),
        )
        for rel in kept
    ]
    yield
    where = audit.via("deletion", names)
    for model, before in befores:
        audit.record_snapshot_changes(user, model, before, where)


def _audited(func, description):
    """``func`` (an admin action) that also writes a History entry, with values, on each
    selected record it changed; declared permissions kept (none declared: change)."""
    if getattr(func, "audited", False):
        return func

    @functools.wraps(func)
    def action(modeladmin, request, queryset):
        before = audit.snapshot(queryset)
        response = func(modeladmin, request, queryset)
        audit.record_snapshot_changes(request.user, queryset.model, before, audit.via_action(description))
        return response

    action.audited = True
    action.allowed_permissions = tuple(getattr(func, "allowed_permissions", ("change",)))
    return action


# Autocomplete of another app's models ----------------------------------------------------------


class OptionalAutocompleteMixin:
    """Autocomplete for relations to models that another app administers (the organisations):
    each of ``optional_autocomplete_fields`` joins ``autocomplete_fields`` once its related
    model is registered on this admin site, checked at request time so that no app depends on
    the order in which the others are loaded."""

    optional_autocomplete_fields: list[str] = []

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        for name in self.optional_autocomplete_fields:
            if self.admin_site.is_registered(self.model._meta.get_field(name).related_model):
                fields.append(name)
        return fields


# Composed once ---------------------------------------------------------------------------------


class AfficheModelForm(AuditFormMixin, VersionCheckFormMixin, PlainTextFormMixin, forms.ModelForm):
    """The form of every admin and inline; a custom admin form derives from it."""

    def _post_clean(self):
        # ModelForm's step after clean(): so the checks run after the whole clean() chain of a
        # subclass, whatever it does, and before the model's own validation.
        self.check_plain_text()
        try:
            self.check_version()
        except forms.ValidationError as error:
            self.add_error(None, error)
        super()._post_clean()


class AfficheAdminMixin(VersionCheckAdminMixin, ImageFieldsAdminMixin):
    """What an admin and an inline share (kept for the two bases below; do not use it alone)."""

    form = AfficheModelForm

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not issubclass(self.form, AfficheModelForm):
            errors.append(
                checks.Error(
                    f"The form of {type(self).__qualname__} does not derive from AfficheModelForm.",
                    hint="Derive it from catalog.admin_base.AfficheModelForm (version check, plain text).",
                    obj=type(self),
                    id="catalog.E001",
                )
            )
        return errors


class AfficheModelAdmin(
    AuditAdminMixin, DeleteProtectionAdminMixin, AfficheAdminMixin, CsvAdminMixin, admin.ModelAdmin
):
    """The base of every ModelAdmin. Set ``csv_resource`` for Import/Export CSV buttons."""

    #: Lookups a changelist's query string may not use: a regular expression typed into an address
    #: is the database's to compile (``?slug__regex=[`` was an error of SQLite's REGEXP function and
    #: of PostgreSQL, a 500) and a pattern that backtracks costs it a whole table. Refused with
    #: Django's "Filtering by … not allowed" (400), as any lookup the admin does not allow.
    refused_lookups = ("regex", "iregex")

    def lookup_allowed(self, lookup, value, request):
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in self.refused_lookups:
            return False
        return super().lookup_allowed(lookup, value, request)


class AfficheTabularInline(AfficheAdminMixin, admin.TabularInline):
    """The base of every tabular inline."""


class AfficheStackedInline(AfficheAdminMixin, admin.StackedInline):
    """The base of every stacked inline."""
