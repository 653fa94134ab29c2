"""sitemap.xml: every public page in both languages, with hreflang alternates.

Each app lists its own pages in ``<app>/sitemaps.py`` (a ``SITEMAPS`` dict); ``config/urls.py``
joins them under one sitemap index, so that a large catalogue is split into pages of
``PublicSitemap.limit`` addresses (``sitemap-titles.xml?p=2``…).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import extensions
from .models import Title


class PublicSitemap(Sitemap):
    """Both languages for each item, each listing its translation (``xhtml:link``)."""

    i18n = True
    alternates = True
    x_default = True
    #: Addresses per sitemap page (each item counts once per language).
    limit = 10_000

    def get_urls(self, page=1, site=None, protocol=None):
        """As Django's, but ``x-default`` is the default language's address (the one the pages
        announce), not the unprefixed address that redirects to it."""
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            by_language = {a["lang_code"]: a["location"] for a in url.get("alternates", [])}
            for alternate in url.get("alternates", []):
                if alternate["lang_code"] == "x-default":
                    alternate["location"] = by_language[settings.LANGUAGE_CODE]
        return urls


class ModelSitemap(PublicSitemap):
    """Records of one model, oldest first (a stable order keeps pages stable), with ``updated``."""

    queryset = None

    def items(self):
        return self.queryset.order_by("pk")

    def lastmod(self, item):
        return getattr(item, "updated", None)


class PagesSitemap(PublicSitemap):
    """The pages that are not records: home and the lists."""

    priority = 0.8
    PAGES = ("catalog:home", "catalog:title_list")

    def items(self):
        # The other apps' list pages come from catalog.extensions.public_pages.
        return [*self.PAGES, *extensions.public_pages.names()]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(ModelSitemap):
    """Published records only, as of the request (``queryset.published()`` at each call)."""

    def items(self):
        return self.queryset.published().order_by("pk")


class TitleSitemap(PublishedSitemap):
    queryset = Title.objects.only("pk", "slug", "updated")


SITEMAPS = {"pages": PagesSitemap, "titles": TitleSitemap}
