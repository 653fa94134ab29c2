"""CSV resource of the catalogue (SPEC §6 "titles"); the machinery is in catalog.csvio."""

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from .csvio import (
    SEPARATOR,
    AfficheResource,
    CodePoint,
    ExportItems,
    ManyToManyColumn,
    RelatedColumn,
    check_values,
    computed,
    date_time,
    foreign,
    grouped,
    integer,
    text,
)
from .enums import LocalizedTitleKind
from .models import ContentRating, Country, Genre, Language, LocalizedTitle, Title, TitleStatement
from .statements import StatementsColumn


def create_genre(key):
    """The genre a ``genres`` cell names that no genre's slug matches: the one whose slug is
    the cell made into a slug ("Children & Family Movies" → ``children-family-movies``), or a
    new genre checked by the model's own rules. Its name is the cell as written, or the slug in
    words when the cell is a slug ("dance-film" → "Dance film")."""
    slug = slugify(key)
    if not slug:
        raise ValidationError(_("“%(value)s” cannot be a genre: use letters or digits.") % {"value": key})
    existing = Genre.objects.filter(slug__iexact=slug).first()
    if existing is not None:
        return existing
    name = slug.replace("-", " ").capitalize() if key.lower() == slug else key
    genre = Genre(slug=slug, name_en=name)
    try:
        genre.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            [
                f"{capfirst(Genre._meta.get_field(n).verbose_name)}: {m}"
                for n, ms in exc.message_dict.items()
                for m in ms
            ]
        ) from exc
    genre.save()
    return genre


class OfficialNameColumn(RelatedColumn):
    """``title_en``/``title_fr``: the official localized title in that language."""

    prefetch = ("localized_titles",)

    def __init__(self, language):
        self.language = language

    def parse(self, cell, row, resource):
        name = cell.strip()
        return check_values(LocalizedTitle, text=name)["text"] if name else ""

    def current(self, instance):
        if instance.pk is None:
            return ""
        return next(
            (
                lt.text
                for lt in instance.localized_titles.all()
                if lt.language_id == self.language and lt.kind == LocalizedTitleKind.OFFICIAL
            ),
            "",
        )

    render = current

    def export_items(self, model):
        official = LocalizedTitle.objects.filter(language_id=self.language, kind=LocalizedTitleKind.OFFICIAL)
        return ExportItems(official, "title_id", "text", ["pk"])

    def export_values(self, model, pks):
        names = LocalizedTitle.objects.filter(
            title_id__in=pks, language_id=self.language, kind=LocalizedTitleKind.OFFICIAL
        ).values_list("title_id", "text")
        return {pk: texts[0] for pk, texts in grouped(names).items()}

    def write(self, items):
        if not items:
            return
        LocalizedTitle.objects.filter(
            title__in=[t.pk for t, _v in items], language_id=self.language, kind=LocalizedTitleKind.OFFICIAL
        ).delete()
        LocalizedTitle.objects.bulk_create(
            [
                LocalizedTitle(title=t, language_id=self.language, kind=LocalizedTitleKind.OFFICIAL, text=name)
                for t, name in items
                if name
            ]
        )


class RatingsColumn(RelatedColumn):
    """``ratings``: "US-TV:TV-MA|FR-CSA:-12", one rating per system."""

    prefetch = ("ratings",)

    def parse(self, cell, row, resource):
        ratings = {}
        for item in cell.split(SEPARATOR):
            item = item.strip()
            if not item:
                continue
            system, sep, rating = item.partition(":")
            if not sep or not system.strip() or not rating.strip():
                raise ValidationError(
                    _("Write ratings as SYSTEM:VALUE, e.g. US-TV:TV-MA (got “%(item)s”).") % {"item": item}
                )
            checked = check_values(ContentRating, system=system.strip(), value=rating.strip())
            ratings[checked["system"]] = checked["value"]
        return tuple(sorted(ratings.items()))

    def current(self, instance):
        if instance.pk is None:
            return ()
        return tuple(sorted((r.system, r.value) for r in instance.ratings.all()))

    def render(self, instance):
        return self.cell(self.current(instance))

    @staticmethod
    def cell(ratings) -> str:
        return SEPARATOR.join(f"{system}:{value}" for system, value in ratings)

    def export_items(self, model):
        item = Concat("system", Value(":"), "value", output_field=TextField())
        return ExportItems(ContentRating.objects.all(), "title_id", item, [CodePoint("system"), CodePoint("value")])

    def export_values(self, model, pks):
        ratings = ContentRating.objects.filter(title_id__in=pks).values_list("title_id", "system", "value")
        return {pk: self.cell(sorted(items)) for pk, items in grouped(ratings).items()}

    def write(self, items):
        if not items:
            return
        ContentRating.objects.filter(title__in=[t.pk for t, _v in items]).delete()
        ContentRating.objects.bulk_create(
            [ContentRating(title=t, system=system, value=value) for t, ratings in items for system, value in ratings]
        )


class TitleResource(AfficheResource):
    required_columns = ("slug", "kind")
    bulk = True
    self_reference = "parent"
    derived_fields = ("sort_title", "search_text")
    export_filters = {"title": ("slug__iexact", "parent__slug__iexact", "parent__parent__slug__iexact")}
    related_columns = {
        "title_en": OfficialNameColumn("en"),
        "title_fr": OfficialNameColumn("fr"),
        "countries": ManyToManyColumn("countries", Country, "code"),
        "languages": ManyToManyColumn("languages", Language, "code"),
        "genres": ManyToManyColumn("genres", Genre, "slug", create=create_genre),
        "ratings": RatingsColumn(),
        "statements": StatementsColumn(TitleStatement, "title"),
    }

    slug = text("slug")
    kind = text("kind")
    parent = foreign("parent", Title)
    number = integer("number")
    original_title = text("original_title")
    original_language = foreign("original_language", Language, "code")
    title_en = computed("title_en")
    title_fr = computed("title_fr")
    year = integer("year")
    production_start_year = integer("production_start_year")
    production_start_month = integer("production_start_month")
    production_end_year = integer("production_end_year")
    production_end_month = integer("production_end_month")
    countries = computed("countries")
    languages = computed("languages")
    runtime_minutes = integer("runtime_minutes")
    episode_count = integer("episode_count")
    genres = computed("genres")
    ratings = computed("ratings")
    statements = computed("statements")
    synopsis_en = text("synopsis_en")
    synopsis_fr = text("synopsis_fr")

    published_at = date_time("published_at")

    class Meta(AfficheResource.Meta):
        model = Title
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "kind",
            "parent",
            "number",
            "original_title",
            "original_language",
            "title_en",
            "title_fr",
            "year",
            "countries",
            "languages",
            "runtime_minutes",
            "episode_count",
            "genres",
            "ratings",
            "synopsis_en",
            "synopsis_fr",
            "production_start_year",
            "production_start_month",
            "production_end_year",
            "production_end_month",
            "statements",
            "published_at",
        ]
        export_order = fields

    def get_export_queryset(self):
        """Parents before children (series, seasons, episodes), so that a file imports in order."""
        depth = Case(
            When(parent__isnull=True, then=Value(0)),
            When(parent__parent__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_export_queryset()
            .select_related("parent", "original_language")
            .annotate(depth=depth)
            .order_by("depth", "slug")
        )

    def before_write(self, items):
        """What ``Title.save`` derives, without a query: the search text takes the stored
        localized names (prefetched) with the file's official names in place of the old ones."""
        for item in items:
            title = item.instance
            title.sort_title = title.compute_sort_title()
            replaced = {column.removeprefix("title_") for column in item.related if column.startswith("title_")}
            names = [
                lt.text
                for lt in ([] if item.new else title.localized_titles.all())
                if not (lt.kind == LocalizedTitleKind.OFFICIAL and lt.language_id in replaced)
            ]
            names += [item.related[f"title_{language}"] for language in sorted(replaced)]
            title.search_text = title.compute_search_text([n for n in names if n])

    def write_one(self, item, report, validate=False):
        """A row saved alone (``save`` reads the names before they are written): the search
        text is worked out again once its names are in."""
        super().write_one(item, report, validate)
        if item.instance.pk:
            item.instance.refresh_search_text()
