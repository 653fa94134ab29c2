"""Atom feed of upcoming screenings (beside the iCalendar feeds), soonest first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy

from .enums import ScreeningStatus
from .models import Screening

FEED_SIZE = 50


class UpcomingScreeningsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Upcoming screenings · Affiche")
    subtitle = gettext_lazy("Screenings and festival showings that have not ended yet, soonest first.")

    def link(self):
        return reverse("screenings:screening_list")

    def items(self):
        """Screenings that have not ended (``for_schedule`` preloads what an entry names)."""
        return Screening.objects.upcoming().for_schedule()[:FEED_SIZE]

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
