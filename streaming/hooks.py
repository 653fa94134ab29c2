"""The streaming app's parts of the catalogue (catalog.extensions), registered from
``StreamingConfig.ready()``: "Where to watch" on the title page and in its JSON-LD, new and
coming releases on the home page, platforms in search results, the platform and "available now"
filters of the title list, the offers inline and the batch-release action on the title admin,
the CSV resources, the demo, the synthetic catalogue and the roles."""

from catalog import extensions
from catalog.roles import ALL_ACTIONS, EDITOR, PROGRAMMER, READ, VIEWER

#: How many releases the home page shows in "new" and in "coming soon".
HOME_LIMIT = 8
SEARCH_LIMIT = 20


def where_to_watch_jsonld(request, title, data):
    from .jsonld import title_parts

    return title_parts(title, data["offers"], request)


@extensions.section(
    extensions.title_sections,
    "streaming/includes/where_to_watch.html",
    name="where-to-watch",
    slot="after_children",
    order=20,
    queries=2,
    jsonld=where_to_watch_jsonld,
)
def where_to_watch_section(request, title, children):
    """Where to watch ``title``: two queries (offers, then the platforms' plans), none if
    there are no offers beyond the first; the JSON-LD uses the same offers. At most
    ``availability.TITLE_OFFERS_FIRST`` offers (its own first); the rest of its seasons' and
    episodes' are on the title's offers page."""
    from django.urls import reverse

    from .availability import offers_for_title, where_to_watch

    offers, more = offers_for_title(title, request)
    url = reverse("streaming:title_offers", kwargs={"slug": title.slug}) if more else ""
    return {"offers": offers, "watch": where_to_watch(title, offers), "offers_url": url}


@extensions.section(
    extensions.home_sections, "streaming/includes/home.html", name="streaming", slot="aside", order=20, queries=12
)
def home_streaming_section(request):
    """New on streaming (last 30 days) and coming soon: 2 × (1 offers query + 3 for the
    titles' names of title, parent and grandparent); when both are empty, what is available
    now (4 more)."""
    from django.db.models import F

    from .availability import releases
    from .models import Offer, today

    on = today()
    offers = Offer.objects.published().for_display()
    new = releases(list(offers.new(30, on)[: HOME_LIMIT * 4]), on)[:HOME_LIMIT]
    coming = releases(list(offers.coming_soon(on)[: HOME_LIMIT * 4]), on)[:HOME_LIMIT]
    available = []
    if not new and not coming:
        # Nothing new nor announced: what can be watched today, latest arrivals first, rather
        # than two empty headings (4 more queries).
        latest = offers.available_on(on).order_by(F("available_from").desc(nulls_last=True), "pk")
        available = releases(list(latest[: HOME_LIMIT * 4]), on)[:HOME_LIMIT]
    return {"new": new, "coming": coming, "available": available}


@extensions.section(
    extensions.search_sections, "streaming/includes/search_results.html", name="platforms", order=30, queries=1
)
def platform_results(request, q):
    """Platforms whose name matches ``q``: one query."""
    from .models import Platform

    platforms = list(Platform.objects.search(q).select_related("operator")[:SEARCH_LIMIT]) if q.strip() else []
    return {"platforms": platforms}


def can_plan_batch_release(request) -> bool:
    """The batch-release view's own rule (streaming.admin ``OfferAdmin.batch_release_view``)."""
    return request.user.has_perm("streaming.add_offer")


#: What each staff role may do with this app's records (catalog.roles).
ROLES = {EDITOR: ALL_ACTIONS, PROGRAMMER: READ, VIEWER: READ}


def next_offer_announcement(now):
    """A scheduled offer is announced. Its window counts in days (available now, new, coming
    and leaving soon): the page cache's own midnight boundary covers those."""
    from django.db.models import Min

    from .models import Offer

    return Offer.objects.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"]


#: ``Offer.work``: the top-level work of the offer's title, kept by catalog.toplevel's triggers.
OFFER_WORK = extensions.WorkColumn("streaming_offer", migration=("streaming", "0013_offer_work"))


def register():
    from . import demo, generate
    from .admin import OfferInline, batch_release_action
    from .filters import AvailableFilter, PlatformFilter
    from .resources import OfferResource, PlanResource, PlatformResource

    extensions.work_columns.register(OFFER_WORK)
    extensions.title_filters.register(extensions.TitleFilter("platform", PlatformFilter, order=10))
    extensions.title_filters.register(extensions.TitleFilter("available", AvailableFilter, order=20))
    extensions.title_admin_parts.register(
        extensions.TitleAdminPart(
            name="batch-release",
            inlines=(OfferInline,),
            actions=(batch_release_action,),
            permission=can_plan_batch_release,
            order=20,
        )
    )
    extensions.public_pages.register(extensions.PublicPage("streaming:platform_list", order=30))
    csv = [("platforms", PlatformResource), ("plans", PlanResource), ("offers", OfferResource)]
    parts = {"demo": demo.load, "generate": generate.generate, "sizes": {"offers": 300_000}}
    extensions.register_data("streaming", order=40, csv=csv, roles=ROLES, **parts)
    extensions.clock_boundaries.register(extensions.ClockBoundary("streaming", next_offer_announcement))
