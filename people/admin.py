from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import audit
from catalog.admin_base import AfficheModelAdmin, AfficheModelForm, AfficheStackedInline, AfficheTabularInline
from catalog.models import Title
from catalog.pagination import AdminPaginator

from .matching import duplicates, match_names
from .models import (
    Credit,
    Department,
    Organization,
    OrganizationAlias,
    OrganizationFormerSlug,
    OrganizationLogo,
    Person,
    PersonAlias,
    PersonFormerSlug,
    PersonPortrait,
    PersonRelation,
    Role,
    RoleLabel,
)
from .parsing import preview
from .services import MergeError, PasteError, merge, merge_choices, merge_counts, save_pasted_credits


class NameSearchMixin:
    """Admin search and autocomplete through the project's name matcher: accents, case and
    aliases do not count ("niels" finds Nils Tavernier)."""

    search_fields = ["name"]
    search_help_text = gettext_lazy("Name or alias; accents and case do not matter.")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False


class CreditCountMixin:
    """A "credits" column (people, organisations, roles)."""

    def get_queryset(self, request):
        # Meta.ordering does not apply to a GROUP BY query: order it again for pagination.
        queryset = super().get_queryset(request).annotate(num_credits=Count("credits"))
        return queryset.order_by(*self.model._meta.ordering)

    @admin.display(description=gettext_lazy("credits"), ordering="num_credits")
    def credit_count(self, obj):
        return obj.num_credits


class SimilarNameForm(AfficheModelForm):
    """Adding a person or an organisation whose name is already a record's name or alias
    (accents, case and punctuation aside, ``people.matching``) is a likely duplicate: the form
    links to the existing record(s) and saves only once "Save anyway" is ticked."""

    confirm_similar = forms.BooleanField(
        label=gettext_lazy("Save anyway: it is not the same"), required=False, widget=forms.HiddenInput
    )
    confirm_similar.tracked = False  # a decision about this save, not a value of the record

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if self.instance.pk is not None or not name or cleaned.get("confirm_similar"):
            return cleaned
        model = self._meta.model
        similar = match_names(model, [name])[name]
        if similar:
            self.fields["confirm_similar"].widget = forms.CheckboxInput()
            links = format_html_join(
                ", ",
                '<a href="{}" target="_blank">{}</a>',
                [(reverse(f"admin:people_{model._meta.model_name}_change", args=[r.pk]), r.name) for r in similar],
            )
            self.add_error(
                "name",
                forms.ValidationError(
                    format_html(
                        "{} {} {}",
                        _("A record with a similar name already exists:"),
                        links,
                        _("— if it is the same, open it instead; otherwise tick “Save anyway” and save again."),
                    ),
                    code="similar",
                ),
            )
        return cleaned


#: The merge page's counts (``merge_counts``), in words.
COUNT_LABELS = {
    "credits": gettext_lazy("credits"),
    "aliases": gettext_lazy("aliases"),
    "relations": gettext_lazy("relations"),
    "affiliations": gettext_lazy("affiliations (credits for these companies)"),
}


class MergeAdminMixin:
    """ "Likely duplicates" page and a two-step merge (counts, then confirm)."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        extra = [
            path(
                "duplicates/", self.admin_site.admin_view(self.duplicates_view), name="{}_{}_duplicates".format(*info)
            ),
            path(
                "merge/<int:keep>/<int:other>/",
                self.admin_site.admin_view(self.merge_view),
                name="{}_{}_merge".format(*info),
            ),
        ]
        return extra + super().get_urls()

    def duplicates_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Likely duplicates: %(name)s") % {"name": self.opts.verbose_name_plural},
            "pairs": duplicates(self.model),
            "merge_url": f"admin:{self.opts.app_label}_{self.opts.model_name}_merge",
        }
        return TemplateResponse(request, "admin/people/duplicates.html", context)

    def merge_view(self, request, keep, other):
        """Field-by-field confirmation: for every field whose values differ, keep this record's
        value or take the other's (``people.services.merge_choices``); then merge."""
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        kept = get_object_or_404(self.model, pk=keep)
        removed = get_object_or_404(self.model, pk=other)
        choices = merge_choices(kept, removed)
        chosen = {c.name: ("take" if c.kept == "" else "keep") for c in choices}
        missing = []
        if request.method == "POST":
            posted = {c.name: request.POST.get(f"choice_{c.name}") for c in choices}
            missing = [c for c in choices if posted[c.name] not in ("keep", "take")]
            chosen |= {name: value for name, value in posted.items() if value in ("keep", "take")}
            if missing:
                self.message_user(
                    request,
                    _("Choose which value to keep for: %(fields)s.") % {"fields": ", ".join(c.label for c in missing)},
                    messages.ERROR,
                )
            else:
                try:
                    summary = merge(
                        kept, removed, take=[n for n, v in chosen.items() if v == "take"], user=request.user
                    )
                except MergeError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("Merged into %(name)s: %(credits)s credit(s), %(aliases)s alias(es) moved.")
                        % {"name": kept.name, "credits": summary.credits, "aliases": summary.aliases},
                        messages.SUCCESS,
                    )
                    return redirect(
                        reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[kept.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge %(other)s into %(keep)s") % {"other": removed.name, "keep": kept.name},
            "kept": kept,
            "removed": removed,
            "counts": {COUNT_LABELS.get(what, what): n for what, n in merge_counts(removed).items()},
            "choices": [(c, chosen[c.name], c in missing) for c in choices],
        }
        return TemplateResponse(request, "admin/people/merge_confirm.html", context)

    def changelist_view(self, request, extra_context=None):
        # The link is shown to those who may open the page (duplicates_view's own rule).
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_duplicates")
        extra_context = {**(extra_context or {}), "duplicates_url": url if self.has_change_permission(request) else ""}
        return super().changelist_view(request, extra_context)


class PersonAliasInline(AfficheTabularInline):
    model = PersonAlias
    extra = 0


class OrganizationAliasInline(AfficheTabularInline):
    model = OrganizationAlias
    extra = 0


class PersonFormerSlugInline(AfficheTabularInline):
    """Former addresses (after a slug change or a merge): each redirects to the record;
    delete one to free it."""

    model = PersonFormerSlug
    extra = 0
    fields = ["slug"]


class OrganizationFormerSlugInline(PersonFormerSlugInline):
    model = OrganizationFormerSlug


class PersonRelationInline(AfficheTabularInline):
    model = PersonRelation
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["other"]


class PersonPortraitInline(AfficheStackedInline):
    model = PersonPortrait
    extra = 0
    fields = ["image", ("alt_en", "alt_fr"), "credit"]


class OrganizationLogoInline(AfficheStackedInline):
    model = OrganizationLogo
    extra = 0
    fields = ["image", ("alt_en", "alt_fr"), "credit"]


@admin.register(Person)
class PersonAdmin(NameSearchMixin, CreditCountMixin, MergeAdminMixin, AfficheModelAdmin):
    csv_resource = "people"
    list_display = ["name", "sort_name", "slug", "birth_date", "nationality", "credit_count"]
    list_filter = [("nationality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["nationality"]
    show_full_result_count = False
    paginator = AdminPaginator
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["nationality"]
    inlines = [PersonAliasInline, PersonRelationInline, PersonPortraitInline, PersonFormerSlugInline]
    change_list_template = "admin/people/change_list_with_duplicates.html"
    form = SimilarNameForm
    fieldsets = [
        (None, {"fields": ["name", "confirm_similar", "sort_name", "slug"]}),
        (gettext_lazy("Life"), {"fields": [("birth_date", "death_date"), "nationality"]}),
        (gettext_lazy("Biography"), {"fields": ["bio_en", "bio_fr", "bio_source"]}),
        (gettext_lazy("Elsewhere"), {"fields": [("imdb_id", "wikidata_id")]}),
    ]


@admin.register(Organization)
class OrganizationAdmin(NameSearchMixin, CreditCountMixin, MergeAdminMixin, AfficheModelAdmin):
    csv_resource = "organizations"
    list_display = ["name", "kind", "country", "founded_year", "credit_count"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    show_full_result_count = False
    paginator = AdminPaginator
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    inlines = [OrganizationAliasInline, OrganizationLogoInline, OrganizationFormerSlugInline]
    change_list_template = "admin/people/change_list_with_duplicates.html"
    form = SimilarNameForm


@admin.register(Department)
class DepartmentAdmin(AfficheModelAdmin):
    list_display = ["name_en", "name_fr", "order", "role_count"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name_en"]}
    search_fields = ["name_en", "name_fr"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_roles=Count("roles"))

    @admin.display(description=gettext_lazy("roles"), ordering="num_roles")
    def role_count(self, obj):
        return obj.num_roles


class RoleLabelInline(AfficheTabularInline):
    model = RoleLabel
    extra = 1
    fields = ["label"]


@admin.register(Role)
class RoleAdmin(CreditCountMixin, AfficheModelAdmin):
    list_display = ["name_en", "name_fr", "department", "target", "is_cast", "schema_property", "credit_count"]
    list_filter = ["department", "target", "is_cast"]
    list_select_related = ["department"]
    search_fields = ["name_en", "name_fr", "labels__label"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [RoleLabelInline]


@admin.register(Credit)
class CreditAdmin(AfficheModelAdmin):
    csv_resource = "credits"
    list_display = ["title", "credited", "role", "character", "order"]
    list_filter = ["role__department", "role"]
    list_select_related = ["title__parent__parent", "person", "organization", "role"]
    search_fields = ["person__name", "organization__name", "title__original_title"]
    search_help_text = gettext_lazy("Person or organisation (name or alias), or title; accents and case aside.")
    autocomplete_fields = ["title", "person", "organization", "role", "affiliations"]
    show_full_result_count = False
    paginator = AdminPaginator  # estimated count past 100,000 rows; deep pages by primary key
    # Newest first, by the primary key's index: the model's order (department, role, billing)
    # would sort every credit of the catalogue through two joins for each page.
    ordering = ["-pk"]

    def get_search_results(self, request, queryset, search_term):
        """Through the name matcher and the title search (their indexes): each an ``IN`` on an
        indexed foreign key instead of a LIKE over a million joined rows (character names are
        not searched: that LIKE would read every credit)."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(
            Q(person__in=Person.objects.search(search_term).values("pk"))
            | Q(organization__in=Organization.objects.search(search_term).values("pk"))
            | Q(title__in=Title.objects.search(search_term).values("pk"))
        ), False

    def get_urls(self):
        paste = path(
            "paste/<int:title_id>/",
            self.admin_site.admin_view(self.paste_view),
            name="people_credit_paste",
        )
        return [paste, *super().get_urls()]

    def _record_paste(self, request, title, result):
        """History entries of a paste: "Added" with values on each new person, organisation and
        credit, a change of companies on each existing credit that gained some, and one entry on
        the title listing the credits added (all in one query)."""
        where = audit.via("paste", gettext_lazy("Paste credits"), title=str(title))
        new = [*result.created_people, *result.created_organizations, *result.credits]
        entries = [audit.Entry(obj, ADDITION, audit.initial_values(obj), where) for obj in new]
        label = audit.label(Credit._meta.get_field("affiliations"))
        for credit, added in result.affiliated.items():
            after = [str(c) for c in credit.affiliations.all()]
            before = sorted(set(after) - {str(c) for c in added})
            entries.append(audit.Entry(credit, CHANGE, [(label, ", ".join(before), ", ".join(sorted(after)))], where))
        if result.credits:
            with translation.override(None):
                name = str(Credit._meta.verbose_name)
            related = [{"added": {"name": name, "object": str(credit)}} for credit in result.credits]
            entries.append(audit.Entry(title, CHANGE, [], where, related=related))
        audit.record_many(request.user, entries)

    def paste_view(self, request, title_id):
        """Paste a credits block on a title: preview (matches, NEW, problems), then confirm."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        title = get_object_or_404(Title.objects.select_related("parent__parent"), pk=title_id)
        text = request.POST.get("text", "")
        rows = preview(text) if text.strip() else []
        unchanged = request.POST.get("previewed") == text
        if request.method == "POST" and "confirm" in request.POST and rows and not unchanged:
            self.message_user(request, _("The block changed since the preview: check it again."), messages.WARNING)
        elif request.method == "POST" and "confirm" in request.POST and rows:
            try:
                with transaction.atomic():
                    result = save_pasted_credits(title, rows)
                    self._record_paste(request, title, result)
            except PasteError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "%(credits)s credit(s) saved (%(existing)s already there); %(people)s new people, "
                        "%(orgs)s new organisations."
                    )
                    % {
                        "credits": result.created_credits,
                        "existing": result.existing_credits,
                        "people": len(result.created_people),
                        "orgs": len(result.created_organizations),
                    },
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:catalog_title_change", args=[title.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Paste credits on %(title)s") % {"title": title},
            "work": title,
            "text": text,
            "rows": rows,
            "credit_count": sum(1 for r in rows if r.is_credit),
            "has_problems": any(r.problems for r in rows),
            "warning_count": sum(len(r.warnings) for r in rows),
        }
        return TemplateResponse(request, "admin/people/paste_credits.html", context)


class CreditInline(AfficheTabularInline):
    """Credits on the title's change page; "Paste credits" sits in the page's tools."""

    model = Credit
    extra = 0
    fields = ["role", "person", "organization", "character", "character_full_name", "credited_as", "order"]
    autocomplete_fields = ["role", "person", "organization"]
    ordering = ["role__department__order", "role__order", "order", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("role", "person", "organization")
