from django.views.generic import DetailView, ListView

from catalog.views import SlugIexactMixin

from .availability import releases
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
