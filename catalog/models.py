import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import fields
from .enums import (
    ALLOWED_PARENT_KINDS,
    TOP_LEVEL_KINDS,
    ExternalSource,
    ImageKind,
    ImportState,
    LocalizedTitleKind,
    TitleKind,
)
from .images import ImageRecord
from .language import LocalizedNameMixin, current_language, in_language, localized
from .publishing import Publishable, PublishableQuerySet
from .statements import Statement
from .text import normalize, search_terms, sort_key
from .textsearch import TITLES
from .typography import colon
from .versioning import VersionedModel, versioned_update


def year_validators(earliest: int = 1800) -> list:
    """A typo such as 0 or 20211 in a year is refused by every form (and the CSV import)."""
    return [MinValueValidator(earliest), MaxValueValidator(2200)]


# Years of works and festivals.
YEAR_VALIDATORS = year_validators()


class NamedCode(LocalizedNameMixin, models.Model):
    """An ISO code with its English and French names (seeded from CLDR by a migration)."""

    code = fields.CharField(_("code"), max_length=8, primary_key=True)
    name_en = fields.CharField(_("English name"), max_length=100)
    name_fr = fields.CharField(_("French name"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["name_en"]

    def __str__(self):
        return self.name


class Country(NamedCode):
    """An ISO 3166-1 alpha-2 country."""

    class Meta(NamedCode.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class Language(NamedCode):
    """An ISO 639 language (two letters where one exists, three otherwise)."""

    class Meta(NamedCode.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Vocabulary(LocalizedNameMixin, VersionedModel):
    """A term editors manage, with a slug and a name in each interface language."""

    slug = fields.SlugField(_("slug"), max_length=80)
    name_en = fields.CharField(_("English name"), max_length=100)
    name_fr = fields.CharField(_("French name"), max_length=100, blank=True)

    class Meta:
        abstract = True
        ordering = ["name_en"]

    def __str__(self):
        return self.name


class Genre(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("genre")
        verbose_name_plural = _("genres")
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="genre_slug_unique",
                violation_error_message=_(
                    "Another genre already has this slug (the end of its web address): choose another one."
                ),
            )
        ]


class Theme(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="theme_slug_unique",
                violation_error_message=_(
                    "Another theme already has this slug (the end of its web address): choose another one."
                ),
            )
        ]


def title_and_below(title, *others):
    """Ids of ``title``, its seasons and its episodes (two levels down), and of ``others``:
    for ``title_id IN (…)`` filters of credits, offers and screenings.

    A ``UNION ALL`` of index lookups (the pk, then ``parent`` twice) in one ``IN``, so that the
    database joins the few ids to the index on the other table's ``title_id``; an ``OR`` of
    ``title__parent`` joins would read every credit, offer or screening of the catalogue."""
    ids = Title.objects.filter(pk__in=[title.pk, *(o.pk for o in others)]).values("pk")
    children = Title.objects.filter(parent=title).values("pk")
    grandchildren = Title.objects.filter(parent__parent=title).values("pk")
    return ids.union(children, grandchildren, all=True)


#: Words of a query that introduce a season's or an episode's number ("episode 1", "saison 2"),
#: as ``normalize`` writes them.
NUMBER_WORDS = {
    "episode": TitleKind.EPISODE,
    "ep": TitleKind.EPISODE,
    "season": TitleKind.SEASON,
    "saison": TitleKind.SEASON,
}


class TitleQuerySet(PublishableQuerySet):
    def top_level(self):
        """Works that stand alone: films, series, recordings (no seasons or episodes)."""
        return self.filter(parent__isnull=True)

    def search(self, query: str):
        """Titles whose names contain every word of ``query``, accents and case aside.

        Served by the database's text index (``catalog.textsearch``): a trigram index that
        PostgreSQL uses for this ``LIKE`` as it is; on SQLite, the FTS5 trigram table."""
        for term in search_terms(query):
            self = TITLES.contains(self, term)
        return self

    def search_with_series(self, query: str):
        """Titles that ``query`` names, with their series and season if need be: every word is
        in the title's names, its season's or its series', or is a number ("episode 2",
        "season 1", "saison 1 épisode 2", or a bare number: the title's or its season's), and one
        of them at least belongs to the title itself. "couloirs episode 1" finds episode 1 of
        "Dans les couloirs de l'Opéra"; "The Opera" finds the series, not its seasons. Each word
        is looked up through the text index (``search``), then two ``parent`` links by theirs."""
        words = search_terms(query)
        pairs = []  # per word (or "episode 2"): (it names the title itself, it names its lineage)
        index = 0
        while index < len(words):
            word, following = words[index], words[index + 1] if index + 1 < len(words) else ""
            if word in NUMBER_WORDS and following.isdigit() and len(following) < 6:
                kind, number = NUMBER_WORDS[word], int(following)
                own = Q(kind=kind, number=number)
                here = own | Q(parent__kind=kind, parent__number=number) if kind == TitleKind.SEASON else own
                index += 2
            else:
                matching = Title.objects.search(word).values("pk")
                own = Q(pk__in=matching)
                # The titles named and their seasons and episodes: a UNION of index lookups
                # (as ``title_and_below``), not an OR over joins that would read every title.
                below = matching.union(
                    Title.objects.filter(parent__in=matching).values("pk"),
                    Title.objects.filter(parent__parent__in=matching).values("pk"),
                    all=True,
                )
                here = Q(pk__in=below)
                if word.isdigit() and len(word) < 6:
                    own |= Q(number=int(word))
                    here |= own | Q(parent__number=int(word))
                index += 1
            pairs.append((own, here))
        if len(pairs) == 1:  # one word: the title itself ("The Opera": the series, not its parts)
            return self.filter(pairs[0][0])
        found, own_any = self, Q()
        for own, here in pairs:
            found, own_any = found.filter(here), own_any | own
        return found.filter(own_any) if pairs else found

    def with_child_count(self):
        """Annotates ``num_children`` and ``num_seasons`` with correlated subqueries
        (no GROUP BY over the list, no query per row)."""

        def count(**filters):
            children = Title.objects.filter(parent=OuterRef("pk"), **filters).order_by().values("parent")
            return Coalesce(Subquery(children.annotate(n=Count("pk")).values("n")), 0)

        return self.annotate(num_children=count(), num_seasons=count(kind=TitleKind.SEASON))

    def for_listing(self):
        """Preloads what a list row shows: parent, localized names, genres, countries,
        and the number of children (for "8 × 45 min")."""
        return (
            self.select_related("parent__parent")
            .prefetch_related(
                "localized_titles",
                "parent__localized_titles",
                "parent__parent__localized_titles",
                "genres",
                "countries",
            )
            .with_child_count()
        )

    def for_detail(self):
        """Preloads everything the title page shows except the children list
        (see ``Title.children_for_page``)."""
        return (
            self.select_related("parent__parent", "original_language")
            .prefetch_related(
                Prefetch("localized_titles", queryset=LocalizedTitle.objects.select_related("language")),
                "parent__localized_titles",
                "parent__parent__localized_titles",
                "genres",
                "themes",
                "countries",
                "languages",
                "ratings",
                "external_ids",
                "statements",
                Prefetch("images", queryset=TitleImage.objects.order_by("order", "pk")),
                # Related titles: the published ones only (a draft is named on no public page).
                Prefetch("related", queryset=Title.objects.published().prefetch_related("localized_titles")),
            )
            .with_child_count()
        )


def level_label(kind: str, number) -> str:
    """ "Season 2", "Episode 3": the name of a season or an episode without its series."""
    if kind == TitleKind.SEASON:
        return gettext("Season %(number)s") % {"number": number}
    if kind == TitleKind.EPISODE:
        return gettext("Episode %(number)s") % {"number": number}
    return ""


def pick_localized_title(original_title: str, localized_titles, language: str) -> str:
    """The title a visitor reading ``language`` knows a work by, from its ``(language, kind,
    text)`` localized titles in their stored order: the official one, else the first in that
    language when it is the original title or the work has no original title."""
    best = None
    for lang, kind, text in localized_titles:
        if lang == language and (best is None or kind == LocalizedTitleKind.OFFICIAL):
            best = (kind, text)
    if best is not None and (
        best[0] in (LocalizedTitleKind.OFFICIAL, LocalizedTitleKind.ORIGINAL) or not original_title
    ):
        return best[1]
    return original_title


class Title(Publishable, VersionedModel):
    """A work at any level: a film, a series, one of its seasons, an episode, a recording."""

    kind = fields.CharField(_("kind"), max_length=12, choices=TitleKind.choices, db_index=True)
    slug = fields.SlugField(_("slug"), max_length=120, help_text=_("Used in the page address; unique."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,  # title_parent_number (partial) serves children lookups
        help_text=_("The series of a season; the season (or miniseries) of an episode."),
    )
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("Season or episode number within its parent.")
    )
    original_title = fields.CharField(_("original title"), max_length=300, blank=True)
    original_language = models.ForeignKey(
        Language,
        verbose_name=_("original language"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        db_index=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Year of first release."),
    )
    production_start_year = models.PositiveSmallIntegerField(
        _("production started"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    production_end_year = models.PositiveSmallIntegerField(
        _("production ended"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    # "tournée entre janvier et octobre 2025" (issue 16, defect 5): a period known to the month.
    production_start_month = models.PositiveSmallIntegerField(
        _("production started (month)"), null=True, blank=True, choices=list(MONTHS.items())
    )
    production_end_month = models.PositiveSmallIntegerField(
        _("production ended (month)"), null=True, blank=True, choices=list(MONTHS.items())
    )
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="titles")
    languages = models.ManyToManyField(Language, verbose_name=_("spoken languages"), blank=True, related_name="titles")
    runtime_minutes = models.PositiveSmallIntegerField(
        _("runtime (minutes)"),
        null=True,
        blank=True,
        help_text=_("For a series or season: the usual length of one episode."),
    )
    episode_count = models.PositiveSmallIntegerField(
        _("planned episodes"),
        null=True,
        blank=True,
        help_text=_("How many episodes the season or series has, even if not all are entered."),
    )
    genres = models.ManyToManyField(Genre, verbose_name=_("genres"), blank=True, related_name="titles")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="titles")
    synopsis_en = fields.TextField(_("synopsis (English)"), blank=True)
    synopsis_fr = fields.TextField(_("synopsis (French)"), blank=True)
    related = models.ManyToManyField("self", verbose_name=_("related titles"), blank=True, symmetrical=True)
    sort_title = fields.CharField(max_length=300, editable=False, db_index=True, default="")
    search_text = fields.TextField(editable=False, default="")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    #: The series of a season or an episode, the title itself otherwise: kept by database
    #: triggers on every write path (catalog.toplevel); ``None`` on an instance not yet reloaded.
    top_level = models.ForeignKey(
        "self",
        verbose_name=_("top-level work"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    objects = TitleQuerySet.as_manager()

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        ordering = ["sort_title", "pk"]
        permissions = [("export_title", _("Can export titles as CSV"))]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="title_slug_unique",
                violation_error_message=_(
                    "Another title already has this slug (the end of its web address): choose another one, e.g. with the year."
                ),
            ),
            models.UniqueConstraint(
                fields=["parent", "number"],
                condition=Q(parent__isnull=False, number__isnull=False),
                name="title_number_unique_in_parent",
                violation_error_message=_("Another title in this parent already has this number."),
            ),
            models.CheckConstraint(
                # The kinds that ``clean`` gives a parent (seasons, episodes), in that order.
                condition=Q(kind__in=list(ALLOWED_PARENT_KINDS), parent__isnull=False)
                | Q(~Q(kind__in=list(ALLOWED_PARENT_KINDS)), parent__isnull=True),
                name="title_parent_matches_kind",
                violation_error_message=_("Seasons and episodes need a parent; other works have none."),
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gt=0),
                name="title_number_positive",
                violation_error_message=_("A number starts at 1."),
            ),
            models.CheckConstraint(
                condition=Q(production_end_year__isnull=True)
                | Q(production_start_year__isnull=True)
                | Q(production_end_year__gte=F("production_start_year")),
                name="title_production_years_ordered",
                violation_error_message=_("Production cannot end before it starts."),
            ),
        ]
        indexes = [
            # Children of a title (seasons, episodes, the per-row child counts of every list).
            # Partial: top-level works (parent NULL, half the table) are not in it, so that
            # "parent IS NULL" reads the title_top_* indexes below instead of this one.
            models.Index(fields=["parent", "number"], condition=Q(parent__isnull=False), name="title_parent_number"),
            # The title list's default page and its bounded count: top-level works by sort_title.
            models.Index(fields=["sort_title", "id"], condition=Q(parent__isnull=True), name="title_top_sort"),
            # The home page's "In the catalogue" and the list's "Recently added": newest works first.
            models.Index(fields=["-created", "-id"], condition=Q(parent__isnull=True), name="title_top_recent"),
            # The list's "Newest first" / "Oldest first": works by year, then sort_title.
            models.Index(fields=["year", "sort_title", "id"], condition=Q(parent__isnull=True), name="title_top_year"),
        ]

    def __str__(self):
        return self.full_title(localized=False)

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalog:title_detail", kwargs={"slug": self.slug})

    @classmethod
    def public_q(cls, prefix: str = "", now=None) -> Q:
        """Public: the title, its season and its series (when it has them) are published."""
        parent, grandparent = f"{prefix}parent__", f"{prefix}parent__parent__"
        return (
            cls.own_q(prefix, now)
            & (Q(**{f"{prefix}parent__isnull": True}) | cls.own_q(parent, now))
            & (Q(**{f"{parent}parent__isnull": True}) | cls.own_q(grandparent, now))
        )

    def clean(self):
        super().clean()
        if self.kind in TOP_LEVEL_KINDS and self.parent_id:
            raise ValidationError({"parent": _("Only seasons and episodes are part of another title.")})
        allowed = ALLOWED_PARENT_KINDS.get(self.kind)
        if allowed is not None:
            if not self.parent_id:
                raise ValidationError({"parent": _("Choose the series or season this belongs to.")})
            if self.parent.kind not in allowed:
                message = (
                    _("A season belongs to a series.")
                    if self.kind == TitleKind.SEASON
                    else _("An episode belongs to a season or, for a miniseries, to a series.")
                )
                raise ValidationError({"parent": message})
            if self.number is None:
                raise ValidationError({"number": _("Give this season or episode its number.")})
        if self.kind not in (TitleKind.SEASON, TitleKind.EPISODE) and not self.original_title:
            raise ValidationError({"original_title": _("Give the original title of the work.")})
        self._clean_production_period()

    def _clean_production_period(self):
        for month, year in (
            ("production_start_month", "production_start_year"),
            ("production_end_month", "production_end_year"),
        ):
            if getattr(self, month) and not getattr(self, year):
                raise ValidationError({year: _("Give the year of this month.")})
        start, end = self.production_start_year, self.production_end_year
        months = self.production_start_month, self.production_end_month
        if start and start == end and all(months) and months[1] < months[0]:
            raise ValidationError({"production_end_month": _("The production ends after it starts.")})

    @property
    def production_period(self) -> str:
        """ "January–October 2025", "2024–2025", "March 2024 – 2025": what the documents say, no more."""
        if not self.production_start_year:
            return ""
        start_year, end_year = self.production_start_year, self.production_end_year or self.production_start_year
        start_month, end_month = MONTHS.get(self.production_start_month), MONTHS.get(self.production_end_month)
        if start_year == end_year and start_month and end_month:
            return (
                f"{start_month} {start_year}" if start_month == end_month else f"{start_month}–{end_month} {start_year}"
            )
        first = f"{start_month} {start_year}" if start_month else str(start_year)
        last = f"{end_month} {end_year}" if end_month else str(end_year)
        if first == last:
            return first
        return f"{first} – {last}" if start_month or end_month else f"{start_year}–{end_year}"

    # Names ------------------------------------------------------------------

    def fill_derived_fields(self):
        """What ``save`` keeps up to date (the CSV import calls it before a bulk write)."""
        self.sort_title = self.compute_sort_title()
        self.search_text = self.compute_search_text()

    def compute_sort_title(self) -> str:
        """The list's sort key: the original title, its leading article aside ("L'Opéra" under O)."""
        return sort_key(self.original_title or self.label_without_series())[:300]

    def compute_search_text(self, names=None) -> str:
        """The normalised original and localized names; ``names`` saves the query."""
        if names is None:
            names = [lt.text for lt in self.localized_titles.all()] if self.pk else []
        names = [self.original_title, *names]
        return " | ".join(normalize(n) for n in dict.fromkeys(names) if n)

    def refresh_search_text(self):
        versioned_update(Title.objects.filter(pk=self.pk), search_text=self.compute_search_text())

    def localized_title(self, language: str | None = None) -> str:
        """The title a visitor reading ``language`` knows this work by (own level only)."""
        return pick_localized_title(
            self.original_title,
            ((lt.language_id, lt.kind, lt.text) for lt in self.localized_titles.all()),
            language or current_language(),
        )

    def label_without_series(self) -> str:
        return level_label(self.kind, self.number)

    def display_title(self, language: str | None = None) -> str:
        """This level's own name: "The Opera", "Season 2", "Un tunnel vers la fabrique des rêves"."""
        return self.localized_title(language) or self.label_without_series()

    def full_title(self, language: str | None = None, localized: bool = True) -> str:
        """The name with its ancestors: "The Opera – Season 2 – Episode 3: …".

        ``localized=False`` uses original titles only, so that it needs no query beyond
        the parents (the admin and ``__str__`` use it).
        """
        parts = []
        node = self
        while node is not None:
            own = node.localized_title(language) if localized else node.original_title
            if node.kind == TitleKind.EPISODE:
                label = node.label_without_series()
                parts.append(f"{label}{colon(language)}{own}" if own else label)
            else:
                parts.append(own or node.label_without_series())
            node = node.parent
        return " – ".join(reversed(parts))

    def root(self) -> "Title":
        """The top-level work: the series of a season or an episode, the title itself otherwise.
        Follows ``parent``: load ``parent__parent`` to walk up without a query."""
        node = self
        while node.parent_id is not None:
            node = node.parent
        return node

    def ancestors(self) -> list["Title"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    # Texts and facts -----------------------------------------------------------

    def synopsis(self, language: str | None = None) -> tuple[str, str]:
        """(text, language of the text): the visitor's language first, then the other."""
        return in_language(self, "synopsis", language)

    @property
    def known_episode_count(self) -> int | None:
        """Planned episodes, or the episodes entered (from the ``num_children`` annotation)."""
        if self.episode_count:
            return self.episode_count
        if self.kind in (TitleKind.SERIES, TitleKind.SEASON):
            count = getattr(self, "num_children", None)
            if count is None:
                count = self.children.count()
            return count or None
        return None

    @property
    def format_label(self) -> str:
        """Derived, never typed: "8 × 45 min" for a season, "2 seasons" for a series,
        "95 min" for a film. Reads the ``with_child_count`` annotations when present."""
        if self.kind in (TitleKind.SERIES, TitleKind.SEASON):
            seasons = getattr(self, "num_seasons", None)
            if seasons is None and self.kind == TitleKind.SERIES:
                seasons = self.children.filter(kind=TitleKind.SEASON).count()
            if seasons and not self.episode_count:
                return ngettext("%(count)s season", "%(count)s seasons", seasons) % {"count": seasons}
            count = self.known_episode_count
            if count and self.runtime_minutes:
                return f"{count} × {self.runtime_minutes} min"
            if count:
                return ngettext("%(count)s episode", "%(count)s episodes", count) % {"count": count}
            return ""
        return f"{self.runtime_minutes} min" if self.runtime_minutes else ""

    def children_for_page(self, now=None):
        """Published seasons or episodes of this title, in number order, with their names (their
        own dates: the page's title is public, or previewed by staff)."""
        children = self.children.filter(self.own_q(now=now))
        return children.order_by("number", "pk").prefetch_related("localized_titles").with_child_count()

    def siblings_around(self) -> tuple["Title | None", "Title | None"]:
        """(previous, next) published within the same parent, by number."""
        if not self.parent_id or self.number is None:
            return None, None
        siblings = list(
            Title.objects.filter(self.own_q(), parent_id=self.parent_id, kind=self.kind, number__isnull=False)
            .order_by("number")
            .prefetch_related("localized_titles")
        )
        index = next((i for i, s in enumerate(siblings) if s.pk == self.pk), None)
        if index is None:
            return None, None
        previous = siblings[index - 1] if index > 0 else None
        following = siblings[index + 1] if index + 1 < len(siblings) else None
        return previous, following

    def poster(self):
        images = list(self.images.all())
        posters = [i for i in images if i.kind == ImageKind.POSTER]
        return (posters or images or [None])[0]


class LocalizedTitle(models.Model):
    """A name of a work in one language: "The Opera" (English, official)."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="localized_titles")
    language = models.ForeignKey(Language, verbose_name=_("language"), on_delete=models.PROTECT, related_name="+")
    kind = fields.CharField(
        _("kind"), max_length=12, choices=LocalizedTitleKind.choices, default=LocalizedTitleKind.OFFICIAL
    )
    text = fields.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("localized title")
        verbose_name_plural = _("localized titles")
        ordering = ["language", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "language", "kind", "text"],
                name="localized_title_unique",
                violation_error_message=_("This work already has this title in this language and kind."),
            ),
            models.UniqueConstraint(
                fields=["title", "language"],
                condition=Q(kind=LocalizedTitleKind.OFFICIAL),
                name="one_official_title_per_language",
                violation_error_message=_("A work has one official title per language."),
            ),
        ]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.title.refresh_search_text()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.title.refresh_search_text()
        return result


class TitleStatement(Statement):
    """What someone said about a work, quoted with its speaker: "« Les couloirs… » explique l’Opéra"."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="statements")

    class Meta(Statement.Meta):
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")


class ContentRating(models.Model):
    """A rating in one system: "TV-MA" in "US-TV"."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="ratings")
    system = fields.CharField(_("system"), max_length=20, help_text=_("e.g. US-TV, MPA, CNC, BBFC, FSK"))
    value = fields.CharField(_("rating"), max_length=20)

    class Meta:
        verbose_name = _("content rating")
        verbose_name_plural = _("content ratings")
        ordering = ["system"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "system"],
                name="one_rating_per_system",
                violation_error_message=_("This work already has a rating in this system: change that one instead."),
            )
        ]

    def __str__(self):
        return f"{self.system}:{self.value}"


class ExternalId(models.Model):
    """The work's identifier elsewhere (IMDb tt…, TMDB, Wikidata Q…)."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="external_ids")
    source = fields.CharField(_("source"), max_length=12, choices=ExternalSource.choices)
    value = fields.CharField(_("identifier"), max_length=64)

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        ordering = ["source"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "value"],
                name="external_id_unique",
                violation_error_message=_(
                    "This identifier already belongs to another title: check it, or merge the two titles."
                ),
            ),
            models.UniqueConstraint(
                fields=["title", "source"],
                condition=~Q(source=ExternalSource.OTHER),
                name="one_external_id_per_source",
                violation_error_message=_(
                    "This work already has an identifier from this source: change that one instead."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.value}"

    @property
    def url(self) -> str:
        return {
            ExternalSource.IMDB: "https://www.imdb.com/title/{}/",
            ExternalSource.WIKIDATA: "https://www.wikidata.org/wiki/{}",
        }.get(self.source, "").format(self.value)


class TitleImage(ImageRecord):
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="images")
    kind = fields.CharField(_("kind"), max_length=10, choices=ImageKind.choices, default=ImageKind.POSTER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.title_id}"


class Collection(LocalizedNameMixin, VersionedModel):
    """A list curated by editors: a playlist, a season's selection, a theme."""

    slug = fields.SlugField(_("slug"), max_length=120)
    name_en = fields.CharField(_("English name"), max_length=200)
    name_fr = fields.CharField(_("French name"), max_length=200, blank=True)
    description_en = fields.TextField(_("description (English)"), blank=True)
    description_fr = fields.TextField(_("description (French)"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    titles = models.ManyToManyField(Title, through="CollectionItem", related_name="collections", blank=True)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["order", "name_en"]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="collection_slug_unique",
                violation_error_message=_(
                    "Another collection already has this slug (the end of its web address): choose another one."
                ),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return localized(self, "description")


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="collection_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("collection item")
        verbose_name_plural = _("collection items")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "title"],
                name="collection_item_unique",
                violation_error_message=_("This title is already in this collection."),
            )
        ]

    def __str__(self):
        return f"{self.collection_id}:{self.title_id}"


class PendingImportQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Uploads older than ``CSV_IMPORT_TTL`` that were never imported (or finished ones,
        whose bytes are already gone): what ``purge_imports`` deletes."""
        return self.filter(created__lt=(now or timezone.now()) - settings.CSV_IMPORT_TTL)


class PendingImport(models.Model):
    """An uploaded CSV file between its check (dry run) and its import, kept in the database:
    never in public media, readable only through the admin by the user who uploaded it, for
    the one resource it was checked against. Encoding and delimiter are the ones fixed at the
    check; the Confirm step takes nothing else from the request."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource = fields.CharField(_("resource"), max_length=40)
    file_name = fields.CharField(_("file name"), max_length=255, blank=True)
    data = models.BinaryField(_("file"), blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    encoding = fields.CharField(_("encoding"), max_length=20)
    delimiter = fields.CharField(_("delimiter"), max_length=1)
    state = fields.CharField(_("state"), max_length=10, choices=ImportState.choices, default=ImportState.CHECKING)
    background = models.BooleanField(_("in the background"), default=False)
    report = models.JSONField(_("report"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending CSV import")
        verbose_name_plural = _("pending CSV imports")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values),
                name="pending_import_state_valid",
                violation_error_message=_("Unknown import state."),
            ),
            models.CheckConstraint(
                condition=Q(delimiter__in=[",", ";"]),
                name="pending_import_delimiter_valid",
                violation_error_message=_("The delimiter must be a comma or a semicolon."),
            ),
        ]

    def __str__(self):
        return f"{self.resource}: {self.file_name} ({self.get_state_display()})"

    @property
    def is_expired(self) -> bool:
        return self.created < timezone.now() - settings.CSV_IMPORT_TTL


class ImportRun(models.Model):
    """A CSV import that wrote (admin Confirm, or ``import_csv --user``): who, which file, which
    resource, the counts, and the report of every change it made, before → after, as CSV
    (``catalog.audit.REPORT_HEADER``). Its History entry is the import's own entry; each record
    the import created or changed has an entry pointing to it (docs/audit.md)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    resource = fields.CharField(_("resource"), max_length=40)
    file_name = fields.CharField(_("file name"), max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    # Not named "updated": that name is the modification time of other models (never audited).
    changed = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    report = fields.TextField(_("report of every change"), blank=True)
    created = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")
        ordering = ["-created", "-pk"]
        # A record of what happened: read, never added, changed or deleted by hand.
        default_permissions = ("view",)

    def __str__(self):
        return gettext("Import of %(file)s into %(resource)s") % {
            "file": self.file_name or "—",
            "resource": self.resource,
        }
