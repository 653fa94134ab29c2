"""Drafts and announce-at dates (docs/publishing.md).

One field, ``published_at``: empty is a draft, a date in the future is announced then, a date in
the past is public. Titles, festival editions, screenings and offers have it (``Publishable``);
their querysets answer ``published(now)`` through ``public_q``, which each model extends with
what it depends on (a season of a draft series is hidden; a screening of a draft edition, or of
draft titles only, is hidden; an offer of a draft title is hidden). Every public queryset of
every app goes through it; staff preview a draft on its own page (``visible_to``).

``catalog`` imports no other app: the screenings and streaming models extend ``public_q`` in
their own ``models.py``.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import PublicationStatus


def now() -> datetime.datetime:
    """The current time to the second: what the admin's date and time inputs show and post back,
    so that saving an unchanged form changes nothing."""
    return timezone.now().replace(microsecond=0)


def status_of(published_at: datetime.datetime | None, now: datetime.datetime | None = None) -> PublicationStatus:
    if published_at is None:
        return PublicationStatus.DRAFT
    if published_at > (now or timezone.now()):
        return PublicationStatus.SCHEDULED
    return PublicationStatus.PUBLISHED


class PublishableQuerySet(models.QuerySet):
    """``published(now)`` for public pages; ``with_status(status)`` for the admin filter."""

    def published(self, now: datetime.datetime | None = None):
        """Records the public may see at ``now`` (default: the current time), with what they
        depend on published too (``public_q`` of the model). Preloads nothing."""
        return self.filter(self.model.public_q(now=now or timezone.now()))

    def with_status(self, status: str, now: datetime.datetime | None = None):
        """Records whose own ``published_at`` is in ``status`` (published, scheduled, draft)."""
        now = now or timezone.now()
        if status == PublicationStatus.DRAFT:
            return self.filter(published_at__isnull=True)
        if status == PublicationStatus.SCHEDULED:
            return self.filter(published_at__gt=now)
        if status == PublicationStatus.PUBLISHED:
            return self.filter(published_at__lte=now)
        return self


class Publishable(models.Model):
    """A record that may be a draft or announced at a date. New records are published on
    creation unless the editor clears the date (a draft) or sets a later one."""

    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        default=now,
        db_index=True,
        help_text=_(
            "Empty: a draft, seen by staff only (preview). A future date and time: announced then. A past one: public."
        ),
    )

    class Meta:
        abstract = True

    @classmethod
    def own_q(cls, prefix: str = "", now: datetime.datetime | None = None) -> Q:
        """This record's own date has come (``prefix`` reaches it from another model)."""
        return Q(**{f"{prefix}published_at__lte": now or timezone.now()})

    @classmethod
    def public_q(cls, prefix: str = "", now: datetime.datetime | None = None) -> Q:
        """The record is public: its own date has come and what it depends on is public.
        Models with dependencies extend it."""
        return cls.own_q(prefix, now)

    @property
    def publication_status(self) -> PublicationStatus:
        """Of this record's own date (not of what it depends on)."""
        return status_of(self.published_at)

    def is_public(self, now: datetime.datetime | None = None) -> bool:
        """The same rule as ``published(now)``, asked of the database (one query)."""
        return type(self)._default_manager.filter(pk=self.pk).filter(self.public_q(now=now)).exists()


def can_preview(request, model) -> bool:
    """Staff who may view ``model`` in the admin see its drafts on the public pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return False
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def visible_to(request, queryset, now: datetime.datetime | None = None):
    """``queryset`` as ``request`` may see it on its own page: everything for staff who may
    preview it, the published records for everyone else."""
    return queryset if can_preview(request, queryset.model) else queryset.published(now)


class PreviewMixin:
    """For a detail view of a publishable record whose ``get_queryset`` goes through
    ``visible_to`` (drafts answer 404 except to staff): staff see a draft's page with a preview
    banner (``preview`` in the context, shown by base.html)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        if can_preview(self.request, type(obj)) and not obj.is_public():
            context["preview"] = {"status": obj.publication_status, "published_at": obj.published_at}
        return context
