from django.urls import path

from . import views
from .feeds import NewOnStreamingFeed

app_name = "streaming"

urlpatterns = [
    path("platforms/", views.PlatformListView.as_view(), name="platform_list"),
    path("platforms/new.atom", NewOnStreamingFeed(), name="new_feed"),
    path("platforms/<slug:slug>/", views.PlatformDetailView.as_view(), name="platform_detail"),
    path(
        "platforms/<slug:slug>/available/",
        views.PlatformOffersView.as_view(),
        {"part": "available"},
        name="platform_available",
    ),
    path(
        "platforms/<slug:slug>/coming/", views.PlatformOffersView.as_view(), {"part": "coming"}, name="platform_coming"
    ),
    path("titles/<slug:slug>/offers/", views.TitleOffersView.as_view(), name="title_offers"),
]
