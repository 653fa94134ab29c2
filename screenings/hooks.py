"""The screenings app's parts of the catalogue (catalog.extensions), registered from
``ScreeningsConfig.ready()``: screenings on the title page and the home page, venues and
festivals in search results, the "upcoming screenings" filter of the title list, the CSV
resources, the demo, the synthetic catalogue and the roles."""

from django.db.models import Q
from django.utils import timezone

from catalog import extensions
from catalog.roles import ALL_ACTIONS, EDITOR, PROGRAMMER, READ, VIEWER

#: How many upcoming (and past) screenings the title page lists, and the home page.
TITLE_LIMIT = 20
HOME_LIMIT = 6
SEARCH_LIMIT = 10


@extensions.section(
    extensions.title_sections,
    "screenings/includes/title_screenings.html",
    name="screenings",
    slot="after_children",
    order=10,
    queries=13,
)
def title_screenings_section(request, title, children):
    """Upcoming then past screenings of ``title`` and of its seasons and episodes: their ids,
    then 2 × (screenings + titles + 3 localized-title + partners) = 13 queries.

    The ids are read first (index on the shown title): given ``IN (subquery) ORDER BY starts_at
    LIMIT 20``, PostgreSQL walks every screening in time order looking for the few of this
    title; given the ids, it reads just those."""
    from catalog.models import title_and_below

    from .models import Screening, ScreeningTitle

    now = timezone.now()
    shown = ScreeningTitle.objects.filter(title__in=title_and_below(title))
    screenings = Screening.objects.filter(pk__in=list(shown.values_list("screening", flat=True).distinct()))
    return {
        "upcoming": list(screenings.public(now).upcoming(now)[:TITLE_LIMIT]),
        "past": list(screenings.public(now).past(now)[:TITLE_LIMIT]),
    }


@extensions.section(
    extensions.home_sections,
    "screenings/includes/home_upcoming.html",
    name="screenings",
    slot="aside",
    order=10,
    queries=8,
)
def home_screenings_section(request):
    """The next screenings (6 queries); when there are none, the latest past ones, said so,
    and a link to the latest edition (1 query for the empty list, 6 for the past, 1 edition)."""
    from .models import Edition, Screening

    screenings = list(Screening.objects.public().upcoming()[:HOME_LIMIT])
    if screenings:
        return {"screenings": screenings, "past": [], "latest_edition": None}
    past = list(Screening.objects.public().past()[:HOME_LIMIT])
    latest = Edition.objects.published().select_related("festival").order_by("-starts_on").first()
    return {"screenings": [], "past": past, "latest_edition": latest}


@extensions.section(
    extensions.search_sections,
    "screenings/includes/search_results.html",
    name="venues-and-festivals",
    order=20,
    queries=3,
)
def venue_and_festival_results(request, q):
    """Venues (2 queries with rooms' buildings) and festival editions (1 query) matching ``q``."""
    from .models import Edition, Venue

    q = (q or "").strip()
    if not q:
        return {"venues": [], "editions": []}
    venues = list(Venue.objects.search(q)[:SEARCH_LIMIT])
    editions = list(
        Edition.objects.published()
        .filter(
            Q(name__icontains=q)
            | Q(slug__icontains=q)
            | Q(festival__name__icontains=q)
            | Q(festival__city__icontains=q)
        )
        .select_related("festival")[:SEARCH_LIMIT]
    )
    return {"venues": venues, "editions": editions}


#: What each staff role may do with this app's records (catalog.roles).
ROLES = {EDITOR: READ, PROGRAMMER: ALL_ACTIONS, VIEWER: READ}


def next_screening_change(now):
    """A scheduled edition or screening is announced, an upcoming screening ends (it leaves
    "upcoming" for "past" on every page that lists screenings). Three indexed MIN queries."""
    from django.db.models import Min

    from .models import Edition, Screening

    moments = [
        Screening.objects.filter(ends_at__gt=now).aggregate(at=Min("ends_at"))["at"],
        Screening.objects.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"],
        Edition.objects.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"],
    ]
    return min((m for m in moments if m is not None), default=None)


def register():
    from . import demo, generate
    from .filters import UpcomingScreeningFilter
    from .resources import ClosureResource, FestivalResource, ScreeningResource, VenueResource

    extensions.title_filters.register(extensions.TitleFilter("screening", UpcomingScreeningFilter, order=30))
    extensions.public_pages.register(extensions.PublicPage("screenings:screening_list", order=20))
    extensions.public_pages.register(extensions.PublicPage("screenings:venue_list", order=24))
    extensions.public_pages.register(extensions.PublicPage("screenings:festival_list", order=22))
    # Closures after the screenings: a file's closure over a booked screening is its row's error.
    csv = [
        ("venues", VenueResource),
        ("festivals", FestivalResource),
        ("screenings", ScreeningResource),
        ("closures", ClosureResource),
    ]
    parts = {"demo": demo.load, "generate": generate.generate, "sizes": {"screenings": 200_000}}
    extensions.register_data("screenings", order=30, csv=csv, roles=ROLES, **parts)
    extensions.clock_boundaries.register(extensions.ClockBoundary("screenings", next_screening_change))
