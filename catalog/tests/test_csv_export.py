"""CSV export (issue 17): every resource streams its rows in key order with a number of queries
that does not grow with the rows, in bounded memory, and writes exactly the cells that its
fields render for each record (the preview's rendering, and the format of every earlier export)."""

import csv
import datetime
import io
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.csvadmin import EXPORT_FORMATS
from catalog.csvcommands import export_queryset
from catalog.csvio import (
    StrictDecimalWidget,
    StrictIntegerWidget,
    copy_sql,
    crlf,
    export_pieces,
    export_query,
    get_resource,
    neutralise,
    resource_names,
    write_csv,
)
from catalog.models import Title
from catalog.tests.test_backup import seed_hostile_values, seed_images
from catalog.tests.test_generate import generate

pytestmark = pytest.mark.django_db


def reference_rows(resource, queryset):
    """Header and, per record, the cell that ``export_field`` renders for each field from the
    model instance (with the resource's prefetches): what the export wrote before it read values."""
    fields = resource.get_export_fields()
    rows = [[f.column_name for f in fields]]
    for record in queryset:
        rows.append(
            [
                cell if isinstance(f.widget, StrictDecimalWidget | StrictIntegerWidget) else neutralise(cell)
                for f, cell in ((f, resource.export_field(f, record)) for f in fields)
            ]
        )
    return rows


def text_of(rows, delimiter=","):
    stream = io.StringIO()
    write_csv(rows, stream, delimiter)
    return stream.getvalue()


@pytest.fixture
def catalogue(demo):
    """The demo, a small generated catalogue and hostile values in every plain text column."""
    generate(titles=150, people=150, credits=400, screenings=150, offers=300)
    seed_hostile_values()
    seed_images()


def test_every_resource_writes_the_cells_its_fields_render(catalogue):
    for name in resource_names():
        resource = get_resource(name)()
        queryset = resource.get_export_queryset()
        expected = text_of(reference_rows(resource, queryset))

        assert text_of(get_resource(name)().export_rows()) == expected, name
        assert expected.count("\r\n") > 2, name


def test_the_file_is_the_same_whoever_writes_it(catalogue):
    """``export_pieces`` (COPY on PostgreSQL where the database renders every column, csv.writer
    elsewhere) gives the text of the rows, for every resource, with hostile values."""
    for name in resource_names():
        resource = get_resource(name)()
        for delimiter in (",", ";"):
            expected = text_of(resource.export_rows(), delimiter)

            assert "".join(export_pieces(resource, delimiter=delimiter)) == expected, (name, delimiter)


def test_times_are_written_alike_by_the_database_and_by_python_in_any_time_zone(catalogue):
    """Publication and live times (``timezone.localtime(value).isoformat()``) rendered in SQL are
    the text Python writes: half-hour offsets, both sides of a clock change, microseconds."""
    from streaming.models import Offer

    moments = [
        datetime.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=datetime.UTC),  # before Paris' change
        datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC),  # after it
        datetime.datetime(2026, 10, 25, 0, 30, 0, 1, tzinfo=datetime.UTC),
        datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    ]
    offers = list(Offer.objects.order_by("pk")[: len(moments)])
    for offer, moment in zip(offers, moments, strict=True):
        Offer.objects.filter(pk=offer.pk).update(published_at=moment, live_at=moment)
    Title.objects.filter(pk__in=Title.objects.order_by("pk")[:4].values("pk")).update(published_at=moments[0])
    for zone in ("UTC", "Europe/Paris", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham"):
        with timezone.override(zone):
            for name in ("offers", "titles"):
                resource = get_resource(name)()
                expected = text_of(reference_rows(resource, resource.get_export_queryset()))

                assert "".join(export_pieces(resource)) == expected, (zone, name)
                # The times were written by the database (every cell is), not by Python.
                written_by_sql = export_query(resource, resource.get_export_queryset()).rendered
                assert written_by_sql == (zone == "UTC" or connection.vendor == "postgresql"), (zone, name)
    with timezone.override("Asia/Kolkata"):
        assert "+05:30" in "".join(export_pieces(get_resource("offers")()))


def test_related_cells_with_hostile_items_are_written_alike_by_the_database(catalogue):
    """The columns kept in other tables, as the database writes them (``export_items``): a
    statement's JSON with every character JSON escapes or keeps, ratings whose systems sort
    differently as pairs and as text, aliases with and without a source, out of order."""
    from catalog.models import ContentRating, TitleStatement
    from people.models import Person, PersonAlias

    odd = 'quote " backslash \\ \b \f \n \r \t \x01 \x1f \x7f \u2028 é 𝄞 {"[|]"} =1'
    title = Title.objects.order_by("pk").first()
    TitleStatement.objects.create(title=title, text=odd, speaker="=S", order=2)
    TitleStatement.objects.create(title=title, text="second", speaker="'B", source=odd[:200], order=1)
    TitleStatement.objects.create(
        title=title, text="dated", speaker="C", language_id="fr", stated_on=datetime.date(2026, 1, 28), order=1
    )
    ContentRating.objects.filter(title=title).delete()
    for system, value in (("US-TV", "TV-MA"), ("US", "R"), ("FR", "-12")):
        ContentRating.objects.create(title=title, system=system, value=value)
    person = Person.objects.order_by("pk").first()
    for name, seen_in in (("Zed", ""), ("=Al", "numeridanse.tv"), ("Al", "[x]")):
        alias = PersonAlias(owner=person, name=name, seen_in=seen_in)
        alias.fill_name_key()
        alias.save()
    written = {}
    for name in ("titles", "people"):
        resource = get_resource(name)()
        expected = text_of(reference_rows(resource, resource.get_export_queryset()))

        assert "".join(export_pieces(resource)) == expected, name
        assert text_of(get_resource(name)().export_rows()) == expected, name
        written[name] = expected
    assert "\\u0001" in written["titles"]
    assert ",FR:-12|US:R|US-TV:TV-MA," in written["titles"]  # as pairs; as text US-TV would come first
    assert "'=Al [numeridanse.tv]|Al [[x]]|Zed" in written["people"]


def test_the_database_writes_every_cell_of_the_largest_tables(catalogue):
    """Titles, credits, people, organisations, offers and venues: every cell rendered in SQL
    (COPY on PostgreSQL, rows straight to csv.writer on SQLite). Screenings and closures too on
    PostgreSQL; on SQLite, which knows no time zone, all but their wall times."""
    for name in ("titles", "credits", "people", "organizations", "offers", "venues"):
        resource = get_resource(name)()
        assert export_query(resource, resource.get_export_queryset()).rendered, name
    for name in ("screenings", "closures"):
        resource = get_resource(name)()
        query = export_query(resource, resource.get_export_queryset())
        python = [cell[1] for cell in query.cells if not isinstance(cell, int)]
        if connection.vendor == "postgresql":
            assert python == [], name
        else:
            assert python == [("starts_at", "venue__timezone"), ("ends_at", "venue__timezone")], name
    if connection.vendor == "postgresql":
        credits = get_resource("credits")()
        assert copy_sql(credits, credits.get_export_queryset()) is not None


def fall_back(zone: str, year: int) -> tuple[datetime.datetime, datetime.timedelta]:
    """The first instant of ``year`` when the clocks of ``zone`` go back, and by how much."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    moment = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    step = datetime.timedelta(hours=1)
    while moment.astimezone(tz).utcoffset() <= (moment + step).astimezone(tz).utcoffset():
        moment += step
    while step > datetime.timedelta(minutes=1):  # to the minute
        step /= 2
        if moment.astimezone(tz).utcoffset() <= (moment + step).astimezone(tz).utcoffset():
            moment += step
    before, after = moment.astimezone(tz).utcoffset(), (moment + step).astimezone(tz).utcoffset()
    return moment + step, before - after


def test_wall_times_that_happen_twice_are_written_alike_by_the_database(catalogue):
    """A screening's wall time in its venue's zone (``format_wall_time``), with the offset only
    when the clocks go back over it: a one-hour change, a half-hour one (Lord Howe), the
    minutes either side of the overlap, and ends that leave it."""
    from screenings.models import Screening, Venue

    screenings = list(Screening.objects.order_by("pk").select_related("venue"))
    by_venue = {}
    for screening in screenings:
        by_venue.setdefault(screening.venue_id, screening)
    chosen = iter(by_venue.values())
    cases = 0
    for zone in ("Europe/Paris", "America/St_Johns", "Australia/Lord_Howe"):
        change, shift = fall_back(zone, 2031)
        for start in (change - shift / 2, change, change + shift / 3, change + shift, change - shift - _minutes(1)):
            screening = next(chosen, None)
            if screening is None:
                break
            Venue.objects.filter(pk=screening.venue_id).update(timezone=zone)
            end = start + shift + _minutes(5)
            Screening.objects.filter(pk=screening.pk).update(starts_at=start, ends_at=end, blocked_until=end)
            cases += 1
    assert cases >= 10
    resource = get_resource("screenings")()
    expected = text_of(reference_rows(resource, resource.get_export_queryset()))

    assert "".join(export_pieces(resource)) == expected
    # Paris: 02:30 before the clocks go back, 02:20 after them, 03:00 once only.
    assert ",2031-10-26T02:30+02:00," in expected
    assert ",2031-10-26T02:20+01:00," in expected
    assert ",2031-10-26T03:00," in expected


def _minutes(n):
    return datetime.timedelta(minutes=n)


def test_copy_line_ends_become_crlf_outside_quoted_cells_across_blocks():
    blocks = [b'a,"x\n', b'y""\n', b'z"\nb,', b'"",c\n', b'"', b'q\n"\n']

    assert b"".join(crlf(blocks)) == b'a,"x\ny""\nz"\r\nb,"",c\r\n"q\n"\r\n'


def test_the_chunks_of_an_export_join_up(catalogue):
    """Rows that straddle a chunk (the related columns are read per chunk) keep their cells."""
    for name in ("titles", "credits", "screenings", "platforms"):
        whole = text_of(get_resource(name)().export_rows())
        resource = get_resource(name)()
        resource.export_chunk_size = 7

        assert text_of(resource.export_rows()) == whole, name


def first_records(resource, count):
    queryset = resource.get_export_queryset()
    chosen = list(queryset.values_list("pk", flat=True)[:count])
    return queryset.filter(pk__in=chosen), len(chosen)


def export_queries(name, count) -> tuple[int, int]:
    resource = get_resource(name)()
    queryset, found = first_records(resource, count)
    with CaptureQueriesContext(connection) as captured:
        rows = list(resource.export_rows(queryset))
    assert len(rows) == found + 1
    return len(captured), found


def test_an_export_runs_as_many_queries_at_100_rows_as_at_10_for_every_resource(catalogue):
    for name in resource_names():
        small, small_rows = export_queries(name, 10)
        large, large_rows = export_queries(name, 100)

        assert large_rows > small_rows > 1 or name in ("festivals", "venues", "platforms", "plans"), name
        assert large == small, f"{name}: {small} queries at {small_rows} rows, {large} at {large_rows}"


@pytest.fixture
def exporter(admin_client):
    return admin_client


def export_url(name):
    resource = get_resource(name)
    opts = resource._meta.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_export_csv")


def test_the_admin_export_streams_every_resource_before_reading_its_rows(catalogue, exporter):
    for name in resource_names():
        with CaptureQueriesContext(connection) as captured:
            response = exporter.get(export_url(name))
            assert response.status_code == 200, name
            assert response.streaming, name
            before = len(captured)
            body = b"".join(response.streaming_content)

        # The rows are read while the response is sent, not before it starts.
        assert len(captured) > before, name
        assert body.decode() == text_of(get_resource(name)().export_rows()), name


def test_the_admin_export_sends_the_file_in_pieces_of_many_rows(catalogue, exporter):
    response = exporter.get(export_url("credits"))
    pieces = list(response.streaming_content)
    lines = b"".join(pieces).count(b"\r\n")

    assert lines > 400
    assert 1 < len(pieces) < lines / 10  # neither one block held whole, nor a write per row


def test_excel_france_export_is_the_plain_export_with_semicolons_a_bom_and_decimal_commas(catalogue, exporter):
    for name in ("plans", "offers", "screenings"):
        plain = exporter.get(export_url(name))
        excel = exporter.get(export_url(name) + "?format=excel-fr")
        rows = list(csv.reader(io.StringIO(b"".join(plain.streaming_content).decode(), newline="")))
        fmt = EXPORT_FORMATS["excel-fr"]
        resource = get_resource(name)()
        expected = "\ufeff" + text_of(fmt.rows(resource, iter(rows)), ";")

        assert b"".join(excel.streaming_content).decode() == expected, name


def peak_memory(name) -> int:
    """The peak of Python memory while ``export_csv`` writes the whole resource."""
    resource, queryset = export_queryset(name)
    tracemalloc.start()
    try:
        write_csv(resource.export_rows(queryset), _Discard())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Discard:
    def write(self, text):
        return len(text)


def add_titles(start, stop):
    from catalog.models import Title

    Title.objects.bulk_create(
        Title(slug=f"t-{n:05}", kind="film", original_title=f"Title {n}", sort_title=f"title {n}")
        for n in range(start, stop)
    )


def test_export_memory_does_not_grow_with_the_rows(db):
    # Several chunks (export_chunk_size) in both files: the peak holds one chunk being read
    # while the previous one is let go, whatever the number of chunks.
    add_titles(0, 5_000)
    small = peak_memory("titles")
    add_titles(5_000, 25_000)
    large = peak_memory("titles")

    assert large < small * 1.3, f"peak {small:,} bytes at 5,000 rows, {large:,} at 25,000"
