"""CSV resource of the catalogue (SPEC §6 "titles"); the machinery is in catalog.csvio."""

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils.translation import gettext as _
from import_export.fields import Field

from .csvio import SEPARATOR, AfficheResource, NaturalKeysWidget, NaturalKeyWidget, StrictIntegerWidget, TextWidget
from .enums import LocalizedTitleKind
from .models import ContentRating, Country, Genre, Language, LocalizedTitle, Title


def create_genre(slug):
    genre, _created = Genre.objects.get_or_create(slug=slug, defaults={"name_en": slug.replace("-", " ").capitalize()})
    return genre


def text(column, attribute=None):
    return Field(attribute=attribute or column, column_name=column, widget=TextWidget())


def integer(column):
    return Field(attribute=column, column_name=column, widget=StrictIntegerWidget())


class TitleResource(AfficheResource):
    required_columns = ("slug", "kind")

    slug = text("slug")
    kind = text("kind")
    parent = Field(attribute="parent", column_name="parent", widget=NaturalKeyWidget(Title, "slug"))
    number = integer("number")
    original_title = text("original_title")
    original_language = Field(
        attribute="original_language", column_name="original_language", widget=NaturalKeyWidget(Language, "code")
    )
    title_en = Field(column_name="title_en", widget=TextWidget())
    title_fr = Field(column_name="title_fr", widget=TextWidget())
    year = integer("year")
    countries = Field(attribute="countries", column_name="countries", widget=NaturalKeysWidget(Country, "code"))
    languages = Field(attribute="languages", column_name="languages", widget=NaturalKeysWidget(Language, "code"))
    runtime_minutes = integer("runtime_minutes")
    episode_count = integer("episode_count")
    genres = Field(
        attribute="genres", column_name="genres", widget=NaturalKeysWidget(Genre, "slug", create=create_genre)
    )
    ratings = Field(column_name="ratings", widget=TextWidget())
    synopsis_en = text("synopsis_en")
    synopsis_fr = text("synopsis_fr")

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
        ]
        export_order = fields

    def get_instance(self, instance_loader, row):
        slug = (row.get("slug") or "").strip()
        return Title.objects.filter(slug__iexact=slug).first() if slug else None

    def get_export_queryset(self):
        """Parents before children (series, seasons, episodes), so that a file imports in order."""
        depth = Case(
            When(parent__isnull=True, then=Value(0)),
            When(parent__parent__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            Title.objects.select_related("parent", "original_language")
            .prefetch_related(
                Prefetch("localized_titles", queryset=LocalizedTitle.objects.filter(kind=LocalizedTitleKind.OFFICIAL)),
                "countries",
                "languages",
                "genres",
                "ratings",
            )
            .annotate(depth=depth)
            .order_by("depth", "slug")
        )

    # Localized titles and ratings: other tables, written after the title is saved.

    def dehydrate_title_en(self, title):
        return self._official(title, "en")

    def dehydrate_title_fr(self, title):
        return self._official(title, "fr")

    def dehydrate_ratings(self, title):
        return SEPARATOR.join(f"{r.system}:{r.value}" for r in sorted(title.ratings.all(), key=lambda r: r.system))

    @staticmethod
    def _official(title, language):
        return next(
            (
                lt.text
                for lt in title.localized_titles.all()
                if lt.language_id == language and lt.kind == LocalizedTitleKind.OFFICIAL
            ),
            "",
        )

    @staticmethod
    def parse_ratings(value) -> dict[str, str]:
        ratings = {}
        for item in (value or "").split(SEPARATOR):
            item = item.strip()
            if not item:
                continue
            system, sep, rating = item.partition(":")
            if not sep or not system.strip() or not rating.strip():
                raise ValidationError(
                    {"ratings": _("Write ratings as SYSTEM:VALUE, e.g. US-TV:TV-MA (got “%(item)s”).") % {"item": item}}
                )
            ratings[system.strip()] = rating.strip()
        return ratings

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance._csv_ratings = self.parse_ratings(row.get("ratings"))
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        instance._csv_names = {
            lang: (row.get(f"title_{lang}") or "").strip() for lang in ("en", "fr") if f"title_{lang}" in row
        }
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        if original.pk is None:
            return False
        current = {lang: self._official_from_db(original, lang) for lang in instance._csv_names}
        ratings = dict(original.ratings.values_list("system", "value"))
        return current == instance._csv_names and ("ratings" not in row or ratings == instance._csv_ratings)

    @staticmethod
    def _official_from_db(title, language):
        lt = title.localized_titles.filter(language_id=language, kind=LocalizedTitleKind.OFFICIAL).first()
        return lt.text if lt else ""

    def save_m2m(self, instance, row, **kwargs):
        """The file states this row's values: its official names and ratings become what the
        cells say (an empty cell clears that value); no other record is ever deleted."""
        super().save_m2m(instance, row, **kwargs)
        for language, name in instance._csv_names.items():
            existing = instance.localized_titles.filter(language_id=language, kind=LocalizedTitleKind.OFFICIAL)
            if not name:
                existing.delete()
            elif not existing.update(text=name):
                LocalizedTitle.objects.create(
                    title=instance, language_id=language, kind=LocalizedTitleKind.OFFICIAL, text=name
                )
        if "ratings" in row:
            instance.ratings.exclude(system__in=instance._csv_ratings).delete()
            for system, value in instance._csv_ratings.items():
                ContentRating.objects.update_or_create(title=instance, system=system, defaults={"value": value})
        instance.refresh_search_text()
