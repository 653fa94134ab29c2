"""Platforms with their plans, devices and figures; offers, on their own and inline on titles;
the batch-release tool. The offers inline and the "batch release" action join the title admin
through catalog.extensions (streaming.hooks)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from catalog import audit
from catalog.admin_base import AfficheModelAdmin, AfficheStackedInline, AfficheTabularInline, OptionalAutocompleteMixin
from catalog.admin_publishing import PublishableAdminMixin
from catalog.models import Title
from catalog.money import format_money
from catalog.pagination import AdminPaginator

from .availability import status_of
from .forms import BatchReleaseForm, PlanForm
from .models import AudienceFigure, Device, Offer, Plan, Platform, PlatformLogo, PlatformStatement, today
from .services import create_batch_release, plan_batch_release


class PlanInline(AfficheStackedInline):
    model = Plan
    form = PlanForm
    extra = 0
    fieldsets = [
        (None, {"fields": [("kind", "order"), ("name_en", "name_fr"), ("price", "currency", "period")]}),
        (
            _("Conditions"),
            {
                "fields": [
                    ("duration_months", "no_commitment"),
                    ("min_age", "max_age"),
                    "institutions",
                    "partner_pass",
                    ("discount_percent", "discount_audience", "discount_season"),
                ]
            },
        ),
    ]


class DeviceInline(OptionalAutocompleteMixin, AfficheTabularInline):
    model = Device
    extra = 0
    optional_autocomplete_fields = ["provider"]


class PlatformStatementInline(AfficheStackedInline):
    model = PlatformStatement
    extra = 0
    autocomplete_fields = ["language"]
    fields = ["text", ("speaker", "language"), ("source", "stated_on"), "order"]


class AudienceFigureInline(AfficheTabularInline):
    model = AudienceFigure
    extra = 0


class PlatformLogoInline(AfficheStackedInline):
    model = PlatformLogo
    extra = 0
    fields = [("image", "credit"), ("alt_en", "alt_fr")]


@admin.register(Platform)
class PlatformAdmin(OptionalAutocompleteMixin, AfficheModelAdmin):
    csv_resource = "platforms"
    list_display = ["name", "kind", "operator", "launched_on", "plan_count", "offer_count"]
    list_filter = ["kind", ("countries", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["operator"]
    search_fields = ["name", "slug", "operator__name"]
    autocomplete_fields = ["countries"]
    optional_autocomplete_fields = ["operator"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlanInline, DeviceInline, AudienceFigureInline, PlatformStatementInline, PlatformLogoInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", ("kind", "operator"), "countries", ("launched_on", "website")]}),
        (_("Description"), {"fields": ["description_en", "description_fr"]}),
        (
            _("Conditions"),
            {
                "fields": [
                    ("simultaneous_screens", "trial_days"),
                    ("subscription_includes_live", "subscription_includes_archive"),
                    ("subscription_includes_exclusive", "catalogue_enriched_regularly"),
                    "live_replay_days",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_plans=Count("plans", distinct=True), num_offers=Count("offers", distinct=True))
        )

    @admin.display(description=_("plans"), ordering="num_plans")
    def plan_count(self, obj):
        return obj.num_plans

    @admin.display(description=_("offers"), ordering="num_offers")
    def offer_count(self, obj):
        return obj.num_offers


class WindowFilter(admin.SimpleListFilter):
    """Where today falls in the offer's window, computed by the same queryset methods as the pages."""

    title = _("window")
    parameter_name = "window"

    def lookups(self, request, model_admin):
        return [
            ("now", _("Available now")),
            ("coming", _("Coming soon")),
            ("leaving", _("Leaving within 30 days")),
            ("ended", _("Ended")),
            ("open", _("No dates")),
        ]

    def queryset(self, request, queryset):
        on = today()
        value = self.value()
        if value == "now":
            return queryset.available_on(on)
        if value == "coming":
            return queryset.filter(available_from__gt=on)
        if value == "leaving":
            return queryset.leaving_soon(30, on)
        if value == "ended":
            return queryset.filter(available_until__lte=on)
        if value == "open":
            return queryset.filter(Q(available_from__isnull=True) & Q(available_until__isnull=True))
        return queryset


@admin.register(Plan)
class PlanAdmin(AfficheModelAdmin):
    """Plans are edited inline on their platform; this list is where their CSV buttons live."""

    csv_resource = "plans"
    form = PlanForm
    list_display = ["name_en", "platform", "kind", "price_display", "period"]
    list_filter = ["platform", "kind", "period"]
    list_select_related = ["platform"]
    search_fields = ["name_en", "name_fr", "platform__name"]
    autocomplete_fields = ["platform"]
    ordering = ["platform__name", "order", "pk"]
    fieldsets = [(None, {"fields": ["platform"]}), *PlanInline.fieldsets]

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, obj):
        return format_money(obj.price, obj.currency) or "—"


@admin.register(Offer)
class OfferAdmin(PublishableAdminMixin, AfficheModelAdmin):
    csv_resource = "offers"
    list_display = [
        "title",
        "platform",
        "country",
        "offer_type",
        "price_display",
        "available_from",
        "available_until",
        "exclusive",
        "window_status",
    ]
    list_filter = [
        "platform",
        ("country", admin.RelatedOnlyFieldListFilter),
        "offer_type",
        WindowFilter,
        "exclusive",
    ]
    list_select_related = ["title__parent__parent", "platform", "country"]
    search_fields = ["title__original_title", "title__slug", "title__parent__original_title", "platform__name"]
    autocomplete_fields = ["title", "platform", "country"]
    date_hierarchy = "available_from"
    show_full_result_count = False
    paginator = AdminPaginator  # estimated count past 100,000 rows; deep pages by primary key
    change_list_template = "admin/streaming/offer/change_list.html"
    fieldsets = [
        (None, {"fields": ["title", ("platform", "country"), ("offer_type", "exclusive"), "url"]}),
        (_("Price"), {"fields": [("price", "currency", "quality")]}),
        (_("Availability"), {"fields": [("available_from", "available_until"), ("live_at", "replay_days")]}),
        (_("Publication"), {"fields": ["published_at"]}),
    ]

    @admin.display(description=_("price"), ordering="price")
    def get_search_results(self, request, queryset, search_term):
        """The title or its series or season through the title search (its text index), the
        exact slug, or the platform by name; no LIKE over every offer joined to its titles."""
        term = search_term.strip()
        if not term:
            return queryset, False
        titles = Title.objects.search(term).values("pk")
        found = (
            Q(title__in=titles)
            | Q(title__in=Title.objects.filter(parent__in=titles).values("pk"))
            | Q(platform__in=Platform.objects.filter(name__icontains=term).values("pk"))
        )
        if "-" in term:
            found |= Q(title__slug__iexact=term)
        return queryset.filter(found), False

    def price_display(self, obj):
        return format_money(obj.price, obj.currency) or "—"

    @admin.display(description=_("today"))
    def window_status(self, obj):
        return status_of(obj, today()).label

    def changelist_view(self, request, extra_context=None):
        # The tool's link is shown to those who may use it (batch_release_view's own rule).
        url = reverse("admin:streaming_offer_batch_release") if self.has_add_permission(request) else ""
        return super().changelist_view(request, {**(extra_context or {}), "batch_release_url": url})

    def get_urls(self):
        return [
            path(
                "batch-release/",
                self.admin_site.admin_view(self.batch_release_view),
                name="streaming_offer_batch_release",
            ),
            *super().get_urls(),
        ]

    def batch_release_view(self, request):
        """Step 1: the plan is entered and previewed (nothing saved). Step 2: "Create" saves
        every offer in one transaction, or none if anything changed meanwhile."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        preview = None
        if request.method == "POST":
            form = BatchReleaseForm(request.POST, admin_site=self.admin_site)
            if form.is_valid():
                args = (form.cleaned_data["title"], form.cleaned_data["batches"])
                try:
                    if "confirm" in request.POST:
                        with transaction.atomic():
                            offers = create_batch_release(*args, **form.offer_fields())
                            where = audit.via("batch", _("Batch release of episodes"), title=str(args[0]))
                            audit.record_added(request.user, offers, where)
                        self.message_user(
                            request,
                            _("%(count)s offers created for %(title)s.")
                            % {"count": len(offers), "title": form.cleaned_data["title"]},
                            messages.SUCCESS,
                        )
                        return HttpResponseRedirect(reverse("admin:streaming_offer_changelist"))
                    preview = plan_batch_release(*args, **form.offer_fields())
                except ValidationError as exc:
                    form.add_error(None, exc)
        else:
            form = BatchReleaseForm(initial={"title": request.GET.get("title")}, admin_site=self.admin_site)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Batch release of episodes"),
            "form": form,
            "preview": preview,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/streaming/offer/batch_release.html", context)


class OfferInline(AfficheTabularInline):
    """Offers of this very title (offers of its episodes are on their own pages)."""

    model = Offer
    fk_name = "title"  # not ``work``, the stored top-level work
    extra = 0
    fields = [
        "platform",
        "country",
        "offer_type",
        "price",
        "currency",
        "quality",
        "available_from",
        "available_until",
        "exclusive",
        "url",
    ]
    autocomplete_fields = ["platform", "country"]
    verbose_name_plural = _("offers (where to watch)")


@admin.action(description=_("Plan a batch release of its episodes"))
def batch_release_action(modeladmin, request, queryset):
    title = queryset.first()
    return HttpResponseRedirect(f"{reverse('admin:streaming_offer_batch_release')}?title={title.pk}")
