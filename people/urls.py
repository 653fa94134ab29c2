from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<slug:slug>/credits/", views.PersonCreditsView.as_view(), name="person_credits"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("organizations/<slug:slug>/credits/", views.OrganizationCreditsView.as_view(), name="organization_credits"),
    path("titles/<slug:slug>/credits/", views.TitleCreditsView.as_view(), name="title_credits"),
]
