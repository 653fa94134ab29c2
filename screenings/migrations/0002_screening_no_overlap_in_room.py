"""No two room-blocking screenings overlap in the same venue/room, enforced by PostgreSQL itself.

An exclusion constraint (btree_gist for the ``=`` on venue_id, a half-open tstzrange so that
back-to-back screenings are allowed) is something only PostgreSQL has. It is not declared in the
model's Meta (that would emit PostgreSQL-only SQL on SQLite), so ``makemigrations --check`` stays
clean on both databases; on SQLite the same rule is checked inside the saving transaction
(``services.save_screening``; settings open SQLite transactions with BEGIN IMMEDIATE).
Cancelled screenings do not block their room.
"""

from django.db import migrations

CONSTRAINT = "screening_no_overlap_in_room"

FORWARD = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE screenings_screening ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (venue_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
"""
BACKWARD = f"ALTER TABLE screenings_screening DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("screenings", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
