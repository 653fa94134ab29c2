"""Upcoming and past screenings, and the longest a screening may last (``MAX_LENGTH``), which
bounds the walk of ``upcoming()``: at the reference size the home page read every past screening
before the first upcoming one (1.8 s on SQLite, `make bench`)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from screenings.models import MAX_LENGTH, Screening

from .factories import ScreeningFactory

pytestmark = pytest.mark.django_db


def test_a_screening_may_last_48_hours_and_not_a_minute_more():
    screening = ScreeningFactory.build(venue=ScreeningFactory().venue)
    screening.ends_at = screening.starts_at + MAX_LENGTH
    screening.full_clean(exclude=["uid"])

    screening.ends_at += timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        screening.full_clean(exclude=["uid"])

    assert refused.value.error_dict["ends_at"][0].code == "too_long"
    assert "at most 48 hours" in refused.value.messages[0]


def test_upcoming_and_past_split_every_screening_at_now_even_a_marathon_begun_yesterday():
    now = timezone.now().replace(microsecond=0)
    marathon = ScreeningFactory(starts_at=now - timedelta(hours=46), ends_at=now + timedelta(hours=1))
    ended = ScreeningFactory(starts_at=now - timedelta(hours=50), ends_at=now - timedelta(hours=2))
    ending_now = ScreeningFactory(starts_at=now - timedelta(hours=2), ends_at=now)
    later = ScreeningFactory(starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=2))

    assert list(Screening.objects.upcoming(now)) == [marathon, later]
    assert list(Screening.objects.past(now)) == [ending_now, ended]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_sqlite_reads_upcoming_and_past_from_a_range_of_the_start_index():
    """Without the bounds, SQLite walked the start index from the first screening ever held."""
    now = timezone.now()
    for queryset in (Screening.objects.upcoming(now), Screening.objects.past(now)):
        sql, params = queryset[:6].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING INDEX screening_start (starts_at" in plan, plan


def test_the_public_rule_reads_each_screenings_titles_by_probe_not_by_a_set():
    """A screening is public when it lists no title or a published one. Written as EXISTS under
    an OR, PostgreSQL could not make it a semi-join and hashed the titles of every screening
    (200,000 rows: 0.4 s for the screening list, the home page and a venue at the reference
    size). Two scalar subqueries with LIMIT 1 are probes of the screening's titles on any plan."""
    sql = str(Screening.objects.published().upcoming().query)

    assert "EXISTS" not in sql
    assert sql.count("LIMIT 1") >= 2


def test_the_title_lists_upcoming_filter_probes_each_work_without_exists(client):
    """PostgreSQL made the per-work EXISTS a hash semi-join over every upcoming screening
    (0.65 s at the reference size); a LIMIT 1 scalar subquery is a probe per work."""
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    screening = ScreeningFactory(starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2))

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/titles/?screening=upcoming")

    assert [t.pk for t in response.context["titles"]] == [t.root().pk for t in screening.titles.all()]
    listing = next(q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"])
    assert "EXISTS" not in listing
