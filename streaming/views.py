from django.core.paginator import Paginator
from django.views.generic import DetailView, ListView

from catalog.views import SlugIexactMixin, TitleSubpageMixin

from .availability import in_page_order, releases, visible_offers, where_to_watch
from .enums import AudienceMetric
from .models import Offer, Platform, today

#: The platform page lists the first this many offers of each part (available now, coming soon);
#: the rest are on the part's own page (``PlatformOffersView``).
PLATFORM_OFFERS_FIRST = 30


def available_catalogue(offers, on) -> list[dict]:
    """Offers available on ``on`` as the platform page shows them: by work, each work with its
    releases (episodes offered alike grouped)."""
    catalogue: dict[int, dict] = {}
    for release in sorted(releases(offers, on), key=lambda r: (r.numbers, r.starts or on)):
        work = release.work
        catalogue.setdefault(work.pk, {"work": work, "releases": []})["releases"].append(release)
    return list(catalogue.values())


def platform_offers(platform, part: str, on):
    """The published offers of ``platform`` in ``part`` ("available" on ``on``, or "coming"
    after it), in page order, with what their rows show (``for_display``)."""
    offers = Offer.objects.published().filter(platform=platform).for_display()
    if part == "available":
        return offers.available_on(on).order_by("-available_from", "pk")
    return offers.coming_soon(on)


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
        # One more offer than shown tells whether the part's own page has more.
        available = list(platform_offers(self.object, "available", on)[: PLATFORM_OFFERS_FIRST + 1])
        coming = list(platform_offers(self.object, "coming", on)[: PLATFORM_OFFERS_FIRST + 1])
        context["catalogue"] = available_catalogue(available[:PLATFORM_OFFERS_FIRST], on)
        context["coming"] = releases(coming[:PLATFORM_OFFERS_FIRST], on)
        context["more_available"] = len(available) > PLATFORM_OFFERS_FIRST
        context["more_coming"] = len(coming) > PLATFORM_OFFERS_FIRST
        context["plans"] = list(self.object.plans.all())
        order = list(AudienceMetric.values)
        context["figures"] = sorted(
            self.object.audience_figures.all(), key=lambda f: (order.index(f.metric), f.stated_on)
        )
        context["today"] = on
        return context


class PlatformOffersView(SlugIexactMixin, DetailView):
    """Every offer of a platform available today (``part`` "available") or coming soon
    ("coming"), ``paginate_by`` a page, shown as on the platform page: the page its "All offers"
    links open when the platform page shows the first ``PLATFORM_OFFERS_FIRST``. Any ``?page=``
    is a page: not a number is the first, beyond the last is the last."""

    template_name = "streaming/platform_offers.html"
    context_object_name = "platform"
    paginate_by = 100

    def get_queryset(self):
        return Platform.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = today()
        part = self.kwargs["part"]
        offers = platform_offers(self.object, part, on)
        page = Paginator(offers, self.paginate_by).get_page(self.request.GET.get("page"))
        shown = list(page.object_list)
        context["page_obj"] = page
        context["part"] = part
        context["today"] = on
        if part == "available":
            context["catalogue"] = available_catalogue(shown, on)
        else:
            context["coming"] = releases(shown, on)
        return context


class TitleOffersView(TitleSubpageMixin, DetailView):
    """Every offer of a title, its ancestors', its seasons' and its episodes', in pages of
    ``paginate_by`` offers grouped as on the title page: the page its "every offer" link opens
    when the title page shows the first ones (``availability.TITLE_OFFERS_FIRST``). Any
    ``?page=`` is a page: not a number is the first, beyond the last is the last."""

    template_name = "streaming/title_offers.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offers = in_page_order(visible_offers(self.request).around(self.object).for_title_page())
        page = Paginator(offers, self.paginate_by).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["watch"] = where_to_watch(self.object, list(page.object_list))
        return context
