import os
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from screenings import services
from screenings.enums import ScreeningStatus
from screenings.models import Screening

from .factories import EpisodeFactory, RoomFactory, ScreeningFactory, VenueFactory

LA = ZoneInfo("America/Los_Angeles")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def at(hour, minute=0):
    return datetime(2030, 11, 7, hour, minute, tzinfo=LA)


def new_screening(venue, start, minutes=90, **fields):
    return Screening(venue=venue, starts_at=start, ends_at=start + timedelta(minutes=minutes), **fields)


@pytest.mark.django_db
def test_overlap_in_same_room_refused_naming_the_other_screening():
    room = RoomFactory(name="Salle 1", parent__name="Melville Theatre")
    booked = ScreeningFactory(venue=room, starts_at=at(17, 30), ends_at=at(19, 35), label_en="Episodes 1 & 2")

    with pytest.raises(ValidationError) as error:
        services.save_screening(new_screening(room, at(19)), [EpisodeFactory()])

    assert error.value.messages == [
        (
            "Melville Theatre – Salle 1 is already booked from Thursday, November 7, 2030, 5:30 pm to 7:35 pm PST "
            f"by “Episodes 1 & 2” (screening #{booked.pk}). Choose another time or room."
        )
    ]
    assert Screening.objects.count() == 1


@pytest.mark.django_db
def test_back_to_back_screenings_allowed():
    room = RoomFactory()
    ScreeningFactory(venue=room, starts_at=at(9), ends_at=at(10, 30))

    services.save_screening(new_screening(room, at(10, 30)), [EpisodeFactory()])
    services.save_screening(new_screening(room, at(7, 30), minutes=90), [EpisodeFactory()])

    assert Screening.objects.filter(venue=room).count() == 3


@pytest.mark.django_db
def test_same_time_in_another_room_allowed():
    room = RoomFactory()
    other = RoomFactory(parent=room.parent)
    ScreeningFactory(venue=room, starts_at=at(9), ends_at=at(10, 30))

    services.save_screening(new_screening(other, at(9)), [EpisodeFactory()])

    assert Screening.objects.count() == 2


@pytest.mark.django_db
def test_cancelled_screening_frees_its_room():
    room = VenueFactory()
    cancelled = ScreeningFactory(venue=room, starts_at=at(9), ends_at=at(10, 30))
    services.cancel(cancelled)

    services.save_screening(new_screening(room, at(9)), [EpisodeFactory()])

    assert Screening.objects.filter(status=ScreeningStatus.CANCELLED).count() == 1
    assert Screening.objects.count() == 2


@pytest.mark.django_db
def test_end_before_start_refused():
    with pytest.raises(ValidationError) as error:
        services.save_screening(new_screening(VenueFactory(), at(9), minutes=-30), [EpisodeFactory()])

    assert "A screening must end after it starts." in error.value.messages


@pytest.mark.django_db
def test_end_from_summed_runtimes():
    episodes = [EpisodeFactory(runtime_minutes=45), EpisodeFactory(runtime_minutes=52)]
    screening = Screening(venue=VenueFactory(), starts_at=at(20))

    services.save_screening(screening, episodes)

    assert screening.local_end.strftime("%H:%M") == "21:37"
    assert screening.title_list() == episodes


@pytest.mark.django_db
def test_postpone_keeps_first_start_and_checks_room():
    room = VenueFactory()
    screening = ScreeningFactory(venue=room, starts_at=at(9), ends_at=at(10, 30))
    blocker = ScreeningFactory(venue=room, starts_at=at(15), ends_at=at(16))

    with pytest.raises(ValidationError) as error:
        services.postpone(Screening.objects.get(pk=screening.pk), at(14, 45))
    assert f"(screening #{blocker.pk})" in error.value.messages[0]

    services.postpone(Screening.objects.get(pk=screening.pk), at(18))
    services.postpone(Screening.objects.get(pk=screening.pk), at(20))

    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.POSTPONED
    assert screening.local_start.strftime("%H:%M") == "20:00"
    assert screening.local_end.strftime("%H:%M") == "21:30"
    assert screening.local_previous_start.strftime("%H:%M") == "09:00"


@pytest.mark.django_db
def test_duplicate_to_another_date_and_room_keeps_local_time():
    room = VenueFactory()
    other = VenueFactory()
    episodes = [EpisodeFactory(), EpisodeFactory()]
    # 5:30 pm PDT on 2 November 2030 …
    original = ScreeningFactory(
        venue=room,
        starts_at=datetime(2030, 11, 2, 17, 30, tzinfo=LA),
        ends_at=datetime(2030, 11, 2, 19, 35, tzinfo=LA),
        titles=episodes,
    )

    copy = services.duplicate(original, datetime(2030, 11, 3).date(), other)

    # … copied to 5:30 pm PST on the 3rd, after the clocks went back.
    assert copy.local_start.strftime("%Y-%m-%d %H:%M %Z") == "2030-11-03 17:30 PST"
    assert copy.local_end.strftime("%H:%M") == "19:35"
    assert copy.venue == other
    assert copy.title_list() == episodes


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_exclusion_constraint_refuses_overlap_that_skips_the_check(iso_codes):
    room = VenueFactory()
    ScreeningFactory(venue=room, starts_at=at(9), ends_at=at(10, 30))

    with pytest.raises(IntegrityError, match="screening_no_overlap_in_room"), transaction.atomic():
        new_screening(room, at(10)).save()  # straight to the table, no Python check

    # A cancelled one may overlap; back-to-back is fine.
    new_screening(room, at(10), status=ScreeningStatus.CANCELLED).save()
    new_screening(room, at(10, 30)).save()
    assert Screening.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("check_in_python", [True, False], ids=["service", "constraint-only"])
def test_postgres_two_concurrent_transactions_exactly_one_wins(check_in_python, monkeypatch, iso_codes):
    room = VenueFactory(name="Melville Theatre")
    episode = EpisodeFactory()
    if not check_in_python:
        # Both transactions pass the Python check (it sees nothing) and race to the table.
        monkeypatch.setattr(Screening, "check_room_is_free", lambda self: None)
        monkeypatch.setattr(services, "lock_room", lambda venue_id: None)
    barrier = threading.Barrier(2)
    results = {}

    def book(name, hour, minute):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                screening = new_screening(room, at(hour, minute), label_en=name)
                services.save_screening(screening, [episode])
            results[name] = "saved"
        except ValidationError as error:
            results[name] = error.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=args) for args in [("A", 9, 0), ("B", 10, 0)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["A", "B"]
    saved = [name for name, result in results.items() if result == "saved"]
    assert len(saved) == 1
    loser = "B" if saved == ["A"] else "A"
    winner = Screening.objects.get()
    assert winner.label_en == saved[0]
    assert f"by “{saved[0]}” (screening #{winner.pk})" in results[loser]
