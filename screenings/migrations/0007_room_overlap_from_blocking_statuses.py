"""The room-overlap constraint is built from ROOM_BLOCKING_STATUSES, the statuses Python checks.

Migration 0002 created ``screening_no_overlap_in_room`` with raw SQL and a deny-list
(``status <> 'cancelled'``) while Python uses an allow-list (``screenings.enums``): a new status
would have made them disagree. The constraint is now declared in ``Screening.Meta.constraints``
(``screenings.constraints.RoomOverlapConstraint``, ``condition=Q(status__in=…)``), so the
migration state carries the statuses and ``makemigrations`` writes the next migration when they
change. This one drops 0002's constraint and adds the declared one, same name: both steps write
SQL on PostgreSQL only. Backwards, the declared one is removed and 0002's is created again.
"""

from django.db import migrations, models

import screenings.constraints

CONSTRAINT = "screening_no_overlap_in_room"

# Migration 0002's constraint, as it created it (kept here: a migration does not change later).
LEGACY = f"""
ALTER TABLE screenings_screening ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (venue_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
"""


def drop_legacy(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE screenings_screening DROP CONSTRAINT IF EXISTS {CONSTRAINT};")


def restore_legacy(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LEGACY)


class Migration(migrations.Migration):
    dependencies = [("screenings", "0006_screening_end_index")]

    operations = [
        migrations.RunPython(drop_legacy, restore_legacy, elidable=False),
        migrations.AddConstraint(
            model_name="screening",
            constraint=screenings.constraints.RoomOverlapConstraint(
                condition=models.Q(("status__in", ["scheduled", "sold-out", "postponed"])),
                name=CONSTRAINT,
            ),
        ),
    ]
