"""Offers read for the pages: grouped into releases ("Episodes 3–4 from 1 March 2026").

Everything here works on offers already loaded; the queries live in ``OfferQuerySet``.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, F, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.enums import TitleKind
from catalog.publishing import visible_to
from catalog.text import number_ranges
from catalog.typography import long_date

from .enums import OFFER_TYPE_ORDER, Availability
from .models import Offer, today

# The names the template tags import.
AVAILABLE, COMING, ENDED = Availability.AVAILABLE, Availability.COMING, Availability.ENDED


def status_of(offer: Offer, on: datetime.date) -> Availability:
    if offer.available_from and offer.available_from > on:
        return Availability.COMING
    if offer.available_until and offer.available_until <= on:
        return Availability.ENDED
    return Availability.AVAILABLE


#: How many offers a title page reads: its own and its ancestors' first, then its seasons' and
#: episodes'; the rest are on the title's offers page (``streaming:title_offers``, paginated).
TITLE_OFFERS_FIRST = 60


def in_page_order(offers):
    """``offers`` in the order the pages list them: by first day (none first), then by id."""
    return offers.order_by(F("available_from").asc(nulls_first=True), "pk")


def visible_offers(request=None):
    """Published offers, or every offer to staff who may preview them: an offer has no page of
    its own, so its preview is its title's page."""
    return visible_to(request, Offer.objects.all()) if request is not None else Offer.objects.published()


def offers_for_title(title, request=None, first: int = TITLE_OFFERS_FIRST) -> tuple[list[Offer], bool]:
    """(the offers shown on ``title``'s page, whether there are more): its own and its
    ancestors' (which count for it), then its seasons' and episodes' ("episodes 1–2
    available…"), at most ``first`` in all, in page order; one query plus one for the
    platforms' plans. The title page reads them once for its table and its JSON-LD
    (streaming.hooks)."""
    own = [title.pk, *(a.pk for a in title.ancestors())]
    found = list(
        visible_offers(request)
        .around(title)
        .for_title_page()
        .order_by(
            Case(When(title_id__in=own, then=Value(0)), default=Value(1)),
            F("available_from").asc(nulls_first=True),
            "pk",
        )[: first + 1]
    )
    more = len(found) > first
    del found[first:]
    found.sort(key=lambda o: (o.available_from is not None, o.available_from or datetime.date.min, o.pk))
    return found, more


@dataclass
class Release:
    """Offers that differ only by episode: one row of a table, one line of "coming soon"."""

    offers: list[Offer]
    status: Availability
    part_label: str = ""
    numbers: list[int] = field(default_factory=list)

    @property
    def offer(self) -> Offer:
        return self.offers[0]

    @property
    def work(self):
        """The top-level work (the series of an episode); needs ``title__parent__parent`` loaded."""
        return self.offer.title.root()

    @property
    def starts(self):
        return self.offer.available_from

    @property
    def last_day(self):
        return self.offer.last_day

    @property
    def platform(self):
        return self.offer.platform


def _part_label(offer: Offer, numbers: list[int], page_title=None) -> str:
    """What part of the work the release covers, as seen from ``page_title`` (or from the work)."""
    title = offer.title
    if page_title is not None and title.pk == page_title.pk:
        return ""
    if title.kind == TitleKind.EPISODE:
        episodes = ngettext("Episode %(numbers)s", "Episodes %(numbers)s", len(numbers)) % {
            "numbers": number_ranges(numbers)
        }
        parent = title.parent
        if parent.kind == TitleKind.SEASON and (page_title is None or page_title.pk != parent.pk):
            return _("Season %(season)s, %(episodes)s") % {"season": parent.number, "episodes": episodes.lower()}
        return episodes
    if page_title is not None:
        for ancestor in page_title.ancestors():
            if ancestor.pk == title.pk:  # the page's own copy has its names loaded
                return ancestor.display_title()
    if title.kind == TitleKind.SEASON:
        return title.label_without_series()
    return ""


def releases(offers, on: datetime.date | None = None, page_title=None) -> list[Release]:
    """Groups episodes of one parent offered alike (same platform, country, type, window,
    price) into one release, keeping the order of ``offers``."""
    on = on or today()
    groups: dict[tuple, Release] = {}
    for offer in offers:
        title = offer.title
        is_episode = title.kind == TitleKind.EPISODE
        key = (
            title.parent_id if is_episode else ("title", title.pk),
            offer.platform_id,
            offer.country_id,
            offer.offer_type,
            offer.available_from,
            offer.available_until,
            offer.price,
            offer.currency,
            offer.quality,
            offer.exclusive,
        )
        release = groups.get(key)
        if release is None:
            release = groups[key] = Release(offers=[], status=status_of(offer, on))
        release.offers.append(offer)
        if is_episode and title.number is not None:
            release.numbers.append(title.number)
    result = list(groups.values())
    for release in result:
        release.numbers.sort()
        release.part_label = _part_label(release.offer, release.numbers, page_title)
    return result


def date_label(day) -> str:
    return long_date(day)


def schedule_summary(rels: list[Release]) -> str:
    """ "Episodes 1–2 available, 3–4 from 1 March 2026, 5–7 from 1 April 2026" for the
    episode releases of one platform."""
    pieces = []
    available = sorted(n for r in rels if r.status == Availability.AVAILABLE for n in r.numbers)
    if available:
        pieces.append(_("%(numbers)s available") % {"numbers": number_ranges(available)})
    for release in sorted(rels, key=lambda r: (r.numbers[:1], r.starts or datetime.date.min)):
        if not release.numbers or release.status == Availability.AVAILABLE:
            continue
        numbers = number_ranges(release.numbers)
        if release.status == Availability.COMING:
            pieces.append(_("%(numbers)s from %(date)s") % {"numbers": numbers, "date": date_label(release.starts)})
        else:
            pieces.append(_("%(numbers)s no longer available") % {"numbers": numbers})
    if not pieces:
        return ""
    return _("Episodes %(schedule)s") % {"schedule": ", ".join(pieces)}


@dataclass
class CountryOffers:
    country: object
    types: list[tuple[str, list[Release]]]


def where_to_watch(title, offers: list[Offer], on: datetime.date | None = None) -> dict:
    """What the title page shows from ``offers_for_title(title)``: current and coming releases
    by country then by type, a summary per platform of episode batches, what is coming soon and
    what has ended."""
    on = on or today()
    rels = releases(offers, on, page_title=title)
    live = [r for r in rels if r.status != Availability.ENDED]
    by_country: dict[str, CountryOffers] = {}
    for release in sorted(
        live, key=lambda r: (r.offer.country.name, OFFER_TYPE_ORDER.index(r.offer.offer_type), r.platform.name)
    ):
        entry = by_country.setdefault(release.offer.country_id, CountryOffers(release.offer.country, []))
        label = release.offer.get_offer_type_display()
        if not entry.types or entry.types[-1][0] != label:
            entry.types.append((label, []))
        entry.types[-1][1].append(release)
    summaries = []
    platforms: dict[tuple, list[Release]] = {}
    for release in rels:
        if release.numbers:
            platforms.setdefault((release.platform, release.offer.country, release.offer.offer_type), []).append(
                release
            )
    for (platform, country, _type), group in platforms.items():
        if any(r.status != Availability.AVAILABLE for r in group):
            summaries.append({"platform": platform, "country": country, "text": schedule_summary(group)})
    return {
        "countries": list(by_country.values()),
        "summaries": summaries,
        "coming": sorted((r for r in rels if r.status == Availability.COMING), key=lambda r: r.starts),
        "ended": [r for r in rels if r.status == Availability.ENDED],
        "on": on,
    }
