"""No lost edits: a ``version`` number on every record staff edit, checked by the admin forms.

- ``VersionedModel`` (abstract): ``version`` starts at 1 and goes up by one on every save.
- ``versioned_update(queryset, **values)`` / ``bump_versions(queryset)`` /
  ``versioned_bulk_update(objs, fields)``: the same for writes that bypass ``save()``;
  services and the CSV import use them for queryset updates and ``bulk_update``.
- ``value_digest(value)``: a fingerprint of a field's value, which the admin's version check
  (``catalog.admin_base``) puts in its forms to tell, after a conflict, which fields the
  colleague changed and which the user did.
"""

import datetime
import decimal
import hashlib

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy


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


def value_digest(value, ordered: bool = False) -> str:
    """A short fingerprint of a field's value as a form sees it, equal for the value a form was
    loaded with and the same value posted back untouched: related objects by pk, several of
    them as a sorted set (in their order when ``ordered``), instants in UTC, decimals without
    trailing zeros, texts without surrounding spaces or carriage returns, None as ""."""
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        items = [str(getattr(item, "pk", item)) for item in value]
        value = items if ordered else sorted(items)
    elif isinstance(value, models.Model):
        value = value.pk
    elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = value.astimezone(datetime.UTC)
    elif isinstance(value, decimal.Decimal):
        value = value.normalize()
    elif isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
    elif value is None:
        value = ""
    return hashlib.sha256(str(value).encode()).hexdigest()[:12]
