from django.core.paginator import Paginator
from django.views.generic import DetailView, ListView

from catalog.models import Title
from catalog.publishing import PreviewMixin, visible_to
from catalog.views import SlugIexactMixin

from .availability import in_page_order, releases, visible_offers, where_to_watch
from .enums import AudienceMetric
from .models import Offer, Platform, today

#: The platform page lists at most this many offers in each part; the rest is in the title list.
CATALOGUE_LIMIT = 200


class PlatformListView(ListView):
    template_name = "streaming/platform_list.html"
    context_object_name = "platforms"

    def get_queryset(self):
        return Platform.objects.for_listing()


class PlatformDetailView(SlugIexactMixin, DetailView):
    """A platform: plans compared, conditions, devices, figures, catalogue now and coming soon."""

    template_name = "streaming/platform_detail.html"
    context_object_name = "platform"

    def get_queryset(self):
        return Platform.objects.for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = today()
        offers = Offer.objects.published().filter(platform=self.object).for_display()
        available = list(offers.available_on(on).order_by("-available_from", "pk")[:CATALOGUE_LIMIT])
        coming = list(offers.coming_soon(on)[:CATALOGUE_LIMIT])
        catalogue: dict[int, dict] = {}
        for release in sorted(releases(available, on), key=lambda r: (r.numbers, r.starts or on)):
            work = release.work
            catalogue.setdefault(work.pk, {"work": work, "releases": []})["releases"].append(release)
        context["catalogue"] = list(catalogue.values())
        context["coming"] = releases(coming, on)
        context["catalogue_truncated"] = len(available) == CATALOGUE_LIMIT
        context["plans"] = list(self.object.plans.all())
        order = list(AudienceMetric.values)
        context["figures"] = sorted(
            self.object.audience_figures.all(), key=lambda f: (order.index(f.metric), f.stated_on)
        )
        context["today"] = on
        return context


class TitleOffersView(PreviewMixin, SlugIexactMixin, DetailView):
    """Every offer of a title, its ancestors', its seasons' and its episodes', in pages of
    ``paginate_by`` offers grouped as on the title page: the page its "every offer" link opens
    when the title page shows the first ones (``availability.TITLE_OFFERS_FIRST``). Any
    ``?page=`` is a page: not a number is the first, beyond the last is the last."""

    template_name = "streaming/title_offers.html"
    context_object_name = "title"
    paginate_by = 100

    def get_queryset(self):
        names = ["localized_titles", "parent__localized_titles", "parent__parent__localized_titles"]
        return visible_to(self.request, Title.objects.select_related("parent__parent").prefetch_related(*names))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offers = in_page_order(visible_offers(self.request).around(self.object).for_title_page())
        page = Paginator(offers, self.paginate_by).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["watch"] = where_to_watch(self.object, list(page.object_list))
        return context
