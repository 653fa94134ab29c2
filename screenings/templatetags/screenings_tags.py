"""Display helpers for screenings (dates, languages, calendar links). The screenings' blocks on
the catalogue's pages are in screenings.hooks."""

from urllib.parse import urlencode

from babel.dates import format_interval
from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from screenings.localtime import datetime_label as _datetime_label
from screenings.localtime import locale_for

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


@register.simple_tag
def grid_block(block, may_move):
    """A screening's block on the programme grid (``screenings.grid.Block.html``)."""
    return block.html(may_move)
