import datetime
from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View
from django_filters.views import FilterView

from catalog.models import Title
from catalog.pagination import BoundedPaginationMixin
from catalog.publishing import PreviewMixin, can_preview, visible_to
from catalog.text import slug_is
from catalog.views import SlugIexactMixin

from . import ical, jsonld
from .enums import When
from .filters import ScreeningFilter
from .localtime import day_label
from .models import Edition, Festival, Screening, Section, Venue


def by_day(screenings) -> list[dict]:
    """[{"day": date, "label": "Wednesday, November 3, 2021", "screenings": [...]}]: each
    screening on its venue's local day."""
    return [
        {"day": day, "label": day_label(day), "screenings": list(rows)}
        for day, rows in groupby(screenings, key=lambda s: s.local_start.date())
    ]


class ScreeningListView(BoundedPaginationMixin, FilterView):
    """Upcoming screenings with filters; bad values are form errors (``strict = False``);
    pages are bounded (``catalog.pagination``)."""

    filterset_class = ScreeningFilter
    template_name = "screenings/screening_list.html"
    context_object_name = "screenings"
    paginate_by = settings.PAGE_SIZE
    strict = False

    def get_queryset(self):
        return Screening.objects.public()

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so that the default ("upcoming") applies to a bare /screenings/.
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET.copy()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_without_page"] = params.urlencode()
        context["days"] = by_day(context["screenings"])
        if not context["days"] and self.nothing_upcoming():
            # A bare list with nothing upcoming: say so, and show the latest past screenings.
            context["recent_past"] = by_day(self.get_queryset().past()[: settings.PAGE_SIZE])
        return context

    def nothing_upcoming(self) -> bool:
        """The default list (upcoming, no other filter) is empty."""
        data = getattr(self.filterset.form, "cleaned_data", None)
        if data is None:
            return False
        return data.get("when") in (None, "", When.UPCOMING) and not any(
            value for name, value in data.items() if name != "when"
        )


class ScreeningDetailView(PreviewMixin, DetailView):
    """A public screening; staff preview a draft one (with all its titles)."""

    template_name = "screenings/screening_detail.html"
    context_object_name = "screening"

    def get_queryset(self):
        if can_preview(self.request, Screening):
            return Screening.objects.for_schedule()
        return Screening.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jsonld"] = jsonld.screening_event(self.object, self.request)
        return context


class FestivalListView(BoundedPaginationMixin, ListView):
    """Festivals by name, each with its published editions, newest first (an edition says
    whether it is on, coming or over); a festival with no published edition is not listed."""

    template_name = "screenings/festival_list.html"
    context_object_name = "festivals"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        editions = Edition.objects.published()
        shown = editions.order_by("-starts_on", "pk")
        return (
            Festival.objects.filter(Exists(editions.filter(festival=OuterRef("pk"))))
            .select_related("country")
            .prefetch_related(Prefetch("editions", queryset=shown, to_attr="public_editions"))
            .order_by("name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page of a festival is its latest published edition's.
        context["latest_editions"] = [festival.public_editions[0] for festival in context["festivals"]]
        return context


class VenueListView(BoundedPaginationMixin, ListView):
    """Venues (buildings, not their rooms) by city, with their addresses."""

    template_name = "screenings/venue_list.html"
    context_object_name = "venues"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        return Venue.objects.filter(parent=None).select_related("country").order_by("city", "name", "pk")


class EditionDetailView(PreviewMixin, SlugIexactMixin, DetailView):
    """A festival edition's schedule day by day; ``/festivals/<festival slug>/`` goes to its
    latest published edition. Staff preview a draft edition with all its screenings."""

    template_name = "screenings/edition_detail.html"
    context_object_name = "edition"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            editions = Edition.objects.published().filter(slug_is(kwargs["slug"], "festival__slug"))
            edition = editions.order_by("-starts_on").first()
            if edition is None:
                raise
            return redirect(edition)

    def get_queryset(self):
        return visible_to(self.request, Edition.objects.for_page())

    #: Up to this many screenings the whole programme is one page; a bigger edition shows one
    #: day a page, with a tab per day and the whole programme one click away (``?day=all``),
    #: so that its page costs the same at 100 screenings as at 5,000 (issue 17).
    whole_up_to = 120

    def chosen_day(self, edition) -> datetime.date | None:
        """The day asked for by ``?day=YYYY-MM-DD`` when it is one of the edition's; else today
        while the edition runs, else its first day. None for ``?day=all``. Never an error."""
        asked = self.request.GET.get("day", "")
        if asked == "all":
            return None
        try:
            day = datetime.date.fromisoformat(asked)
        except ValueError:
            day = timezone.localdate()
        return day if edition.starts_on <= day <= edition.ends_on else edition.starts_on

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = self.object
        shown = edition.screenings
        shown = shown.for_schedule() if can_preview(self.request, Screening) else shown.public()
        # A small edition is always its whole programme, without tabs, whatever ``?day`` says.
        day_by_day = shown.count() > self.whole_up_to
        day = self.chosen_day(edition) if day_by_day else None
        if day_by_day:
            context["day_tabs"] = [
                edition.starts_on + datetime.timedelta(days=n)
                for n in range((edition.ends_on - edition.starts_on).days + 1)
            ]
            context["chosen_day"] = day
        if day is not None:
            # Every zone's local day lies between UTC−12 and UTC+14: fetch that window, then keep
            # the screenings whose venue's local date is the day.
            midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
            shown = shown.filter(
                starts_at__gte=midnight - datetime.timedelta(hours=14),
                starts_at__lt=midnight + datetime.timedelta(days=1, hours=12),
            )
        screenings = list(shown.order_by("starts_at", "pk"))
        if day is not None:
            screenings = [s for s in screenings if s.local_start.date() == day]
        context["days"] = by_day(screenings)
        context["jsonld"] = jsonld.festival(self.object, screenings, self.request)
        # The festival's other published editions, one query: the one before and the one after.
        others = Edition.objects.published().filter(festival_id=self.object.festival_id).exclude(pk=self.object.pk)
        others = list(others.only("slug", "year", "name", "festival_id", "starts_on").order_by("starts_on", "pk"))
        context["previous_edition"] = next((e for e in reversed(others) if e.starts_on < self.object.starts_on), None)
        context["next_edition"] = next((e for e in others if e.starts_on > self.object.starts_on), None)
        return context


class VenueDetailView(SlugIexactMixin, DetailView):
    """A venue (a building; a room's address leads to it) with its rooms' next screenings and
    its latest past ones; each list's rest is the screening list filtered by the venue
    (``/screenings/?venue=<slug>``, paginated), one click away (issue 17)."""

    template_name = "screenings/venue_detail.html"
    context_object_name = "venue"
    #: How many upcoming and past screenings the venue's own page shows.
    past_limit = 20
    upcoming_limit = 30

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.parent_id:
            return redirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_queryset(self):
        return Venue.objects.select_related("parent", "country")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["rooms"] = rooms = list(self.object.rooms.all())
        # The building and its rooms by id: ``venue IN (…)`` walks the index on (venue, starts_at);
        # ``venue = … OR venue.parent = …`` read every screening of the catalogue.
        here = Screening.objects.filter(venue_id__in=[self.object.pk, *(room.pk for room in rooms)]).public(now)
        # One row more than shown tells whether the list goes on (no count of the venue's rows).
        upcoming = list(here.upcoming(now)[: self.upcoming_limit + 1])
        context["upcoming_more"] = len(upcoming) > self.upcoming_limit
        del upcoming[self.upcoming_limit :]
        context["days"] = by_day(upcoming)
        context["past"] = past = list(here.past(now)[: self.past_limit + 1])
        context["past_more"] = len(past) > self.past_limit
        del past[self.past_limit :]
        listing = reverse("screenings:screening_list")
        context["upcoming_url"] = f"{listing}?{urlencode({'venue': self.object.slug})}"
        context["past_url"] = f"{listing}?{urlencode({'venue': self.object.slug, 'when': When.PAST})}"
        context["jsonld"] = jsonld.venue_jsonld(self.object, upcoming, self.request)
        return context


class SectionStylesView(View):
    """The colours of an edition's sections as CSS (the CSP allows no inline styles)."""

    def get(self, request, slug):
        sections = Section.objects.filter(edition__in=visible_to(request, Edition.objects.filter(slug_is(slug))))
        # The swatch beside a section's name is drawn only where its colour is known: pages
        # without this stylesheet (a venue, a title) show the name alone, not a grey box.
        css = "\n".join(
            f".section-{s.pk} {{ --section-colour: {s.colour}; --section-swatch: 0.8rem solid {s.colour};"
            " --section-swatch-gap: 0.35rem; }"
            for s in sections
        )
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
        response["Cache-Control"] = "public, max-age=300"
        return response


# iCalendar ----------------------------------------------------------------------------------


def screening_ics(request, pk):
    screening = get_object_or_404(Screening.objects.public(), pk=pk)
    return ical.calendar_response(Screening.objects.filter(pk=screening.pk), request, ical.event_summary(screening))


def edition_ics(request, slug):
    edition = get_object_or_404(Edition.objects.published().select_related("festival"), slug_is(slug))
    screenings = edition.screenings.published().order_by("starts_at", "pk")
    return ical.calendar_response(screenings, request, str(edition))


def venue_ics(request, slug):
    venue = get_object_or_404(Venue, slug_is(slug), parent__isnull=True)
    since = timezone.now() - ical.VENUE_PAST
    screenings = (
        Screening.objects.filter(venue__in=venue.with_rooms(), starts_at__gte=since)
        .published()
        .order_by("starts_at", "pk")
    )
    return ical.calendar_response(screenings, request, venue.name)


def title_ics(request, slug):
    title = get_object_or_404(Title.objects.published().select_related("parent__parent"), slug_is(slug))
    screenings = Screening.objects.for_title(title).published().order_by("starts_at", "pk")
    return ical.calendar_response(screenings, request, _("Screenings: %(title)s") % {"title": title.full_title()})
