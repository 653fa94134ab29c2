from catalog.sitemaps import ModelSitemap

from .models import Platform


class PlatformSitemap(ModelSitemap):
    queryset = Platform.objects.only("pk", "slug", "updated")


SITEMAPS = {"platforms": PlatformSitemap}
