from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, Value, When
from django.http import Http404, HttpResponsePermanentRedirect
from django.views.generic import DetailView, ListView

from catalog.pagination import BoundedPaginationMixin
from catalog.views import SlugIexactMixin

from .enums import OrganizationKind
from .jsonld import organization_jsonld, person_jsonld
from .models import Credit, Organization, OrganizationFormerSlug, Person, PersonFormerSlug
from .rollup import filmography


class PersonListView(BoundedPaginationMixin, ListView):
    """People, searchable by name or alias (``?q=``), in bounded pages (``catalog.pagination``);
    an unknown page is a 404."""

    template_name = "people/person_list.html"
    context_object_name = "people"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        self.q = self.request.GET.get("q", "")[:200].replace("\x00", "")
        people = Person.objects.for_listing()
        return people.search(self.q) if self.q.strip() else people

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.q
        context["query_without_page"] = urlencode({"q": self.q}) if self.q else ""
        return context


class FormerSlugRedirectMixin:
    """An address a record had before (a slug change, a merged duplicate) answers 301 to the
    record's page in the same language; a slug in use always wins over a former one."""

    former_model = None

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            former = self.former_model.objects.filter(slug__iexact=kwargs["slug"]).select_related("owner").first()
            if former is None:
                raise
            url = former.owner.get_absolute_url()
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


class PersonDetailView(FormerSlugRedirectMixin, SlugIexactMixin, DetailView):
    template_name = "people/person_detail.html"
    context_object_name = "person"
    former_model = PersonFormerSlug

    def get_queryset(self):
        return Person.objects.for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["biography"], context["biography_language"] = person.biography()
        context["filmography"] = filmography(
            Credit.objects.published().filter(person=person).for_filmography(names=False)
        )
        context["jsonld"] = person_jsonld(person, self.request)
        return context


class OrganizationListView(BoundedPaginationMixin, ListView):
    """Organisations grouped by kind (in the order of the kinds), by name within a kind;
    ``?kind=`` shows one kind (an unknown kind: all)."""

    template_name = "people/organization_list.html"
    context_object_name = "organizations"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        kinds = OrganizationKind.values
        self.kind = self.request.GET.get("kind", "")
        organizations = Organization.objects.select_related("country").order_by(
            Case(*[When(kind=kind, then=Value(i)) for i, kind in enumerate(kinds)], default=Value(len(kinds))),
            "name",
            "pk",
        )
        if self.kind in kinds:
            return organizations.filter(kind=self.kind)
        self.kind = ""
        return organizations

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        used = set(Organization.objects.values_list("kind", flat=True).distinct())
        context["kinds"] = [(value, label) for value, label in OrganizationKind.choices if value in used]
        context["kind"] = self.kind
        context["query_without_page"] = urlencode({"kind": self.kind}) if self.kind else ""
        return context


class OrganizationDetailView(FormerSlugRedirectMixin, SlugIexactMixin, DetailView):
    template_name = "people/organization_detail.html"
    context_object_name = "organization"
    former_model = OrganizationFormerSlug

    def get_queryset(self):
        return Organization.objects.for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.object
        context["history"], context["history_language"] = organization.history()
        context["filmography"] = filmography(
            Credit.objects.published().filter(organization=organization).for_filmography()
        )
        context["affiliated"] = list(Credit.objects.published().filter(affiliations=organization).for_filmography())
        context["jsonld"] = organization_jsonld(organization, self.request)
        return context
