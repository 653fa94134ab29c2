"""The room-overlap rule includes the room's changeover: ``blocked_until`` (filled by 0014) is
required, and the exclusion constraint ``screening_no_overlap_in_room`` compares
``[starts_at, blocked_until)`` instead of ``[starts_at, ends_at)``. Both constraint steps write
SQL on PostgreSQL only (``RoomOverlapConstraint``); backwards, the ``ends_at`` one comes back."""

from django.db import migrations, models

import screenings.constraints

STATUSES = models.Q(("status__in", ["scheduled", "sold-out", "postponed"]))
MESSAGE = "This room is already booked at that time: move one screening or choose another room."


class Migration(migrations.Migration):
    dependencies = [("screenings", "0014_fill_blocked_until")]

    operations = [
        migrations.AlterField(
            model_name="screening",
            name="blocked_until",
            field=models.DateTimeField(
                editable=False,
                help_text="The end plus the room's changeover: the room is booked from the start until then.",
                verbose_name="room booked until",
            ),
        ),
        migrations.RemoveConstraint(model_name="screening", name="screening_no_overlap_in_room"),
        migrations.AddConstraint(
            model_name="screening",
            constraint=screenings.constraints.RoomOverlapConstraint(
                condition=STATUSES,
                ends="blocked_until",
                name="screening_no_overlap_in_room",
                violation_error_message=MESSAGE,
            ),
        ),
    ]
