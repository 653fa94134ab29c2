"""Screenings on other apps' pages (title, home, search) and display helpers.

Each inclusion tag runs a fixed number of queries whatever the number of screenings."""

from urllib.parse import urlencode

from babel.dates import format_interval
from django import template
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import title_and_below
from screenings.localtime import datetime_label as _datetime_label
from screenings.localtime import locale_for
from screenings.models import Edition, Screening, ScreeningTitle, Venue

register = template.Library()


@register.filter
def datetime_label(value):
    """An aware datetime already in the venue's zone → "Wednesday, November 3, 2021, 9:00 am"."""
    return _datetime_label(value) if value else ""


@register.simple_tag
def date_range(first, last):
    """ "November 3 – 7, 2021" / "3–7 novembre 2021"."""
    return format_interval(first, last, "yMMMMd", locale=locale_for())


@register.simple_tag
def language_line(screening):
    """ "In French with English subtitles" / "En français, sous-titres en anglais"."""
    if screening.subtitle_language_id:
        return _("In %(language)s with %(subtitles)s subtitles") % {
            "language": screening.language.name,
            "subtitles": screening.subtitle_language.name,
        }
    return _("In %(language)s") % {"language": screening.language.name}


@register.simple_tag(takes_context=True)
def google_calendar_url(context, screening):
    request = context["request"]
    fmt = "%Y%m%dT%H%M%SZ"
    utc = timezone.UTC if hasattr(timezone, "UTC") else timezone.utc
    query = {
        "action": "TEMPLATE",
        "text": f"{screening.programme_title()} · {screening.label}"
        if screening.label
        else screening.programme_title(),
        "dates": f"{screening.starts_at.astimezone(utc):{fmt}}/{screening.ends_at.astimezone(utc):{fmt}}",
        "ctz": screening.venue.timezone,
        "location": str(screening.venue),
        "details": request.build_absolute_uri(screening.get_absolute_url()),
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


@register.inclusion_tag("screenings/includes/title_screenings.html", takes_context=True)
def title_screenings(context, title, limit=20):
    """Upcoming then past screenings of ``title`` and of its seasons and episodes: their ids,
    then 2 × (screenings + titles + 3 localized-title + partners) = 13 queries.

    The ids are read first (index on the shown title): given ``IN (subquery) ORDER BY starts_at
    LIMIT 20``, PostgreSQL walks every screening in time order looking for the few of this
    title; given the ids, it reads just those."""
    now = timezone.now()
    shown = ScreeningTitle.objects.filter(title__in=title_and_below(title))
    screenings = Screening.objects.filter(pk__in=list(shown.values_list("screening", flat=True).distinct()))
    return {
        "request": context.get("request"),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "title": title,
        "upcoming": list(screenings.upcoming(now).for_schedule()[:limit]),
        "past": list(screenings.past(now).for_schedule()[:limit]),
    }


@register.inclusion_tag("screenings/includes/home_upcoming.html", takes_context=True)
def upcoming_screenings(context, limit=6):
    """The next screenings (6 queries), or a link to the latest edition when there are none."""
    screenings = list(Screening.objects.upcoming().for_schedule()[:limit])
    latest = None if screenings else Edition.objects.select_related("festival").order_by("-starts_on").first()
    return {"request": context.get("request"), "screenings": screenings, "latest_edition": latest}


@register.inclusion_tag("screenings/includes/search_results.html")
def venue_and_festival_results(q, limit=10):
    """Venues (2 queries with rooms' buildings) and festival editions (1 query) matching ``q``."""
    q = (q or "").strip()
    if not q:
        return {"q": q, "venues": [], "editions": []}
    venues = list(Venue.objects.search(q)[:limit])
    editions = list(
        Edition.objects.filter(
            Q(name__icontains=q)
            | Q(slug__icontains=q)
            | Q(festival__name__icontains=q)
            | Q(festival__city__icontains=q)
        ).select_related("festival")[:limit]
    )
    return {"q": q, "venues": venues, "editions": editions}
