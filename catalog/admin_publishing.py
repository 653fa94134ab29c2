"""The admin's part of publishing (catalog.publishing, docs/publishing.md): the "Published /
Scheduled / Draft" filter, the "Publish now" action and the status column, composed into the
admin of every publishable model (titles, festival editions, screenings, offers) by
``PublishableAdminMixin``."""

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .enums import PublicationStatus
from .publishing import now as publishing_now
from .versioning import versioned_update


class PublicationStatusFilter(admin.SimpleListFilter):
    """Of each record's own date: published, scheduled (announced later), draft."""

    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return PublicationStatus.choices

    def queryset(self, request, queryset):
        if self.value() in PublicationStatus.values:
            return queryset.with_status(self.value())
        return queryset


@admin.action(description=_("Publish now"), permissions=["change"])
def publish_now(modeladmin, request, queryset):
    """Drafts and scheduled records among the selection become public now; each gets a History
    entry with the date before and after, written by the audit every admin action passes
    through (catalog.admin_base)."""
    now = publishing_now()
    waiting = list(queryset.exclude(published_at__lte=now))
    if waiting:
        versioned_update(queryset.model._default_manager.filter(pk__in=[o.pk for o in waiting]), published_at=now)
    modeladmin.message_user(
        request,
        ngettext("%(count)d record published.", "%(count)d records published.", len(waiting)) % {"count": len(waiting)},
    )


class PublishableAdminMixin:
    """For the admin of a ``catalog.publishing.Publishable`` model: the status column, the
    filter and the action. The admin puts ``published_at`` in its own fieldsets."""

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), PublicationStatusFilter]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "publication"]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions  # Django offers no actions there either
        action = self.get_action(publish_now, action_location)
        if action is not None:
            for allowed in self._filter_actions_by_permissions(request, [action]):
                actions[allowed.name] = allowed
        return actions

    @admin.display(description=_("publication"), ordering="published_at")
    def publication(self, obj):
        status = obj.publication_status
        if status == PublicationStatus.SCHEDULED:
            when = date_format(timezone.localtime(obj.published_at), "SHORT_DATETIME_FORMAT")
            return f"{status.label} ({when})"
        return status.label
