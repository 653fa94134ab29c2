from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import extensions
from .distinctions import distinctions
from .filters import TitleFilter
from .jsonld import title_jsonld, website_jsonld
from .models import Collection, Title
from .pagination import BoundedPaginationMixin
from .publishing import PreviewMixin, visible_to
from .text import slug_is

#: How many seasons or episodes a title page lists; the rest are on the title's episodes page.
CHILDREN_FIRST = 30


class SlugIexactMixin:
    """``get_object`` for detail views addressed by ``<slug>``: the row of ``get_queryset()``
    whose slug matches whatever its case, or a 404."""

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        try:
            return queryset.get(slug_is(self.kwargs["slug"]))
        except queryset.model.DoesNotExist as exc:
            raise Http404 from exc


class HomeView(TemplateView):
    template_name = "catalog/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        titles = Title.objects.published(now)
        context["recent_titles"] = recent = list(titles.top_level().for_listing().order_by("-created", "-pk")[:8])
        context["distinctions"] = distinctions(recent)
        # The collections' published titles are shown as posters: their images come in one more query.
        context["collections"] = Collection.objects.filter(is_published=True).prefetch_related(
            Prefetch("titles", queryset=titles.prefetch_related("localized_titles", "images"))
        )[:6]
        context["sections"] = extensions.build_sections(extensions.home_sections, self.request)
        context["jsonld"] = website_jsonld(self.request)
        return context


class TitleListView(BoundedPaginationMixin, FilterView):
    """The catalogue with its filters. Invalid filter values are shown as form errors
    and ignored (``strict = False``); an unknown page is a 404; pages are bounded
    (``catalog.pagination``)."""

    filterset_class = TitleFilter
    template_name = "catalog/title_list.html"
    context_object_name = "titles"
    paginate_by = settings.PAGE_SIZE
    strict = False

    def get_queryset(self):
        return Title.objects.published().for_listing()

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so that the default (top-level works only) applies without parameters.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_without_page"] = params.urlencode()
        context["distinctions"] = distinctions(context["titles"])
        return context


class TitleDetailView(PreviewMixin, SlugIexactMixin, DetailView):
    """A published title; a draft or scheduled one is a 404, except to staff (a preview)."""

    template_name = "catalog/title_detail.html"
    context_object_name = "title"

    def get_queryset(self):
        return visible_to(self.request, Title.objects.for_detail())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title = self.object
        # The first CHILDREN_FIRST seasons or episodes (one more read to know whether there are
        # others: then one count, and "All N episodes" opens the title's episodes page).
        children = list(title.children_for_page()[: CHILDREN_FIRST + 1])
        more = len(children) > CHILDREN_FIRST
        context["children"] = children = children[:CHILDREN_FIRST]
        context["children_total"] = title.children_for_page().count() if more else len(children)
        context["previous"], context["next"] = title.siblings_around()
        context["synopsis"], context["synopsis_language"] = title.synopsis()
        context["related"] = related = list(title.related.all())
        context["distinctions"] = distinctions(related)
        sections = extensions.build_sections(extensions.title_sections, self.request, title=title, children=children)
        context["sections"] = sections
        context["jsonld"] = title_jsonld(title, self.request, children, sections, context["children_total"])
        return context


class TitleSubpageMixin(PreviewMixin, SlugIexactMixin):
    """For a page about one title beside its own (its episodes, credits, offers), addressed by
    the title's slug: the title as ``title`` with its parent chain and their names (a draft is a
    404 except to staff, who see a preview)."""

    context_object_name = "title"

    def get_queryset(self):
        names = ["localized_titles", "parent__localized_titles", "parent__parent__localized_titles"]
        return visible_to(self.request, Title.objects.select_related("parent__parent").prefetch_related(*names))


class TitleChildrenView(TitleSubpageMixin, DetailView):
    """Every season or episode of a title, ``paginate_by`` a page with their synopses: the page
    its "All N episodes" link opens when the title page shows the first ``CHILDREN_FIRST``.
    Any ``?page=`` is a page: not a number is the first, beyond the last is the last."""

    template_name = "catalog/title_children.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.object.children_for_page(), self.paginate_by).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["children"] = list(page.object_list)
        return context


class SearchView(TemplateView):
    """One result page over everything public; each app adds its own group of results."""

    template_name = "catalog/search.html"
    limit = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:200].replace("\x00", "")
        context["q"] = query
        context["titles"] = (
            list(Title.objects.published().search(query).for_listing()[: self.limit]) if query.strip() else []
        )
        context["distinctions"] = distinctions(context["titles"])
        if query:
            context["sections"] = extensions.build_sections(extensions.search_sections, self.request, q=query)
        return context
