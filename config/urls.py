from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.staticfiles import finders
from django.http import FileResponse
from django.urls import include, path, reverse
from django.views.generic import TemplateView
from django.views.i18n import set_language

from catalog.sitemaps import SITEMAPS as CATALOG_SITEMAPS
from people.sitemaps import SITEMAPS as PEOPLE_SITEMAPS
from screenings.sitemaps import SITEMAPS as SCREENINGS_SITEMAPS
from streaming.sitemaps import SITEMAPS as STREAMING_SITEMAPS

#: Every public page, grouped by kind: /sitemap.xml is the index of /sitemap-<kind>.xml.
SITEMAPS = CATALOG_SITEMAPS | PEOPLE_SITEMAPS | SCREENINGS_SITEMAPS | STREAMING_SITEMAPS


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return {"sitemap_url": self.request.build_absolute_uri(reverse("sitemap_index"))}


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page's link tags say."""
    path_ = finders.find("icons/favicon.ico")
    response = FileResponse(open(path_, "rb"), content_type="image/x-icon")  # noqa: SIM115 (closed by Django)
    response["Cache-Control"] = "public, max-age=86400"
    return response


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]

urlpatterns += i18n_patterns(
    path("", include("people.urls")),
    path("", include("screenings.urls")),
    path("", include("streaming.urls")),
    path("", include("catalog.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
