from django.db import models
from django.utils.translation import gettext_lazy as _


class TitleKind(models.TextChoices):
    FILM = "film", _("Film")
    SHORT = "short", _("Short film")
    SERIES = "series", _("Series")
    SEASON = "season", _("Season")
    EPISODE = "episode", _("Episode")
    PERFORMANCE = "performance", _("Performance recording")
    LIVE = "live", _("Live performance")
    VIDEO = "video", _("Video")
    TRAILER = "trailer", _("Trailer or teaser")


#: Kinds that stand alone (no parent); seasons and episodes hang below a series.
TOP_LEVEL_KINDS = {
    TitleKind.FILM,
    TitleKind.SHORT,
    TitleKind.SERIES,
    TitleKind.PERFORMANCE,
    TitleKind.LIVE,
    TitleKind.VIDEO,
    TitleKind.TRAILER,
}
#: Which parent kinds each child kind accepts. An episode may sit in a season, or
#: directly in a series that has no seasons (a miniseries).
ALLOWED_PARENT_KINDS = {
    TitleKind.SEASON: {TitleKind.SERIES},
    TitleKind.EPISODE: {TitleKind.SEASON, TitleKind.SERIES},
}


class LocalizedTitleKind(models.TextChoices):
    OFFICIAL = "official", _("Official release title")
    ORIGINAL = "original", _("Original title")
    FESTIVAL = "festival", _("Festival title")
    WORKING = "working", _("Working title")
    SHORT = "short", _("Short title")
    ALTERNATIVE = "alternative", _("Alternative title")


class ImageKind(models.TextChoices):
    POSTER = "poster", _("Poster")
    STILL = "still", _("Still")
    LOGO = "logo", _("Logo")


class ExternalSource(models.TextChoices):
    IMDB = "imdb", "IMDb"
    TMDB = "tmdb", "TMDB"
    WIKIDATA = "wikidata", "Wikidata"
    OTHER = "other", _("Other")


class TitleOrdering(models.TextChoices):
    TITLE = "title", _("Title (A–Z)")
    NEWEST = "-year", _("Newest first")
    OLDEST = "year", _("Oldest first")
    RECENTLY_ADDED = "-created", _("Recently added")


class PublicationStatus(models.TextChoices):
    """Where a record stands on the way to the public pages (catalog.publishing)."""

    PUBLISHED = "published", _("Published")
    SCHEDULED = "scheduled", _("Scheduled")
    DRAFT = "draft", _("Draft")


class ImportState(models.TextChoices):
    """Where an uploaded CSV file is on its way from the admin's upload to the database."""

    CHECKING = "checking", _("Checking")
    READY = "ready", _("Ready to import")
    REFUSED = "refused", _("Refused")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
