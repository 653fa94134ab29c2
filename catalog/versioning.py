"""No lost edits: a ``version`` number on every record staff edit, checked by the admin forms.

- ``VersionedModel`` (abstract): ``version`` starts at 1 and goes up by one on every save.
- ``versioned_update(queryset, **values)`` / ``bump_versions(queryset)`` /
  ``versioned_bulk_update(objs, fields)``: the same for writes that bypass ``save()``;
  services and the CSV import use them for queryset updates and ``bulk_update``.
- ``StaffAdminMixin``: every admin and inline of the four apps adds it. For a versioned model,
  its form carries the version
  it was loaded with and a digest of each field as loaded, in hidden fields. Saving a form
  loaded before someone else's save is refused (the row is locked while checked) with a
  message naming the fields that changed since; nothing is written. The form then carries the
  current version, so that saving it again is a deliberate overwrite.
"""

import hashlib
import json

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .images import ImageUploadField
from .safetext import PlainTextFormMixin

VERSION_FIELD = "loaded_version"
DIGEST_FIELD = "loaded_digest"


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


def is_versioned(model) -> bool:
    return issubclass(model, VersionedModel)


def versioned_update(queryset, **values) -> int:
    """``queryset.update(**values)`` that also moves every row's version on (in the same
    statement) when the model is versioned. Returns the number of rows."""
    if is_versioned(queryset.model):
        values["version"] = F("version") + 1
    return queryset.update(**values)


def bump_versions(queryset) -> int:
    """Move the version of every row of ``queryset`` on by one, in one statement: call it after
    changing those rows by any means that bypasses ``save()``."""
    return versioned_update(queryset)


def versioned_bulk_update(objs, fields, batch_size=None) -> int:
    """``bulk_update(objs, fields)`` followed by one statement that bumps their versions (the
    in-memory objects are bumped too). ``objs`` must all be of one model."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    count = model._base_manager.bulk_update(objs, fields, batch_size=batch_size)
    if is_versioned(model):
        bump_versions(model._base_manager.filter(pk__in=[o.pk for o in objs]))
        for obj in objs:
            obj.version = (obj.version or 0) + 1
    return count


def _digest(value) -> str:
    """A short fingerprint of a field's value as a form sees it (related objects by pk)."""
    if isinstance(value, list | tuple | set | models.QuerySet):
        value = sorted(str(getattr(item, "pk", item)) for item in value)
    elif isinstance(value, models.Model):
        value = value.pk
    return hashlib.sha256(str(value).encode()).hexdigest()[:12]


def field_digests(instance, names) -> dict[str, str]:
    return {name: _digest(value) for name, value in model_to_dict(instance, fields=names).items()}


class VersionedFormMixin:
    """Mixed into the admin's model form by ``StaffAdminMixin.get_form``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and is_versioned(type(self.instance)):
            self.initial.setdefault(VERSION_FIELD, self.instance.version)
            # ModelForm has just read the instance into ``initial``: no query of our own.
            loaded = {name: _digest(self.initial.get(name)) for name in self._model_field_names()}
            self.initial.setdefault(DIGEST_FIELD, json.dumps(loaded))

    def _model_field_names(self) -> list[str]:
        model_fields = {f.name for f in self.instance._meta.get_fields()}
        return [name for name in self.fields if name in model_fields]

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk is None or instance._state.adding or not is_versioned(type(instance)):
            return cleaned
        loaded = cleaned.get(VERSION_FIELD)
        # Lock the row until the admin's transaction ends, so that two saves cannot both pass.
        current = type(instance)._base_manager.select_for_update().filter(pk=instance.pk).first()
        if current is None or loaded is None or loaded == current.version:
            return cleaned
        self._refuse_stale(current, loaded)
        return cleaned

    def _refuse_stale(self, current, loaded):
        try:
            before = json.loads(self.cleaned_data.get(DIGEST_FIELD) or "{}")
        except ValueError:
            before = {}
        now = field_digests(current, self._model_field_names())
        changed = [str(self.fields[name].label or name) for name in now if before.get(name) != now[name]]
        # The form now carries the current version: saving it again overwrites, knowingly.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = current.version
        self.data[self.add_prefix(DIGEST_FIELD)] = json.dumps(now)
        if changed:
            message = _(
                "Someone else saved this record while you were editing it (version %(loaded)s → %(current)s). "
                "Changed since you opened it: %(fields)s. Nothing was saved: check their changes below "
                "(reload the page to see them) and save again to replace them with yours."
            ) % {"loaded": loaded, "current": current.version, "fields": get_text_list(changed, _("and"))}
        else:
            message = _(
                "Someone else saved this record while you were editing it (version %(loaded)s → %(current)s), "
                "in its related rows. Nothing was saved: reload the page to see their changes, or save again "
                "to replace them with yours."
            ) % {"loaded": loaded, "current": current.version}
        raise forms.ValidationError(message, code="stale")


def staff_form(form_class, model):
    """``form_class`` with the two hidden fields and the version check, and the plain-text
    check of ``catalog.safetext`` (every staff form of the admin gets both)."""
    if issubclass(form_class, VersionedFormMixin):
        return form_class
    attrs = {}
    if is_versioned(model):
        attrs = {
            VERSION_FIELD: forms.IntegerField(widget=forms.HiddenInput, required=False),
            DIGEST_FIELD: forms.CharField(widget=forms.HiddenInput, required=False),
        }
    return type(form_class.__name__, (VersionedFormMixin, PlainTextFormMixin, form_class), attrs)


class StaffAdminMixin:
    """For every ModelAdmin and inline: plain one-line texts (``catalog.safetext``) and, for a
    ``VersionedModel``, stale forms refused (see above). Image uploads get the project's own
    checks and messages (``catalog.images.ImageUploadField``)."""

    formfield_overrides = {models.ImageField: {"form_class": ImageUploadField}}
    protected_sample = 10

    def get_deleted_objects(self, objs, request):
        """Records chosen by others through a many-to-many link (a genre on titles, a partner on
        screenings, a title in a collection) protect what they chose, like a PROTECT foreign
        key: the admin's delete page and bulk action refuse, naming them."""
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("form", staff_form(self.form, self.model))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        # The same check on each row of an inline (an offer edited on its title's page).
        kwargs.setdefault("form", staff_form(self.form, self.model))
        return super().get_formset(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not is_versioned(self.model) or any(
            VERSION_FIELD in flatten_fieldsets([fieldset]) for fieldset in fieldsets
        ):
            return fieldsets
        (name, options), *rest = fieldsets
        first = {**options, "fields": [*options["fields"], VERSION_FIELD, DIGEST_FIELD]}
        return [(name, first), *rest]
