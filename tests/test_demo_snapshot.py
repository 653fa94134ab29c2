"""The copy of the demo that most tests get (tests/demo_snapshot.py) is the demo: every table
holds the same rows as after a real ``load_demo``, ids aside (PostgreSQL's sequences move on
between loads), and the copy is refused when it would not be the same."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from catalog.models import Genre, Title
from conftest import seed_iso_codes
from screenings.models import Screening
from tests import demo_snapshot


def left_out(table) -> set[str]:
    """What differs between two real loads: the times of the save, the calendar UIDs (random) and
    a many-to-many link's id (it follows the order of a ``set()``)."""
    columns = {f.column for f in demo_snapshot.clock_fields(table.model)}
    if table.name == Screening._meta.db_table:
        columns.add("uid")
    if table.model._meta.auto_created:
        columns.add(table.pk)
    return columns


def canonical(tables: dict) -> dict:
    """Each table's rows with every id replaced by the row's rank in its table (and each foreign
    key by its target's rank), so that two loads with different ids compare equal; without what
    differs between two real loads (``left_out``)."""
    ranks = {name: {row[t.columns.index(t.pk)]: i for i, row in enumerate(t.rows)} for name, t in tables.items()}
    out = {}
    for name, table in tables.items():
        links = {}
        skipped = left_out(table)
        for field in table.model._meta.local_concrete_fields:
            if field.primary_key:
                links[field.column] = name
            elif field.remote_field:
                links[field.column] = field.remote_field.model._meta.db_table
        rows = []
        for row in table.rows:
            rows.append(
                tuple(
                    ranks[links[column]].get(value, ("unknown", value))
                    if column in links and value is not None
                    else value
                    for column, value in zip(table.columns, row, strict=True)
                    if column not in skipped
                )
            )
        out[name] = sorted(rows, key=repr)
    return out


def in_rolled_back(action):
    with transaction.atomic():
        result = action()
        tables = demo_snapshot.read_all()
        transaction.set_rollback(True)
    return result, tables


@pytest.mark.django_db
def test_the_copy_of_the_demo_is_the_demo_in_every_table():
    seed_iso_codes()
    in_rolled_back(demo_snapshot.load)  # the first load of this process is taken, or already was
    how, copied = in_rolled_back(demo_snapshot.load)
    assert how == "copied"
    _, loaded = in_rolled_back(lambda: call_command("load_demo", stdout=io.StringIO()))
    assert sum(len(t.rows) for t in copied.values()) > 500
    assert differences(copied, loaded) == {}


@pytest.mark.django_db
def test_the_copy_tells_the_time_of_the_copy(time_machine):
    seed_iso_codes()
    in_rolled_back(demo_snapshot.load)
    time_machine.move_to(datetime.datetime(2031, 5, 4, 12, tzinfo=datetime.UTC), tick=False)
    with transaction.atomic():
        assert demo_snapshot.load() == "copied"
        assert {(t.created, t.updated) for t in Title.objects.all()} == {(timezone.now(), timezone.now())}
        transaction.set_rollback(True)


def differences(copied: dict, loaded: dict) -> dict:
    """The columns that differ, table by table."""
    a, b = canonical(copied), canonical(loaded)
    out = {}
    for name in sorted(set(a) | set(b)):
        if a.get(name) == b.get(name):
            continue
        if len(a.get(name, [])) != len(b.get(name, [])):
            out[name] = f"{len(a.get(name, []))} rows copied, {len(b.get(name, []))} loaded"
            continue
        columns = [c for c in copied[name].columns if c not in left_out(copied[name])]
        out[name] = sorted(
            {columns[i] for x, y in zip(a[name], b[name], strict=True) for i in range(len(x)) if x[i] != y[i]}
        )
    return out


@pytest.mark.django_db
def test_a_title_made_before_the_demo_gets_the_real_load():
    seed_iso_codes()
    in_rolled_back(demo_snapshot.load)
    with transaction.atomic():
        Genre.objects.create(slug="drama", name_en="Drama", name_fr="Drame")
        assert demo_snapshot.load() == "loaded"
        assert Genre.objects.filter(slug="drama").count() == 1
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_loading_the_demo_twice_is_the_real_load_the_second_time():
    seed_iso_codes()
    in_rolled_back(demo_snapshot.load)
    with transaction.atomic():
        assert demo_snapshot.load() == "copied"
        count = Title.objects.count()
        assert demo_snapshot.load() == "loaded"
        assert Title.objects.count() == count
        transaction.set_rollback(True)
