from catalog.sitemaps import ModelSitemap

from .models import Organization, Person


class PersonSitemap(ModelSitemap):
    queryset = Person.objects.only("pk", "slug", "updated")


class OrganizationSitemap(ModelSitemap):
    queryset = Organization.objects.only("pk", "slug", "updated")


SITEMAPS = {"people": PersonSitemap, "organizations": OrganizationSitemap}
