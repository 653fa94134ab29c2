import django_filters
from django import forms
from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.filters import has_any, shows_works_only
from catalog.models import Title
from catalog.text import search_terms

from .enums import When
from .models import Edition, Screening, ScreeningTitle, Venue


class ScreeningFilter(django_filters.FilterSet):
    """The public list: upcoming by default; a date shows that day (in each venue's own zone)."""

    when = django_filters.ChoiceFilter(label=_("When"), choices=When.choices, method="filter_when", empty_label=None)
    date = django_filters.DateFilter(
        label=_("Date"), field_name="local_date", widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = django_filters.ModelChoiceFilter(
        label=_("Venue"),
        queryset=Venue.objects.places(),
        to_field_name="slug",
        method="filter_venue",
        empty_label=_("Any venue"),
    )
    festival = django_filters.ModelChoiceFilter(
        label=_("Festival"),
        queryset=lambda request: Edition.objects.published().select_related("festival"),
        to_field_name="slug",
        field_name="edition",
        empty_label=_("Any festival"),
    )
    title = django_filters.CharFilter(
        label=_("Title"),
        method="filter_title",
        help_text=_("Part of the title in any language; a series finds its seasons and episodes."),
    )

    class Meta:
        model = Screening
        fields = []

    def filter_when(self, qs, name, value):
        return qs  # applied in filter_queryset, which knows whether a date was given

    def filter_venue(self, qs, name, value):
        return qs.filter(venue__in=value.with_rooms())

    def filter_title(self, qs, name, value):
        """Screenings of a published title whose name contains every word of ``value`` (accents
        and case aside, as the title search), or of a season or episode of one."""
        if not search_terms(value):
            return qs
        named = Title.objects.published().search(value).values("pk")
        shown = ScreeningTitle.objects.filter(
            Q(title__in=named) | Q(title__parent__in=named) | Q(title__parent__parent__in=named)
        )
        return qs.filter(pk__in=shown.values("screening"))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        if data.get("date"):
            return queryset.order_by("starts_at", "pk")
        when = data.get("when") or When.UPCOMING
        if when == When.PAST:
            return queryset.past()
        if when == When.UPCOMING:
            return queryset.upcoming()
        return queryset.order_by("starts_at", "pk")


def titles_with_upcoming_screenings(queryset, now=None, works_only: bool = False):
    """Titles with an upcoming screening of themselves or of one of their seasons or episodes.
    With ``works_only`` (the list shows works only), the branch for seasons and episodes is left
    out."""
    now = now or timezone.now()
    # An upcoming screening, announced, of a public title: the title it is reached through is
    # the published title that makes the screening public, and a draft episode's screening does
    # not put its series in the list.
    upcoming = (
        ScreeningTitle.objects.filter(screening__ends_at__gt=now)
        .filter(Screening.announced_q("screening__", now))
        .filter(Title.public_q("title__", now))
    )
    # A work (the default list): one probe per work over the screenings of its titles, found
    # through their stored top-level work (catalog.toplevel); the bounded count stops once it
    # has enough. Not a set of every upcoming screening's work, which SQLite built in full
    # (40,000 screenings: 1.2 s at the reference size), nor of every published screening (6 s).
    # A scalar subquery with LIMIT 1 rather than EXISTS, which PostgreSQL made a hash semi-join
    # over every upcoming screening.
    works = Q(parent__isnull=True) & has_any(upcoming.filter(title__top_level=OuterRef("pk")))
    if works_only:
        return queryset.filter(works)
    # A season or an episode (the list by kind or by search): itself or what is below it, from
    # the set of screened titles.
    shown = upcoming.values("title_id")
    screened = Title.objects.filter(pk__in=shown)
    return queryset.filter(
        works
        | Q(parent__isnull=False)
        & (Q(pk__in=shown) | Q(pk__in=screened.values("parent_id")) | Q(pk__in=screened.values("parent__parent_id")))
    )


class UpcomingScreeningFilter(django_filters.ChoiceFilter):
    """``?screening=upcoming`` on the title list (catalog.filters.TitleFilter)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Screenings"))
        kwargs.setdefault("choices", [("upcoming", _("With upcoming screenings"))])
        kwargs.setdefault("empty_label", _("With or without screenings"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value != "upcoming":
            return qs
        return titles_with_upcoming_screenings(qs, works_only=shows_works_only(self.parent))
