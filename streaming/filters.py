"""Title-list filters the streaming app adds to ``catalog.filters.TitleFilter``."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from catalog.filters import has_any, shows_works_only

from .models import Offer, Platform, today


def offered_titles(offers, works_only: bool = False) -> Q:
    """Titles that ``offers`` make watchable. A work (what the list shows by default): one
    ``EXISTS`` over its offers, found through the work stored on each offer (``Offer.work``,
    catalog.toplevel), one probe of the index on (work, platform) instead of one per level. A
    season or an episode (the list by kind or by search): ``offered_parts``. With
    ``works_only`` (the list shows works only), the second branch is left out."""
    # A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL made the EXISTS a hash semi-join
    # over every matching offer (100,000 for "available now", 0.4 s); this is one probe of the
    # index on (work, platform) per work, and the bounded count stops early.
    works = Q(parent__isnull=True) & has_any(offers.filter(work=OuterRef("pk")))
    if works_only:
        return works
    return works | Q(parent__isnull=False) & Q(offered_parts(offers))


def offered_parts(offers) -> Q:
    """Titles that ``offers`` make watchable, at any level: the offered title, its seasons and
    episodes (an offer on a series counts for them), and its season and series (a series with
    one episode on a platform is on that platform).

    One ``EXISTS`` per relation, each a probe of an index on ``offer.title_id`` (through
    ``title.parent_id`` for the lower levels), so that a page of titles reads a few offers per
    row instead of every offer of the catalogue."""
    return (
        Exists(offers.filter(title=OuterRef("pk")))
        | Exists(offers.filter(title=OuterRef("parent")))
        | Exists(offers.filter(title=OuterRef("parent__parent")))
        | Exists(offers.filter(title__parent=OuterRef("pk")))
        | Exists(offers.filter(title__parent__parent=OuterRef("pk")))
    )


class PlatformFilter(django_filters.ModelChoiceFilter):
    """``?platform=<slug>``: titles with any offer (past, current or coming) on that platform.
    An unknown slug is a form error, so the filter is left out."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Platform"))
        kwargs.setdefault("queryset", Platform.objects.order_by("name"))
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("empty_label", _("Any platform"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        offers = Offer.objects.published().filter(platform=value)
        return qs.filter(offered_titles(offers, shows_works_only(self.parent)))


class AvailableFilter(django_filters.ChoiceFilter):
    """``?available=now``: titles watchable today (on the chosen platform, if there is one)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Available to watch"))
        kwargs.setdefault("choices", [("now", _("Now"))])
        kwargs.setdefault("empty_label", _("Any time"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value != "now":
            return qs
        offers = Offer.objects.published().available_on(today())
        platform = self.parent.form.cleaned_data.get("platform") if self.parent is not None else None
        if platform is not None:
            offers = offers.filter(platform=platform)
        return qs.filter(offered_titles(offers, shows_works_only(self.parent)))
