"""Atom feed of what is new on streaming.

"New" is news to a reader of the feed: a release (an offer, or episodes offered alike) that has
not ended, dated by the day it became news. For a release already available that is the later
of the day it started and the day it was added to Affiche (a film added today that started last
year is news today; one announced in January that starts today is news today); for a coming
release it is the day it was announced (added). Newest first, at most ``FEED_SIZE`` entries.
"""

import datetime

from django.db.models import Case, DateField, F, When
from django.db.models.functions import Cast, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.feeds import AtomFeed

from .availability import releases
from .models import Offer, today
from .templatetags.streaming_tags import offer_price, release_window

FEED_SIZE = 30


class NewOnStreamingFeed(AtomFeed):
    page_url_name = "streaming:platform_list"
    title = gettext_lazy("New on streaming · Affiche")
    subtitle = gettext_lazy("Titles that have just arrived on a platform or have just been announced.")

    def items(self):
        """Offers that have not ended, by the day they became news (see the module's docstring):
        one query for the offers, three for the titles' localized names."""
        on = today()
        added = Cast("created", DateField())
        offers = (
            Offer.objects.published()
            .current_or_future(on)
            .annotate(
                news_day=Case(
                    When(available_from__lte=on, then=Greatest("available_from", added)),
                    default=added,
                    output_field=DateField(),
                )
            )
            .order_by(F("news_day").desc(), "-pk")
            .for_display()
        )
        return releases(list(offers[: FEED_SIZE * 4]), on)[:FEED_SIZE]

    def item_title(self, item):
        what = item.work.display_title()
        if item.part_label:
            what = f"{what} – {item.part_label}"
        return _("%(what)s on %(platform)s") % {"what": what, "platform": item.platform.name}

    def item_description(self, item):
        offer = item.offer
        parts = [offer.get_offer_type_display(), offer.country.name, release_window(item)]
        price = offer_price(offer)
        if price:
            parts.append(price)
        return " · ".join(p for p in parts if p)

    def item_link(self, item):
        return item.work.get_absolute_url()

    def item_guid(self, item):
        return f"urn:affiche:offer:{item.offer.pk}"

    def item_updateddate(self, item):
        """Midnight of the day the release became news (annotated by ``items``)."""
        return timezone.make_aware(datetime.datetime.combine(item.offer.news_day, datetime.time()))
