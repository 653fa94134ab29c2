from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Case, Value, When
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import DetailView, ListView

from catalog.pagination import BoundedPaginationMixin
from catalog.text import slug_is
from catalog.views import SlugIexactMixin, TitleSubpageMixin

from .enums import OrganizationKind
from .jsonld import organization_jsonld, person_jsonld
from .models import Credit, Organization, OrganizationFormerSlug, Person, PersonFormerSlug, Role
from .rollup import (
    filmography,
    filmography_lines,
    first_of_each_role,
    title_credit_keys,
    title_credit_rows,
    title_credits,
    title_rollup,
)

#: The organisation page lists this many people credited for it (the most recent credits first).
AFFILIATED_FIRST = 20


def bounded_filmography(credits):
    """The filmography a person's or an organisation's page shows: the first works of each role
    (``rollup.FILMOGRAPHY_FIRST``), each role with its number of works, in constant queries."""
    lines, counts = first_of_each_role(filmography_lines(credits))
    groups = filmography(credits, lines)
    for group in groups:
        group.total = counts[group.role.pk]
    return groups


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
            former = self.former_model.objects.filter(slug_is(kwargs["slug"])).select_related("owner").first()
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
        context["filmography"] = bounded_filmography(Credit.objects.published().filter(person=person))
        context["credits_url"] = reverse("people:person_credits", kwargs={"slug": person.slug})
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
        context["filmography"] = bounded_filmography(Credit.objects.published().filter(organization=organization))
        context["credits_url"] = reverse("people:organization_credits", kwargs={"slug": organization.slug})
        # People credited for the organisation: the first ones, in the same bound as a role.
        affiliated = Credit.objects.published().filter(affiliations=organization).for_filmography()
        context["affiliated"] = list(affiliated[: AFFILIATED_FIRST + 1])
        context["affiliated_more"] = len(context["affiliated"]) > AFFILIATED_FIRST
        del context["affiliated"][AFFILIATED_FIRST:]
        context["jsonld"] = organization_jsonld(organization, self.request)
        return context


def role_asked(request) -> "Role | None":
    """The role of ``?role=<slug>`` (any case), None without one; an unknown role is a 404."""
    slug = request.GET.get("role", "")
    if not slug:
        return None
    role = Role.objects.filter(slug__iexact=slug[:60]).first()
    if role is None:
        raise Http404("No such role.")
    return role


def page_of(request, items: list, per_page: int):
    """The page of ``items`` that ``?page=`` asks for; a page that is not a number is a 404, a
    page beyond the last redirects to the last one."""
    paginator = Paginator(items, per_page)
    number = request.GET.get("page") or 1
    try:
        number = int(number)
    except (TypeError, ValueError) as exc:
        raise Http404("Not a page number.") from exc
    if number > paginator.num_pages:
        params = request.GET.copy()
        params["page"] = paginator.num_pages
        return HttpResponseRedirect(f"?{params.urlencode()}")
    try:
        return paginator.page(number)
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc


class CreditsPageMixin:
    """Every work of a person or an organisation in one role (``?role=<slug>``), or in every
    role, in pages of ``paginate_by`` works: the page that each role's "all works" link of the
    person's or organisation's page opens. An unknown role or a page that is not a number is a
    404; a page beyond the last goes to the last one."""

    template_name = "people/credits.html"
    paginate_by = 50
    credited_field = ""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.role = role_asked(request)
        credits = Credit.objects.published().filter(**{self.credited_field: self.object})
        lines = filmography_lines(credits.filter(role=self.role) if self.role else credits)
        page = page_of(request, lines, self.paginate_by)
        if isinstance(page, HttpResponseRedirect):
            return page
        context = self.get_context_data(object=self.object)
        context["page_obj"] = page
        context["role"] = self.role
        context["back_url"] = self.object.get_absolute_url()
        context["filmography"] = filmography(credits, list(page.object_list))
        context["query_without_page"] = urlencode({"role": self.role.slug}) if self.role else ""
        return self.render_to_response(context)


class PersonCreditsView(FormerSlugRedirectMixin, CreditsPageMixin, SlugIexactMixin, DetailView):
    context_object_name = "credited"
    former_model = PersonFormerSlug
    credited_field = "person"

    def get_queryset(self):
        return Person.objects.all()


class OrganizationCreditsView(FormerSlugRedirectMixin, CreditsPageMixin, SlugIexactMixin, DetailView):
    context_object_name = "credited"
    former_model = OrganizationFormerSlug
    credited_field = "organization"

    def get_queryset(self):
        return Organization.objects.all()


class TitleCreditsView(TitleSubpageMixin, DetailView):
    """Everyone credited on a title and its seasons and episodes in one role (``?role=<slug>``),
    or in every role, in pages of ``paginate_by`` lines: the page that each role's "All …" link
    of the title page opens (its page shows the first ``rollup.TITLE_CREDITS_FIRST``). An
    unknown role or a page that is not a number is a 404; a page beyond the last goes to the
    last one. Costs the title page's credits queries, whatever the number of credits."""

    template_name = "people/title_credits_page.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        role = role_asked(request)
        credits = title_credits(self.object)
        keys = title_credit_keys(credits.filter(role=role) if role else credits)
        page = page_of(request, keys, self.paginate_by)
        if isinstance(page, HttpResponseRedirect):
            return page
        context = self.get_context_data(object=self.object)
        context["page_obj"] = page
        context["role"] = role
        context["departments"] = title_rollup(self.object, title_credit_rows(credits, list(page.object_list)))
        context["query_without_page"] = urlencode({"role": role.slug}) if role else ""
        return self.render_to_response(context)
