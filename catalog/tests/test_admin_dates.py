"""The admin's date drill-down lists years from MIN/MAX, without a DISTINCT over the table."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screenings.tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def test_top_level_lists_the_years_between_the_first_and_the_last_without_distinct(admin_client):
    EditionFactory(starts_on=date(2019, 4, 1), ends_on=date(2019, 4, 5))
    EditionFactory(starts_on=date(2021, 11, 3), ends_on=date(2021, 11, 7))

    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get("/admin/screenings/edition/").content.decode()

    assert [y for y in ("2019", "2020", "2021") if f"starts_on__year={y}" in page] == ["2019", "2020", "2021"]
    # Django's own drill-down truncates every row's date (django_date_trunc, DATE_TRUNC).
    assert not [q["sql"] for q in queries.captured_queries if "date_trunc" in q["sql"].lower()]


def test_inside_a_year_the_months_come_from_django(admin_client):
    EditionFactory(starts_on=date(2021, 4, 1), ends_on=date(2021, 4, 5))
    EditionFactory(starts_on=date(2021, 11, 3), ends_on=date(2021, 11, 7))

    page = admin_client.get("/admin/screenings/edition/?starts_on__year=2021").content.decode()

    assert "starts_on__month=4" in page
    assert "starts_on__month=11" in page
    assert "starts_on__month=5" not in page
