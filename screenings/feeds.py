"""Atom feed of upcoming screenings (beside the iCalendar feeds), soonest first."""

from django.utils.translation import gettext_lazy

from catalog.feeds import AtomFeed

from .enums import ScreeningStatus
from .models import Screening

FEED_SIZE = 50


class UpcomingScreeningsFeed(AtomFeed):
    page_url_name = "screenings:screening_list"
    title = gettext_lazy("Upcoming screenings · Affiche")
    subtitle = gettext_lazy("Screenings and festival showings that have not ended yet, soonest first.")

    def items(self):
        """Public screenings that have not ended (``public`` preloads what an entry names)."""
        return Screening.objects.public().upcoming()[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.programme_title()} — {item.when_label()}"

    def item_description(self, item):
        parts = [str(item.venue)]
        if item.edition:
            parts.append(str(item.edition))
        if item.status != ScreeningStatus.SCHEDULED:
            parts.insert(0, item.get_status_display())
        return " · ".join(parts)

    def item_updateddate(self, item):
        return item.updated

    def item_pubdate(self, item):
        return item.created
