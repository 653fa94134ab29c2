from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog import audit
from catalog.admin_base import AfficheModelAdmin, AfficheTabularInline, OptionalAutocompleteMixin
from catalog.admin_publishing import PublishableAdminMixin
from catalog.models import Title
from catalog.pagination import AdminPaginator

from . import grid, services
from .enums import When
from .forms import (
    DuplicateForm,
    EditionScreeningForm,
    EditionScreeningFormSet,
    PostponeForm,
    ScreeningForm,
    TimeZoneInput,
    VenueClosureForm,
    VenueClosureFormSet,
)
from .localtime import make_local_aware
from .models import Edition, Festival, Screening, ScreeningTitle, Section, Venue, VenueClosure


class RoomInline(AfficheTabularInline):
    model = Venue
    fk_name = "parent"
    extra = 1
    fields = ["name", "slug", "capacity", "changeover"]
    prepopulated_fields = {"slug": ["name"]}
    verbose_name = _("room")
    verbose_name_plural = _("rooms")
    show_change_link = True


class VenueClosureInline(AfficheTabularInline):
    """Times when the venue (all its rooms) or the room takes no screening; saved through
    ``services.save_closure`` (rooms locked, screenings met refused), times in the venue's zone."""

    model = VenueClosure
    form = VenueClosureForm
    formset = VenueClosureFormSet
    extra = 0
    fields = ["starts", "ends", "reason_en", "reason_fr"]
    verbose_name = _("closure")
    verbose_name_plural = _("closures (private events, works: no screening then)")


@admin.register(Venue)
class VenueAdmin(AfficheModelAdmin):
    csv_resource = "venues"
    list_display = ["__str__", "city", "country", "timezone", "capacity", "room_count"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter), "timezone"]
    list_select_related = ["parent", "country"]
    search_fields = ["name", "slug", "city", "parent__name"]
    autocomplete_fields = ["parent", "country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoomInline, VenueClosureInline]
    ordering = ["name", "pk"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "parent"]}),
        (
            _("Address"),
            {
                "fields": ["address", ("postcode", "city"), "country", ("latitude", "longitude")],
                "description": _(
                    "Shown on the venue's page with a link to OpenStreetMap. A room left empty has its venue's."
                ),
            },
        ),
        (None, {"fields": ["timezone", "capacity", "changeover", "website", "note"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "timezone":
            kwargs["widget"] = TimeZoneInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_rooms=Count("rooms"))

    @admin.display(description=_("rooms"), ordering="num_rooms")
    def room_count(self, obj):
        return obj.num_rooms

    def get_inline_instances(self, request, obj=None):
        # Rooms have no rooms of their own (a room's closures are on its page).
        instances = super().get_inline_instances(request, obj)
        if obj is not None and obj.parent_id:
            return [inline for inline in instances if not isinstance(inline, RoomInline)]
        return instances


@admin.register(Festival)
class FestivalAdmin(OptionalAutocompleteMixin, AfficheModelAdmin):
    list_display = ["name", "city", "organizer"]
    list_select_related = ["organizer"]
    search_fields = ["name", "slug", "city"]
    autocomplete_fields = ["country"]
    optional_autocomplete_fields = ["organizer"]
    prepopulated_fields = {"slug": ["name"]}


class SectionInline(AfficheTabularInline):
    model = Section
    extra = 1
    fields = ["name_en", "name_fr", "colour", "order"]


class ScreeningInline(AfficheTabularInline):
    """The edition's schedule, times in each venue's zone, with each screening's titles."""

    model = Screening
    form = EditionScreeningForm
    formset = EditionScreeningFormSet  # the rows of one save go through services.save_screenings
    extra = 1
    fields = ["programme", "venue", "starts", "ends", "section", "label_en", "status"]
    autocomplete_fields = ["venue"]
    show_change_link = True
    ordering = ["starts_at"]

    class Media:
        css = {"all": ["screenings/admin.css"]}  # the schedule fits the page (issue 14.10)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("venue__parent", "section")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            edition_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(edition_id=edition_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "section" and formfield is not None:
            # The sections are edited on this same page, just above: no add/change/view links.
            formfield.widget = getattr(formfield.widget, "widget", formfield.widget)
        if db_field.name == "venue" and formfield is not None:
            # Add a room from here, change it on its own page: two links fit the schedule's width.
            formfield.widget.can_delete_related = formfield.widget.can_view_related = False
        return formfield


@admin.register(Edition)
class EditionAdmin(PublishableAdminMixin, AfficheModelAdmin):
    csv_resource = "festivals"
    list_display = ["__str__", "festival", "starts_on", "ends_on", "screening_count", "schedule_link"]
    list_filter = ["festival", "year"]
    list_select_related = ["festival"]
    search_fields = ["name", "slug", "festival__name"]
    autocomplete_fields = ["festival"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"
    inlines = [SectionInline, ScreeningInline]
    ordering = ["-starts_on", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_screenings=Count("screenings"))

    @admin.display(description=_("screenings"), ordering="num_screenings")
    def screening_count(self, obj):
        return obj.num_screenings

    @admin.display(description=_("programme grid"))
    def schedule_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:screenings_edition_schedule", args=[obj.pk]), _("Grid")
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/schedule/",
                self.admin_site.admin_view(self.schedule_view),
                name="screenings_edition_schedule",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        schedule = reverse("admin:screenings_edition_schedule", args=[object_id]) if object_id else ""
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "schedule_url": schedule})

    def schedule_view(self, request, object_id):
        """The programme grid (screenings/grid.py): GET draws a day (``?day=YYYY-MM-DD``;
        ``?partial=1`` the grid alone, which the script swaps in after each move); POST moves
        (``action=move``) or creates (``action=create``) a screening and answers in JSON."""
        screening_admin = self.admin_site.get_model_admin(Screening)
        if not (self.has_view_permission(request) and screening_admin.has_view_permission(request)):
            raise PermissionDenied
        edition = get_object_or_404(Edition.objects.select_related("festival"), pk=object_id)
        may_move = screening_admin.has_change_permission(request)
        may_add = screening_admin.has_add_permission(request)
        if request.method == "POST":
            return self._schedule_write(request, edition, may_move, may_add)
        try:
            day = date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = None
        day_grid = grid.day_grid(edition, day, today=timezone.localdate())
        room = request.GET.get("room", "")
        sheet = next((c for c in day_grid.columns if str(c.venue.pk) == room), None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Programme grid of %(edition)s") % {"edition": edition},
            "edition": edition,
            "grid": day_grid,
            "may_move": may_move,
            "may_add": may_add,
            "sheet": sheet,
            "strings": {
                "picked": _(
                    "Picked. Click a time in a room to place it there, or use the arrow keys and Enter; Escape cancels."
                ),
                "cancelled": _("Move cancelled."),
                "remove": _("Remove"),
                "where": _("%(room)s, %(start)s to %(end)s: Enter to save, Escape to cancel."),
            },
            "step": grid.STEP,
            "screening_add_url": reverse("admin:screenings_screening_add"),
        }
        template = "admin/screenings/edition/schedule_grid.html" if request.GET.get("partial") else None
        return TemplateResponse(request, template or "admin/screenings/edition/schedule.html", context)

    def _schedule_write(self, request, edition, may_move, may_add):
        action = request.POST.get("action")
        if (action == "move" and not may_move) or (action == "create" and not may_add):
            raise PermissionDenied
        if action not in ("move", "create"):
            return JsonResponse({"ok": False, "message": _("Unknown action.")}, status=400)
        try:
            screening = (grid.move if action == "move" else grid.create)(request.user, edition, request.POST)
        except ValidationError as error:
            return JsonResponse({"ok": False, "message": " ".join(error.messages)}, status=409)
        return JsonResponse(
            {
                "ok": True,
                "screening": screening.pk,
                "version": screening.version,
                "day": screening.local_date.isoformat(),
                "message": _("Saved: %(screening)s.") % {"screening": screening.when_label()},
            }
        )


class WhenFilter(admin.SimpleListFilter):
    title = _("date")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [(When.UPCOMING, When.UPCOMING.label), (When.PAST, When.PAST.label)]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == When.UPCOMING:
            return queryset.filter(ends_at__gt=now)
        if self.value() == When.PAST:
            return queryset.filter(ends_at__lte=now)
        return queryset


class VenueFilter(admin.RelatedFieldListFilter):
    """Venues and rooms, named with their building, in one query."""

    def field_choices(self, field, request, model_admin):
        return [(v.pk, str(v)) for v in Venue.objects.select_related("parent").order_by("parent__name", "name")]


def local_label(local) -> str:
    """A time in its venue's zone as the lists show it: "2021-11-07 01:30 PST"."""
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}" if local else "—"


@admin.register(VenueClosure)
class VenueClosureAdmin(AfficheModelAdmin):
    """Every venue's closures in one list, with the CSV buttons (resource "closures"). A closure
    is entered on its venue's page (the inline) or here, with the same form, and saved through
    ``services.save_closure`` either way."""

    csv_resource = "closures"
    form = VenueClosureForm
    list_display = ["venue", "local_start", "local_end", "reason_en"]
    list_filter = [("venue", VenueFilter)]
    list_select_related = ["venue__parent"]
    search_fields = ["reason_en", "reason_fr", "venue__name", "venue__parent__name"]
    autocomplete_fields = ["venue"]
    fields = ["venue", "starts", "ends", "reason_en", "reason_fr"]
    ordering = ["-starts_at", "pk"]

    @admin.display(description=_("starts (venue's time)"), ordering="starts_at")
    def local_start(self, obj):
        return local_label(obj.local_start)

    @admin.display(description=_("ends (venue's time)"), ordering="ends_at")
    def local_end(self, obj):
        return local_label(obj.local_end)

    def save_model(self, request, obj, form, change):
        services.save_closure(obj)


class EditionFilter(admin.RelatedFieldListFilter):
    """Editions named with their festival, in one query."""

    def field_choices(self, field, request, model_admin):
        return [(e.pk, str(e)) for e in Edition.objects.select_related("festival").order_by("-starts_on")]


@admin.register(Screening)
class ScreeningAdmin(PublishableAdminMixin, OptionalAutocompleteMixin, AfficheModelAdmin):
    csv_resource = "screenings"
    form = ScreeningForm
    list_display = ["what", "venue", "local_start", "status", "edition"]
    list_filter = [("edition", EditionFilter), ("venue", VenueFilter), WhenFilter, "status", "premiere"]
    list_select_related = ["venue__parent", "edition__festival"]
    search_fields = ["label_en", "label_fr", "titles__original_title", "titles__localized_titles__text", "venue__name"]
    autocomplete_fields = ["edition", "section", "venue", "language", "subtitle_language"]
    optional_autocomplete_fields = ["partners"]
    date_hierarchy = "local_date"
    ordering = ["-starts_at"]
    show_full_result_count = False
    paginator = AdminPaginator  # estimated count past 100,000 rows; deep pages by primary key
    actions = ["duplicate_action", "postpone_action", "cancel_action"]
    readonly_fields = ["previous_start", "uid"]
    fieldsets = [
        (
            None,
            {"fields": ["programme", ("label_en", "label_fr"), "venue", "starts", "ends", "status", "previous_start"]},
        ),
        (_("Festival"), {"fields": ["edition", "section", "premiere"]}),
        (_("Publication"), {"fields": ["published_at"]}),
        (_("Languages"), {"fields": [("language", "subtitle_language")]}),
        (_("Presentation"), {"fields": ["partners", "note"]}),
        (_("Tickets"), {"fields": ["ticket_url", ("price", "currency")]}),
        (_("Calendar"), {"fields": ["uid"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("titles__parent__parent")

    def get_search_results(self, request, queryset, search_term):
        """Titles through the title search (its text index, accents and case aside), labels and
        venues by name; no LIKE over every screening joined to its titles' localized names."""
        term = search_term.strip()
        if not term:
            return queryset, False
        shown = ScreeningTitle.objects.filter(title__in=Title.objects.search(term).values("pk")).values("screening")
        venues = Venue.objects.filter(Q(name__icontains=term) | Q(parent__name__icontains=term)).values("pk")
        found = Q(pk__in=shown) | Q(venue__in=venues) | Q(label_en__icontains=term) | Q(label_fr__icontains=term)
        return queryset.filter(found), False

    @admin.display(description=_("what"))
    def what(self, obj):
        name = obj.programme_title(localized=False)
        return f"{name} · {obj.label_en}" if obj.label_en else name

    @admin.display(description=_("starts (venue's time)"), ordering="starts_at")
    def local_start(self, obj):
        return local_label(obj.local_start)

    @admin.display(description=_("previously planned start"))
    def previous_start(self, obj):
        return local_label(obj.local_previous_start)

    def save_model(self, request, obj, form, change):
        # The form has checked the room under its lock; services re-checks and translates a
        # PostgreSQL exclusion-constraint violation into the same message.
        services.save_screening(obj, form.cleaned_data.get("programme"))

    # Actions ----------------------------------------------------------------------------

    @admin.action(
        description=_("Cancel the selected screenings (they stay listed, marked cancelled)"), permissions=["change"]
    )
    def cancel_action(self, request, queryset):
        count = 0
        try:
            with transaction.atomic():
                for screening in queryset.select_related("venue"):
                    services.cancel(screening)
                    count += 1
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d screening cancelled.", "%(count)d screenings cancelled.", count) % {"count": count},
        )

    @admin.action(description=_("Duplicate the selected screenings to another date or room"), permissions=["add"])
    def duplicate_action(self, request, queryset):
        form = DuplicateForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            sources = list(queryset.select_related("venue").prefetch_related("titles__parent__parent"))
            try:
                with transaction.atomic():
                    copies = services.duplicate_all(sources, form.cleaned_data["on_date"], form.cleaned_data["venue"])
                    # Each copy's History says what it copies (the copies keep the sources' order).
                    source_of = {id(copy): source for copy, source in zip(copies, sources, strict=True)}
                    audit.record_added(
                        request.user,
                        copies,
                        audit.via_action(self.duplicate_action.short_description),
                        extra=lambda copy: {"source": str(source_of[id(copy)]), "source_id": source_of[id(copy)].pk},
                    )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext("%(count)d screening duplicated.", "%(count)d screenings duplicated.", len(copies))
                    % {"count": len(copies)},
                )
                return None
        return self._action_page(request, queryset, form, "duplicate_action", _("Duplicate screenings"))

    @admin.action(description=_("Postpone the selected screening (the first start is kept)"), permissions=["change"])
    def postpone_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Postpone one screening at a time."), messages.WARNING)
            return None
        screening = queryset.select_related("venue").get()
        form = PostponeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            naive, choice = form.cleaned_data["starts"]
            try:
                new_start = make_local_aware(naive, screening.venue.timezone, choice)
                services.postpone(screening, new_start)
            except ValidationError as error:
                form.add_error("starts", error.messages)  # the model's too (a room taken), beside the start
            else:
                self.message_user(request, _("Screening postponed; the first planned start is kept."))
                return None
        return self._action_page(request, queryset, form, "postpone_action", _("Postpone a screening"))

    def _action_page(self, request, queryset, form, action, heading):
        context = {
            **self.admin_site.each_context(request),
            "title": heading,
            "opts": self.model._meta,
            "screenings": queryset.select_related("venue__parent").prefetch_related("titles__parent__parent"),
            "form": form,
            "action": action,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/screenings/action_form.html", context)


@admin.register(Section)
class SectionAdmin(AfficheModelAdmin):
    list_display = ["name_en", "edition", "order", "colour"]
    list_select_related = ["edition__festival"]
    search_fields = ["name_en", "name_fr", "edition__slug"]
    autocomplete_fields = ["edition"]

    def get_model_perms(self, request):
        # Sections are edited on their edition; registered for autocomplete only.
        return {}
