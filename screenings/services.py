"""Workflows that write screenings: save with the room rule, duplicate, postpone, cancel.

Every creation or change of a screening goes through ``save_screenings`` (``save_screening``
for one): the admin's screening form and the edition's schedule inline, the actions, these
workflows, the CSV import and the demo. It holds the room rule for the whole set it saves:
no two room-blocking screenings (``enums.ROOM_BLOCKING_STATUSES``) overlap in the same venue or
room, neither one of the set and one in the database nor two of the set.

How the rule is made race-free:
- PostgreSQL: the rooms' rows are locked (SELECT … FOR UPDATE) before the check, so two
  transactions booking one room queue up and the second sees the first; and the exclusion
  constraint ``screening_no_overlap_in_room`` (``constraints.RoomOverlapConstraint``, built
  from the same statuses) refuses any overlap that reaches the table by another path. Its
  violation is turned into the same ValidationError.
- SQLite: transactions start with BEGIN IMMEDIATE (settings), so the check and the insert run
  under the database's write lock.

A screening occupies its room from its start until ``blocked_until``: its end plus the room's
changeover (``Venue.changeover_minutes``), stored by ``Screening.save`` so that the constraint
compares it. A changeover change goes through ``refresh_blocked_until`` (called by
``Venue.save``), refused by ``changeover_collision`` if two upcoming screenings would collide.
Venue closures (``VenueClosure``: a building closes its rooms) are checked by
``Screening.check_room_is_free`` and saved through ``save_closure``; they have no database
constraint (a room's screening against its building's closure spans two tables): the row locks
(``lock_venue`` and ``lock_room``) make closure and booking queue on PostgreSQL.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Title

from .enums import ROOM_BLOCKING_STATUSES, ScreeningStatus
from .localtime import fold_choice, make_local_aware, time_label
from .models import OVERLAP_CONSTRAINT, Screening, ScreeningTitle, Venue, VenueClosure, conflict_message


def running_time(titles) -> timedelta:
    """The summed runtimes of ``titles``; a ValidationError names any title without one."""
    missing = [t for t in titles if not t.runtime_minutes]
    if missing:
        raise ValidationError(
            _("Give the end time: no runtime is known for %(titles)s.")
            % {"titles": ", ".join(t.full_title(localized=False) for t in missing)},
            code="no_runtime",
        )
    return timedelta(minutes=sum(t.runtime_minutes for t in titles))


def lock_room(venue_id) -> None:
    """Serialises bookings of one room until the end of the transaction (no-op on SQLite,
    whose IMMEDIATE transactions already hold the write lock)."""
    list(Venue.objects.select_for_update().filter(pk=venue_id).values_list("pk", flat=True))


def lock_venue(venue_id) -> None:
    """``lock_room`` for a venue and each of its rooms (in id order, as ``save_screenings``
    locks): what a closure of a building needs, since a screening locks only its own room."""
    rooms = Venue.objects.filter(parent=venue_id).values_list("pk", flat=True)
    for pk in sorted({int(venue_id), *rooms}):
        lock_room(pk)


@dataclass
class Booking:
    """A screening to save, with its programme (in order) and its other many-to-many values
    by field name (``{"partners": […]}``); ``titles=None`` keeps the programme as it is."""

    screening: Screening
    titles: list[Title] | None = None
    links: dict[str, list] = field(default_factory=dict)


def overlaps_within(screenings) -> list[tuple[Screening, Screening]]:
    """Pairs ``(screening, other)`` of ``screenings`` (one save) that would share a room, each
    with its room's changeover (``Screening.block_end``), ``other`` starting first (or, at the
    same start, coming first): the message for ``screening`` names ``other``. Only room-blocking ones with a venue and both times count;
    the database is not read (``Screening.check_room_is_free`` compares with it)."""
    position = {id(s): index for index, s in enumerate(screenings)}
    until = {id(s): s.block_end() for s in screenings if s.venue_id and s.ends_at}
    by_room = defaultdict(list)
    for screening in screenings:
        has_times = screening.venue_id and screening.starts_at and screening.ends_at
        if has_times and screening.status in ROOM_BLOCKING_STATUSES:
            by_room[screening.venue_id].append(screening)
    pairs = []
    for booked in by_room.values():
        booked.sort(key=lambda s: s.starts_at)
        for index, other in enumerate(booked):
            for screening in booked[index + 1 :]:
                if screening.starts_at >= until[id(other)]:
                    break
                pairs.append((screening, other))
    return sorted(pairs, key=lambda pair: position[id(pair[0])])


@transaction.atomic
def save_screenings(bookings: list[Booking], *, validated: bool = False) -> list[Screening]:
    """Validates and saves every booking's screening with its titles and links, all or none.

    The one write path of screenings. A screening shows at least one title (a new one needs
    them; ``titles=[]`` is refused on every path: forms, the edition page, actions, CSV). An empty ``ends_at`` is the start plus the titles'
    summed runtimes. The rooms are locked, then each screening is validated (``full_clean``:
    its fields, and the room against the database) and the set against itself; a
    ValidationError names the conflicting screening. ``validated``: the caller has just run
    ``full_clean`` (the CSV import, row by row), so only the room is checked again, under the lock.
    """
    bookings = list(bookings)
    for booking in bookings:
        screening = booking.screening
        if booking.titles == [] or (booking.titles is None and screening.pk is None):
            raise ValidationError({"titles": _("Choose at least one title shown.")}, code="no_title")
        if screening.starts_at and not screening.ends_at:
            titles = booking.titles
            if titles is None:
                titles = screening.title_list() if screening.pk else []
            screening.ends_at = screening.starts_at + running_time(titles)
    for venue_id in sorted({b.screening.venue_id for b in bookings if b.screening.venue_id}):
        lock_room(venue_id)
    for booking in bookings:
        if validated:
            booking.screening.check_room_is_free()
        else:
            booking.screening.full_clean()
    pairs = overlaps_within([b.screening for b in bookings])
    if pairs:
        other = pairs[0][1]
        titles = next(b.titles for b in bookings if b.screening is other)
        raise ValidationError(conflict_message(other, titles, screening=pairs[0][0]), code="overlap")
    for booking in bookings:
        _save(booking.screening)
        if booking.titles is not None:
            set_titles(booking.screening, list(booking.titles))
        for name, values in booking.links.items():
            getattr(booking.screening, name).set(values)
    return [b.screening for b in bookings]


def save_screening(screening: Screening, titles: list[Title] | None = None, partners=None) -> Screening:
    """``save_screenings`` for one screening: ``titles`` in order (None: kept), ``partners``
    (None: kept)."""
    links = {} if partners is None else {"partners": list(partners)}
    (saved,) = save_screenings([Booking(screening, None if titles is None else list(titles), links)])
    return saved


def _save(screening: Screening) -> None:
    """Saves one validated screening; the exclusion constraint's refusal (a booking that raced
    past the check) becomes the same ValidationError as the check's."""
    try:
        _save_retrying_deadlock(screening)
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        conflict = (
            Screening.objects.overlapping(screening.venue_id, screening.starts_at, screening.block_end(), screening.pk)
            .select_related("venue__parent")
            .first()
        )
        message = (
            conflict_message(conflict, screening=screening)
            if conflict
            else _("This room is already booked at that time.")
        )
        raise ValidationError(message, code="overlap") from exc


DEADLOCK = "40P01"


def _save_retrying_deadlock(screening: Screening) -> None:
    """Two bookings of one room that race past the room lock (or without it) can deadlock
    on PostgreSQL's exclusion constraint: each waits for the other's row. The database then
    aborts one; saved again, it waits for the winner and meets the constraint as usual."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                screening.save()
            return
        except OperationalError as exc:
            if attempt == 2 or getattr(exc.__cause__, "sqlstate", None) != DEADLOCK:
                raise
            if screening._state.adding:
                screening.pk = None


# Changeover and closures ---------------------------------------------------------------


def changeover_collision(moves: list[tuple[Venue, int]], now=None) -> str:
    """The message refusing a changeover change (``Venue.changeover_moves``: (room, new
    minutes)), or "" when it fits: with the new changeover, an upcoming screening of one of
    these rooms would run into the next one, or into a closure."""
    now = now or timezone.now()
    for room, minutes in moves:
        changeover = timedelta(minutes=minutes)
        booked = list(Screening.objects.blocking().filter(venue=room.pk, blocked_until__gt=now).order_by("starts_at"))
        for screening, following in pairwise(booked):
            until = screening.ends_at + changeover
            if following.starts_at < until:
                return _(
                    "With %(minutes)s minutes of changeover, “%(one)s” (screening #%(pk)s) would keep %(room)s until "
                    "%(until)s, after “%(other)s” (screening #%(other_pk)s) starts at %(start)s. Move one of them "
                    "first, or choose a shorter changeover."
                ) % {
                    "minutes": minutes,
                    "one": screening.label_en or screening.programme_title(localized=False),
                    "pk": screening.pk,
                    "room": room,
                    "until": _local_time(until, room),
                    "other": following.label_en or following.programme_title(localized=False),
                    "other_pk": following.pk,
                    "start": _local_time(following.starts_at, room),
                }
        venue = Venue.objects.select_related("parent").get(pk=room.pk)
        for screening in booked:
            closure = VenueClosure.objects.meeting(venue, screening.starts_at, screening.ends_at + changeover).first()
            if closure is not None:
                return _(
                    "With %(minutes)s minutes of changeover, “%(one)s” (screening #%(pk)s) would keep %(room)s until "
                    "%(until)s, into a closure (%(reason)s). Move it first, or choose a shorter changeover."
                ) % {
                    "minutes": minutes,
                    "one": screening.label_en or screening.programme_title(localized=False),
                    "pk": screening.pk,
                    "room": room,
                    "until": _local_time(screening.ends_at + changeover, room),
                    "reason": closure.reason,
                }
    return ""


def _local_time(instant: datetime, venue: Venue) -> str:
    local = instant.astimezone(venue.zone)
    return f"{time_label(local)} {local.tzname()}"


def refresh_blocked_until(moves: list[tuple[Venue, int]], now=None) -> int:
    """Gives the upcoming screenings of each room of ``moves`` ((room, new changeover minutes),
    from ``Venue.save``) their new ``blocked_until`` (end + changeover), under the rooms' locks;
    refused (ValidationError) if it would make two screenings collide. Ended screenings keep
    theirs: their changeover is history. Returns the number of screenings updated."""
    now = now or timezone.now()
    for venue_id in sorted({room.pk for room, _minutes in moves}):
        lock_room(venue_id)
    problem = changeover_collision(moves, now)
    if problem:
        raise ValidationError({"changeover": problem}, code="overlap")
    updated = 0
    for room, minutes in moves:
        updated += Screening.objects.filter(venue=room.pk, blocked_until__gt=now).update(
            blocked_until=F("ends_at") + timedelta(minutes=minutes)
        )
    return updated


@transaction.atomic
def save_closure(closure: VenueClosure) -> VenueClosure:
    """Validates and saves a venue closure: the venue and its rooms are locked first (the rows
    that ``save_screenings`` locks), so a screening booked at the same moment waits and then
    meets the closure, or the closure meets it."""
    lock_venue(closure.venue_id)
    closure.full_clean()
    closure.save()
    return closure


def set_titles(screening: Screening, titles: list[Title]) -> None:
    """Makes ``titles`` the programme of ``screening``, in this order."""
    current = list(screening.screening_titles.order_by("order", "pk").values_list("title_id", flat=True))
    wanted = [t.pk for t in titles]
    if current == wanted:
        return
    screening.screening_titles.all().delete()
    ScreeningTitle.objects.bulk_create(
        ScreeningTitle(screening=screening, title_id=pk, order=order) for order, pk in enumerate(wanted)
    )


#: What a copy does not take from its original: its identity and bookkeeping (fresh), what
#: ``save`` derives (``local_date``, ``blocked_until``), and its history (a copy is scheduled,
#: never postponed).
#: Every other field is copied, a field added later too; ``venue`` and the times are then set.
NOT_COPIED = frozenset(
    {"id", "uid", "version", "created", "updated", "local_date", "blocked_until", "status", "previous_starts_at"}
)


def copy_of(screening: Screening, on_date, venue: Venue | None = None) -> Booking:
    """An unsaved copy of ``screening`` on ``on_date`` at the same local time (and duration),
    in ``venue`` if given, with the same programme and many-to-many values."""
    venue = venue or screening.venue
    local = screening.local_start
    naive = datetime.combine(on_date, local.time().replace(tzinfo=None))
    starts_at = make_local_aware(naive, venue.timezone, fold_choice(local))
    copy = Screening(
        **{
            f.attname: getattr(screening, f.attname)
            for f in Screening._meta.concrete_fields
            if not f.primary_key and f.name not in NOT_COPIED
        }
    )
    copy.venue = venue
    copy.starts_at = starts_at
    copy.ends_at = starts_at + screening.duration
    links = {f.name: list(getattr(screening, f.name).all()) for f in Screening._meta.many_to_many if f.name != "titles"}
    return Booking(copy, screening.title_list(), links)


def duplicate(screening: Screening, on_date, venue: Venue | None = None) -> Screening:
    """A saved copy of ``screening`` (see ``copy_of``): scheduled, with its titles (in
    programme order), partners, languages and prices."""
    (copy,) = duplicate_all([screening], on_date, venue)
    return copy


def duplicate_all(screenings, on_date, venue: Venue | None = None) -> list[Screening]:
    """Copies of ``screenings`` on ``on_date``, saved together: two copies that would share a
    room are refused like a copy that meets a booked screening."""
    return save_screenings([copy_of(screening, on_date, venue) for screening in screenings])


@transaction.atomic
def postpone(screening: Screening, new_start: datetime) -> Screening:
    """Moves ``screening`` to ``new_start`` (same duration), marks it postponed and keeps the
    originally announced start in ``previous_starts_at`` (the first one, if postponed twice)."""
    duration = screening.duration
    if screening.previous_starts_at is None:
        screening.previous_starts_at = screening.starts_at
    screening.starts_at = new_start
    screening.ends_at = new_start + duration
    screening.status = ScreeningStatus.POSTPONED
    return save_screening(screening)


def cancel(screening: Screening) -> Screening:
    """Marks ``screening`` cancelled: it stays visible, marked, and frees its room."""
    screening.status = ScreeningStatus.CANCELLED
    return save_screening(screening)
