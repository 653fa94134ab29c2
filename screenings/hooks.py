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
        "upcoming": list(screenings.upcoming(now).for_schedule()[:TITLE_LIMIT]),
        "past": list(screenings.past(now).for_schedule()[:TITLE_LIMIT]),
    }


def home_screenings_section(request):
    """The next screenings (6 queries), or a link to the latest edition when there are none."""
    from .models import Edition, Screening

    screenings = list(Screening.objects.upcoming().for_schedule()[:HOME_LIMIT])
    latest = None if screenings else Edition.objects.select_related("festival").order_by("-starts_on").first()
    return {"screenings": screenings, "latest_edition": latest}


def venue_and_festival_results(request, q):
    """Venues (2 queries with rooms' buildings) and festival editions (1 query) matching ``q``."""
    from .models import Edition, Venue

    q = (q or "").strip()
    if not q:
        return {"venues": [], "editions": []}
    venues = list(Venue.objects.search(q)[:SEARCH_LIMIT])
    editions = list(
        Edition.objects.filter(
            Q(name__icontains=q)
            | Q(slug__icontains=q)
            | Q(festival__name__icontains=q)
            | Q(festival__city__icontains=q)
        ).select_related("festival")[:SEARCH_LIMIT]
    )
    return {"venues": venues, "editions": editions}


def register():
    from . import demo, generate
    from .filters import UpcomingScreeningFilter
    from .resources import FestivalResource, ScreeningResource, VenueResource

    extensions.title_sections.register(
        extensions.Section(
            name="screenings",
            template="screenings/includes/title_screenings.html",
            context=title_screenings_section,
            slot="after_children",
            order=10,
            queries=13,
        )
    )
    extensions.home_sections.register(
        extensions.Section(
            name="screenings",
            template="screenings/includes/home_upcoming.html",
            context=home_screenings_section,
            slot="aside",
            order=10,
            queries=6,
        )
    )
    extensions.search_sections.register(
        extensions.Section(
            name="venues-and-festivals",
            template="screenings/includes/search_results.html",
            context=venue_and_festival_results,
            order=20,
            queries=3,
        )
    )
    extensions.title_filters.register(extensions.TitleFilter("screening", UpcomingScreeningFilter, order=30))
    extensions.public_pages.register(extensions.PublicPage("screenings:screening_list", order=20))
    extensions.csv_resources.register(extensions.CsvResource("venues", VenueResource, order=30))
    extensions.csv_resources.register(extensions.CsvResource("festivals", FestivalResource, order=31))
    extensions.csv_resources.register(extensions.CsvResource("screenings", ScreeningResource, order=32))
    extensions.demo_loaders.register(extensions.DataStep("screenings", demo.load, order=30))
    extensions.catalogue_generators.register(
        extensions.DataStep("screenings", generate.generate, order=30, sizes={"screenings": 200_000})
    )
    extensions.role_permissions.register(
        extensions.RolePermissions("screenings", {EDITOR: READ, PROGRAMMER: ALL_ACTIONS, VIEWER: READ}, order=30)
    )
