"""Fills ``Screening.blocked_until`` for the stored screenings: the end plus the room's
changeover. Migration 0013 added every venue without one, so this is the end itself; it is
written generally all the same (a room's own changeover, else its building's, else 0).
Backwards, the column is emptied again (0013's state: nullable, not yet read by anything)."""

from datetime import timedelta

from django.db import migrations
from django.db.models import F


def fill(apps, schema_editor):
    Venue = apps.get_model("screenings", "Venue")
    Screening = apps.get_model("screenings", "Screening")
    for venue in Venue.objects.select_related("parent"):
        minutes = venue.changeover
        if minutes is None:
            minutes = (venue.parent.changeover if venue.parent_id else None) or 0
        Screening.objects.filter(venue=venue).update(blocked_until=F("ends_at") + timedelta(minutes=minutes))


def empty(apps, schema_editor):
    apps.get_model("screenings", "Screening").objects.update(blocked_until=None)


class Migration(migrations.Migration):
    dependencies = [("screenings", "0013_changeover_and_venue_closures")]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
