from catalog.sitemaps import ModelSitemap, PublishedSitemap

from .models import Edition, Screening, Venue


class EditionSitemap(PublishedSitemap):
    queryset = Edition.objects.only("pk", "slug")


class VenueSitemap(ModelSitemap):
    """Buildings only: a room has no page of its own (its address is its building's)."""

    queryset = Venue.objects.filter(parent=None).only("pk", "slug", "parent")


class ScreeningSitemap(PublishedSitemap):
    queryset = Screening.objects.only("pk", "updated")


SITEMAPS = {"festivals": EditionSitemap, "venues": VenueSitemap, "screenings": ScreeningSitemap}
