import django_filters
from django import forms
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _

from . import extensions
from .enums import TitleKind, TitleOrdering
from .models import Country, Genre, Language, Title


class TitleOrderingFilter(django_filters.ChoiceFilter):
    """Sorts by one of the named orderings; anything else is a form error, never a query."""

    FIELDS = {
        TitleOrdering.TITLE: ("sort_title", "pk"),
        TitleOrdering.NEWEST: ("-year", "sort_title", "pk"),
        TitleOrdering.OLDEST: ("year", "sort_title", "pk"),
        TitleOrdering.RECENTLY_ADDED: ("-created", "-pk"),
    }

    def filter(self, qs, value):
        return qs.order_by(*self.FIELDS[value]) if value in self.FIELDS else qs


class YearFilter(django_filters.NumberFilter):
    """A whole year between 1 and 9999; "abc" or "1e99" is a form error, not a query."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def has_any(queryset: QuerySet) -> Q:
    """The correlated ``queryset`` has a row: a scalar subquery with ``LIMIT 1``, not ``EXISTS``,
    which PostgreSQL turns into a semi-join (a hash over every matching row, hundreds of
    milliseconds at the reference size) where one probe of an index per outer row stops at
    the first row found."""
    return Q(IsNull(Subquery(queryset.order_by().values("pk")[:1]), False))


def used_by_a_published_title(through, column: str) -> Q:
    """A published title has this country (language): the choices of the country and language
    filters, so that a draft's country is not offered. Per country, its links through the
    index on the link's column, each link's title tested by its primary key (and its season's
    and series'), until one is public: two nested probes with ``LIMIT 1`` (``has_any``), which
    PostgreSQL cannot turn into a semi-join over every link and title (110 ms at the reference
    size; this is 4 ms). The links of a country whose titles are all drafts are all read."""
    public = Title.objects.filter(pk=OuterRef("title_id")).filter(Title.public_q())
    return has_any(through.objects.filter(**{column: OuterRef("pk")}).filter(has_any(public)))


def shows_works_only(title_filter) -> bool:
    """For the other apps' filters of the title list (their ``parent``, ``None`` when a filter
    is used alone): whether the list shows works only, so that they may test works alone."""
    return title_filter is not None and title_filter.lists_works_only()


class TitleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=TitleKind.choices, method="filter_kind", empty_label=_("Any kind")
    )
    genre = django_filters.ModelChoiceFilter(
        label=_("Genre"),
        field_name="genres",
        queryset=Genre.objects.all(),
        to_field_name="slug",
        empty_label=_("Any genre"),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        field_name="countries",
        queryset=lambda request: Country.objects.filter(used_by_a_published_title(Title.countries.through, "country")),
        to_field_name="code",
        empty_label=_("Any country"),
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        field_name="languages",
        queryset=lambda request: Language.objects.filter(
            used_by_a_published_title(Title.languages.through, "language")
        ),
        to_field_name="code",
        empty_label=_("Any language"),
    )
    year_min = YearFilter(label=_("From year"), field_name="year", lookup_expr="gte")
    year_max = YearFilter(label=_("To year"), field_name="year", lookup_expr="lte")
    ordering = TitleOrderingFilter(label=_("Sort by"), choices=TitleOrdering.choices, empty_label=None)

    class Meta:
        model = Title
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filters of the other apps (platform, available now, upcoming screenings…) come from
        # catalog.extensions.title_filters, before the sort order.
        ordering = self.filters.pop("ordering")
        for entry in extensions.title_filters:
            added = entry.build()
            added.field_name = added.field_name or entry.name
            added.model = self.queryset.model
            added.parent = self
            self.filters[entry.name] = added
        self.filters["ordering"] = ordering

    def filter_q(self, qs, name, value):
        return qs.search(value)

    def filter_kind(self, qs, name, value):
        return qs.filter(kind=value)

    def lists_works_only(self) -> bool:
        """Seasons and episodes appear in the list only when asked for by kind or by search;
        otherwise it shows works only (the other apps' filters may then test works alone)."""
        data = getattr(self.form, "cleaned_data", {})
        return not data.get("kind") and not data.get("q")

    def filter_queryset(self, queryset):
        if self.lists_works_only():
            queryset = queryset.top_level()
        return super().filter_queryset(queryset)
