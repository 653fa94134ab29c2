from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from . import extensions
from .admin_base import AfficheModelAdmin, AfficheStackedInline, AfficheTabularInline
from .admin_publishing import PublishableAdminMixin
from .models import (
    Collection,
    CollectionItem,
    ContentRating,
    Country,
    ExternalId,
    Genre,
    ImportRun,
    Language,
    LocalizedTitle,
    Theme,
    Title,
    TitleImage,
    TitleStatement,
)
from .pagination import AdminPaginator


@admin.register(Country, Language)
class NamedCodeAdmin(AfficheModelAdmin):
    list_display = ["code", "name_en", "name_fr"]
    search_fields = ["code", "name_en", "name_fr"]
    ordering = ["name_en"]

    def get_search_results(self, request, queryset, search_term):
        """Exact names and codes first, then names that begin with the term, then the others
        ("French", "French Sign Language", then "Cajun French"); the change list re-sorts by
        its own column, the autocomplete keeps this order."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return queryset, may_have_duplicates
        names = ("code", "name_en", "name_fr")
        rank = Case(
            When(Q.create([(f"{name}__iexact", term) for name in names], connector=Q.OR), then=Value(0)),
            When(Q.create([(f"{name}__istartswith", term) for name in names], connector=Q.OR), then=Value(1)),
            default=Value(2),
        )
        return queryset.annotate(search_rank=rank).order_by("search_rank", "name_en"), may_have_duplicates


@admin.register(Genre, Theme)
class VocabularyAdmin(AfficheModelAdmin):
    list_display = ["name_en", "name_fr", "slug", "title_count"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_titles=Count("titles"))

    @admin.display(description=_("titles"), ordering="num_titles")
    def title_count(self, obj):
        return obj.num_titles


class LocalizedTitleInline(AfficheTabularInline):
    model = LocalizedTitle
    extra = 1
    autocomplete_fields = ["language"]


class ContentRatingInline(AfficheTabularInline):
    model = ContentRating
    extra = 0


class TitleStatementInline(AfficheStackedInline):
    model = TitleStatement
    extra = 0
    autocomplete_fields = ["language"]
    fields = ["text", ("speaker", "language"), ("source", "stated_on"), "order"]


class ExternalIdInline(AfficheTabularInline):
    model = ExternalId
    extra = 0


class TitleImageInline(AfficheStackedInline):
    model = TitleImage
    extra = 0
    fields = [("image", "kind", "order"), ("alt_en", "alt_fr"), "credit"]


class ChildInline(AfficheTabularInline):
    """Seasons of a series, episodes of a season, edited in place."""

    model = Title
    fk_name = "parent"
    extra = 0
    fields = ["kind", "number", "original_title", "slug", "runtime_minutes", "year"]
    show_change_link = True
    verbose_name = _("season or episode")
    verbose_name_plural = _("seasons and episodes")
    ordering = ["number"]


@admin.register(Title)
class TitleAdmin(PublishableAdminMixin, AfficheModelAdmin):
    csv_resource = "titles"
    list_display = ["__str__", "kind", "year", "number", "slug", "updated"]
    list_filter = ["kind", "genres", "year"]
    list_select_related = ["parent__parent"]
    search_fields = ["slug", "original_title", "localized_titles__text"]
    search_help_text = _("Original or localized title, or slug.")
    autocomplete_fields = ["parent", "original_language", "countries", "languages", "genres", "themes", "related"]
    prepopulated_fields = {"slug": ["original_title"]}
    inlines = [
        LocalizedTitleInline,
        ChildInline,
        ContentRatingInline,
        ExternalIdInline,
        TitleImageInline,
        TitleStatementInline,
    ]
    list_per_page = 50
    show_full_result_count = False
    paginator = AdminPaginator  # estimated count past 100,000 rows; deep pages by primary key
    fieldsets = [
        (None, {"fields": ["kind", ("parent", "number"), "original_title", "slug", "original_language"]}),
        (_("Publication"), {"fields": ["published_at"]}),
        (
            _("Facts"),
            {
                "fields": [
                    "year",
                    ("production_start_month", "production_start_year"),
                    ("production_end_month", "production_end_year"),
                    ("runtime_minutes", "episode_count"),
                    "countries",
                    "languages",
                    "genres",
                    "themes",
                ]
            },
        ),
        (_("Synopsis"), {"fields": ["synopsis_en", "synopsis_fr"]}),
        (_("Related"), {"fields": ["related"], "classes": ["collapse"]}),
    ]

    change_form_template = "admin/catalog/title/change_form.html"

    def get_queryset(self, request):
        # __str__ names the parent and grandparent, so they come in the same query.
        return super().get_queryset(request).select_related("parent__parent")

    # Other apps add inlines, actions and tools here through catalog.extensions.title_admin_parts,
    # read at request time (they register after the admin has been discovered).

    def get_inlines(self, request, obj):
        added = [inline for part in extensions.title_admin_parts for inline in part.inlines]
        return [*super().get_inlines(request, obj), *added]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions  # Django offers no actions there either
        for part in extensions.title_admin_parts:
            if not part.allows(request):
                continue
            for added in part.actions:
                action = self.get_action(added, action_location)
                if action is not None:
                    actions[action.name] = action
        return actions

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["title_tools"] = [
                {"name": part.name, "label": part.link_label, "url": url}
                for part in extensions.title_admin_parts
                if part.link is not None and part.allows(request) and (url := part.link(obj))
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        """Original and localized titles through the title search (its text index: accents and
        case aside), with their series and season ("couloirs episode 1"), or the exact slug;
        never a LIKE over joined localized titles."""
        if not search_term.strip():
            return queryset, False
        found = Q(pk__in=Title.objects.search_with_series(search_term).values("pk"))
        if "-" in search_term:  # looks like a slug: an OR here would defeat the text index otherwise
            found |= Q(slug__iexact=search_term.strip())
        return queryset.filter(found), False


class CollectionItemInline(AfficheTabularInline):
    model = CollectionItem
    extra = 1
    autocomplete_fields = ["title"]


@admin.register(Collection)
class CollectionAdmin(AfficheModelAdmin):
    list_display = ["name_en", "name_fr", "is_published", "order", "item_count"]
    list_filter = ["is_published"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [CollectionItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_items=Count("items"))

    @admin.display(description=_("titles"), ordering="num_items")
    def item_count(self, obj):
        return obj.num_items


@admin.register(ImportRun)
class ImportRunAdmin(AfficheModelAdmin):
    """The CSV imports that wrote (catalog.audit.ImportAudit): read-only, each with the
    download of its report of every change, before → after. "Recent actions" and the History
    of every record an import touched link here."""

    list_display = ["created", "user", "resource", "file_name", "rows", "new", "changed", "unchanged", "report_link"]
    list_filter = ["resource"]
    search_fields = ["file_name", "resource"]
    list_select_related = ["user"]
    fields = ["created", "user", "resource", "file_name", ("rows", "new", "changed", "unchanged"), "report_link"]
    readonly_fields = fields[:4] + list(fields[4]) + ["report_link"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        report = path(
            "<int:run>/report/", self.admin_site.admin_view(self.report_view), name="catalog_importrun_report"
        )
        return [report, *super().get_urls()]

    @admin.display(description=_("report of every change"))
    def report_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:catalog_importrun_report", args=[obj.pk]), _("Download (CSV)")
        )

    def report_view(self, request, run):
        """The report: one line per value the import changed (line, record, added or changed,
        field, before, after), whole (the History cuts long values)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = get_object_or_404(ImportRun, pk=run)
        response = HttpResponse(found.report, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{found.pk}-{found.resource}-report.csv"'
        return response


# The task queue's own admin (django-tasks-db) shows raw task records and refuses "add", which
# would break the rule that every admin URL answers each role as its permissions say; imports
# show their progress and reports on their own pages (catalog.csvadmin).
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
