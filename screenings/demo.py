"""The screenings part of the demo: the festival programme of reference document 000.

Five screenings of The Opera (L'Opéra), season 1, episodes 1 & 2, at the Melville Theatre,
Wednesday 3 to Sunday 7 November 2021, at the local times written in the document
(America/Los_Angeles; US daylight-saving time ended at 2:00 am on Sunday 7 November, so the
first four are PDT, UTC−7, and the Sunday one is PST, UTC−8).

Inferences, recorded in the edition's and the venue's notes:
- The document does not name its festival. Its creator's biography cites "COLCOA 2012" and
  "COLCOA 2016 & 2017", and it is a Los Angeles programme with a North American premiere:
  it is the programme of the COLCOA French Film Festival, 2021 edition.
- The edition's first and last days are those of the screenings listed (3–7 November 2021);
  the festival's full dates are not in the document.
- The Melville Theatre's address, city, country and capacity are not in the document and are
  left empty, as are the festival's city and country; only the venue's time zone, which the
  times need, comes from the COLCOA inference (Los Angeles), recorded in the venue's note.
- No document names the organiser or gives a tagline: the festival has neither (issue 16,
  defect 4: "Franco-American Cultural Fund" and "City of Lights, City of Angels…" were removed).
"""

from datetime import date, datetime

from catalog.demo import DEMO_PUBLISHED_AT
from catalog.models import Title
from people.models import Organization

from .enums import PremiereStatus, ScreeningStatus
from .localtime import make_local_aware
from .models import Edition, Festival, Screening, Section, Venue
from .services import save_screening

ZONE = "America/Los_Angeles"

#: (local start, local end) exactly as written in 000 (wall-clock times in Los Angeles).
PROGRAMME = [
    ("2021-11-03 09:00", "2021-11-03 10:30"),
    ("2021-11-04 11:00", "2021-11-04 12:30"),
    ("2021-11-05 13:00", "2021-11-05 14:30"),
    ("2021-11-06 15:00", "2021-11-06 16:30"),
    ("2021-11-07 17:30", "2021-11-07 19:35"),
]

EDITION_NOTE = (
    "Inferred: the programme in reference document 000 names no festival; the creator's biography "
    "cites COLCOA (2012, 2016 & 2017) and the entry is a Los Angeles North American premiere, so it "
    "is taken to be the COLCOA French Film Festival 2021. First and last days are those of the "
    "screenings listed in the document (3–7 November 2021), not the festival's full dates."
)
VENUE_NOTE = (
    "Named in reference document 000 (COLCOA 2021 programme). Time zone inferred from the festival "
    "(COLCOA is held in Los Angeles), as the times need one; address, city, country and capacity are "
    "not given in the document and are left empty."
)


def organization(slug, name, kind):
    org, _created = Organization.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    return org


def load(stdout=None):
    newen = organization("newen-connect", "Newen Connect", "sales")
    orange = organization("orange-studio", "Orange Studio", "other")

    venue, _created = Venue.objects.update_or_create(
        slug="melville-theatre",
        defaults={
            "name": "Melville Theatre",
            "city": "",
            "country_id": None,
            "timezone": ZONE,
            "note": VENUE_NOTE,
        },
    )
    festival, _created = Festival.objects.update_or_create(
        slug="colcoa",
        defaults={
            "name": "COLCOA French Film Festival",
            "organizer": None,
            "city": "",
            "country_id": None,
            "description_en": "",
            "description_fr": "",
        },
    )
    edition, _created = Edition.objects.update_or_create(
        festival=festival,
        year=2021,
        defaults={
            "slug": "colcoa-2021",
            "starts_on": date(2021, 11, 3),
            "ends_on": date(2021, 11, 7),
            "note": EDITION_NOTE,
            "published_at": DEMO_PUBLISHED_AT,
        },
    )
    section, _created = Section.objects.update_or_create(
        edition=edition, name_en="TV Series", defaults={"name_fr": "Séries", "colour": "#1a55c4", "order": 1}
    )
    episodes = list(
        Title.objects.filter(slug__in=["l-opera-season-1-episode-1", "l-opera-season-1-episode-2"]).order_by("number")
    )
    for local_start, local_end in PROGRAMME:
        starts_at = make_local_aware(datetime.fromisoformat(local_start), ZONE)
        screening = Screening.objects.filter(venue=venue, starts_at=starts_at).first() or Screening(
            venue=venue, starts_at=starts_at
        )
        screening.edition = edition
        screening.section = section
        screening.ends_at = make_local_aware(datetime.fromisoformat(local_end), ZONE)
        screening.label_en = "Episodes 1 & 2"
        screening.label_fr = "Épisodes 1 et 2"
        screening.premiere = PremiereStatus.NORTH_AMERICAN
        screening.language_id = "fr"
        screening.subtitle_language_id = "en"
        screening.status = ScreeningStatus.SCHEDULED
        screening.published_at = DEMO_PUBLISHED_AT
        save_screening(screening, episodes, [newen, orange])
    if stdout:
        stdout.write(f"screenings: {Screening.objects.count()} screenings, {Venue.objects.count()} venues")
