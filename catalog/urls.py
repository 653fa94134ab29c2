from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("titles/", views.TitleListView.as_view(), name="title_list"),
    path("titles/<slug:slug>/", views.TitleDetailView.as_view(), name="title_detail"),
    path("titles/<slug:slug>/episodes/", views.TitleChildrenView.as_view(), name="title_children"),
    path("search/", views.SearchView.as_view(), name="search"),
]
