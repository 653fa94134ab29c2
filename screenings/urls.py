from django.urls import path

from . import views
from .feeds import UpcomingScreeningsFeed

app_name = "screenings"

urlpatterns = [
    path("screenings/", views.ScreeningListView.as_view(), name="screening_list"),
    path("screenings/upcoming.atom", UpcomingScreeningsFeed(), name="upcoming_feed"),
    path("screenings/<int:pk>/", views.ScreeningDetailView.as_view(), name="screening_detail"),
    path("screenings/<int:pk>.ics", views.screening_ics, name="screening_ics"),
    path("festivals/", views.FestivalListView.as_view(), name="festival_list"),
    path("festivals/<slug:slug>/", views.EditionDetailView.as_view(), name="festival_detail"),
    path("festivals/<slug:slug>.ics", views.edition_ics, name="festival_ics"),
    path("festivals/<slug:slug>/sections.css", views.SectionStylesView.as_view(), name="section_styles"),
    path("venues/", views.VenueListView.as_view(), name="venue_list"),
    path("venues/<slug:slug>/", views.VenueDetailView.as_view(), name="venue_detail"),
    path("venues/<slug:slug>.ics", views.venue_ics, name="venue_ics"),
    path("titles/<slug:slug>/screenings.ics", views.title_ics, name="title_ics"),
]
