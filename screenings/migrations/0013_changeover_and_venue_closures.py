"""Issue 18: a room's changeover, the screening's stored ``blocked_until`` (nullable until 0014
fills it and 0015 makes it required and moves the overlap constraint onto it), venue closures."""

import django.core.validators
import django.db.models.deletion
import screenings.constraints
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0016_title_top_level'),
        ('people', '0011_role_associated_name'),
        ('screenings', '0012_venue_postcode_and_coordinates'),
    ]

    operations = [
        migrations.CreateModel(
            name='VenueClosure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('starts_at', models.DateTimeField(verbose_name='starts')),
                ('ends_at', models.DateTimeField(verbose_name='ends')),
                ('reason_en', models.CharField(help_text='Shown on the programme grid, e.g. “Private event”.', max_length=200, verbose_name='reason (English)')),
                ('reason_fr', models.CharField(blank=True, help_text='“Soirée privée”.', max_length=200, verbose_name='reason (French)')),
            ],
            options={
                'verbose_name': 'venue closure',
                'verbose_name_plural': 'venue closures',
                'ordering': ['starts_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='screening',
            name='blocked_until',
            field=models.DateTimeField(editable=False, help_text="The end plus the room's changeover: the room is booked from the start until then.", null=True, verbose_name='room booked until'),
        ),
        migrations.AddField(
            model_name='venue',
            name='changeover',
            field=models.PositiveSmallIntegerField(blank=True, help_text="Minutes the room needs between two screenings (cleaning, ads): a screening keeps its room this long after it ends. Empty: the building's changeover for a room, none (0) for a building.", null=True, validators=[django.core.validators.MaxValueValidator(600)], verbose_name='changeover (minutes)'),
        ),
        migrations.AddField(
            model_name='venueclosure',
            name='venue',
            field=models.ForeignKey(help_text='A building closes all its rooms.', on_delete=django.db.models.deletion.CASCADE, related_name='closures', to='screenings.venue', verbose_name='venue or room'),
        ),
        migrations.AddConstraint(
            model_name='venueclosure',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='venue_closure_ends_after_start', violation_error_message='A closure must end after it starts.'),
        ),
    ]
