from django.urls import path

from . import views

app_name = "streaming"

urlpatterns = [
    path("platforms/", views.PlatformListView.as_view(), name="platform_list"),
    path("platforms/<slug:slug>/", views.PlatformDetailView.as_view(), name="platform_detail"),
]
