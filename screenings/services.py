"""Workflows that write screenings: save with the room rule, duplicate, postpone, cancel.

Every write goes through ``save_screening`` so that one rule holds everywhere (admin, actions,
demo, imports): no two room-blocking screenings overlap in the same venue or room.

How the rule is made race-free:
- PostgreSQL: the room's row is locked (SELECT … FOR UPDATE) before the check, so two
  transactions booking one room queue up and the second sees the first; and the exclusion
  constraint ``screening_no_overlap_in_room`` refuses any overlap that reaches the table by
  another path. Its violation is turned into the same ValidationError.
- SQLite: transactions start with BEGIN IMMEDIATE (settings), so the check and the insert run
  under the database's write lock.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from catalog.models import Title

from .enums import ScreeningStatus
from .localtime import fold_choice, make_local_aware
from .models import Screening, ScreeningTitle, Venue, conflict_message

OVERLAP_CONSTRAINT = "screening_no_overlap_in_room"


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


@transaction.atomic
def save_screening(screening: Screening, titles: list[Title] | None = None, partners=None) -> Screening:
    """Validates and saves ``screening`` with its titles (in order) and partners.

    When ``ends_at`` is empty it is the start plus the titles' summed runtimes. Raises
    ValidationError naming the conflicting screening when the room is already taken.
    """
    if titles is None and screening.pk:
        titles = list(screening.titles.all())
    titles = list(titles or [])
    if screening.starts_at and not screening.ends_at:
        screening.ends_at = screening.starts_at + running_time(titles)
    if screening.venue_id:
        lock_room(screening.venue_id)
    screening.full_clean()
    try:
        _save_retrying_deadlock(screening)
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        conflict = (
            Screening.objects.overlapping(screening.venue_id, screening.starts_at, screening.ends_at, screening.pk)
            .select_related("venue__parent")
            .first()
        )
        message = conflict_message(conflict) if conflict else _("This room is already booked at that time.")
        raise ValidationError(message, code="overlap") from exc
    set_titles(screening, titles)
    if partners is not None:
        screening.partners.set(partners)
    return screening


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


@transaction.atomic
def duplicate(screening: Screening, on_date, venue: Venue | None = None) -> Screening:
    """A copy of ``screening`` on ``on_date`` at the same local time (and duration), in ``venue``
    if given. The copy is scheduled; its titles, partners, languages and prices are kept."""
    venue = venue or screening.venue
    local = screening.local_start
    naive = datetime.combine(on_date, local.time().replace(tzinfo=None))
    starts_at = make_local_aware(naive, venue.timezone, fold_choice(local))
    copy = Screening(
        edition=screening.edition,
        section=screening.section,
        venue=venue,
        label_en=screening.label_en,
        label_fr=screening.label_fr,
        starts_at=starts_at,
        ends_at=starts_at + screening.duration,
        premiere=screening.premiere,
        language=screening.language,
        subtitle_language=screening.subtitle_language,
        note=screening.note,
        ticket_url=screening.ticket_url,
        price=screening.price,
        currency=screening.currency,
    )
    return save_screening(copy, list(screening.titles.all()), list(screening.partners.all()))


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


@transaction.atomic
def cancel(screening: Screening) -> Screening:
    """Marks ``screening`` cancelled: it stays visible, marked, and frees its room."""
    screening.status = ScreeningStatus.CANCELLED
    screening.save(update_fields=["status", "updated"])
    return screening
