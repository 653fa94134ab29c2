"""Wall-clock times in a venue's zone: entering them (gaps and repeated hours when the clocks
change) and showing them per language ("Wednesday, November 3, 2021, 9:00 am" /
"mercredi 3 novembre 2021, 09:00"). Every datetime stored is aware (UTC in the database)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date, format_time
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.language import babel_locale
from catalog.typography import french_first_of_month

from .enums import AmbiguousChoice

UTC = ZoneInfo("UTC")


def validate_timezone(value: str) -> None:
    """An IANA zone name that zoneinfo knows ("America/Los_Angeles"), not "PST" or "+02:00"."""
    if not value or ("/" not in value and value != "UTC") or value not in _zone_names():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone; write it like “Europe/Paris” or “America/Los_Angeles”."),
            code="invalid_timezone",
            params={"value": value},
        )
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone “%(value)s”."), params={"value": value}) from exc


_ZONES: set[str] = set()


def timezone_names() -> list[str]:
    """Every zone name ``validate_timezone`` accepts, sorted: the choices of the venue form."""
    return sorted(name for name in _zone_names() if "/" in name or name == "UTC")


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def is_nonexistent(naive: datetime, tz: ZoneInfo) -> bool:
    """True for a wall time skipped when clocks go forward (2:30 am on a spring-forward night)."""
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive


def is_ambiguous(naive: datetime, tz: ZoneInfo) -> bool:
    """True for a wall time that happens twice when clocks go back (1:30 am on a fall-back night)."""
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()


def offset_label(aware: datetime) -> str:
    """ "PDT, UTC−07:00"."""
    offset = aware.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{aware.tzname()}, UTC{sign}{hours:02d}:{minutes:02d}"


def make_local_aware(naive: datetime, zone: str, choice: str = "") -> datetime:
    """The instant (an aware datetime in UTC) that the wall-clock ``naive`` means in ``zone``.

    UTC, so that adding a duration counts elapsed time: Python adds wall-clock time to two
    datetimes that share a ZoneInfo, which is an hour off across a clock change.

    Raises ValidationError (code ``nonexistent``) for a time skipped by a spring-forward change,
    and (code ``ambiguous``) for a repeated time when ``choice`` does not say which one is meant.
    """
    tz = ZoneInfo(zone)
    naive = naive.replace(tzinfo=None, second=0, microsecond=0)
    if is_nonexistent(naive, tz):
        before = (naive - timedelta(hours=1)).replace(tzinfo=tz)
        after = (naive + timedelta(hours=1)).replace(tzinfo=tz)
        raise ValidationError(
            _(
                "%(time)s does not exist in %(zone)s on %(date)s: the clocks go forward from %(before)s to "
                "%(after)s. Choose a time before or after the change."
            ),
            code="nonexistent",
            params={
                "time": naive.strftime("%H:%M"),
                "zone": zone,
                "date": naive.date().isoformat(),
                "before": before.tzname(),
                "after": after.tzname(),
            },
        )
    if is_ambiguous(naive, tz):
        if choice == AmbiguousChoice.EARLIER:
            return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if choice == AmbiguousChoice.LATER:
            return naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
        first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
        raise ValidationError(
            _(
                "%(time)s happens twice in %(zone)s on %(date)s because the clocks go back: first at "
                "%(first)s, then at %(second)s. Say which one you mean."
            ),
            code="ambiguous",
            params={
                "time": naive.strftime("%H:%M"),
                "zone": zone,
                "date": naive.date().isoformat(),
                "first": offset_label(first),
                "second": offset_label(second),
            },
        )
    return naive.replace(tzinfo=tz).astimezone(UTC)


def to_local(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone))


@dataclass(frozen=True)
class WallTime:
    """A wall-clock time in a venue's zone as a form holds it: the naive date and time, and
    which of the two when the clocks go back (``AmbiguousChoice``, else "").

    Deliberately not a tuple: a form widget treats a tuple as the values of its sub-widgets
    (the date box would get the datetime and the time box the choice), so the split widget
    decompresses this into date, time and choice. It still unpacks: ``naive, choice = wall``."""

    naive: datetime
    choice: str = ""

    def __iter__(self):
        return iter((self.naive, self.choice))

    @property
    def date(self) -> date:
        return self.naive.date()

    @property
    def time(self) -> time:
        return self.naive.time()

    @classmethod
    def of(cls, value: datetime | None, zone: ZoneInfo) -> "WallTime | None":
        """The wall time in ``zone`` of the instant ``value`` (None for None)."""
        if value is None:
            return None
        local = value.astimezone(zone)
        return cls(local.replace(tzinfo=None), fold_choice(local))


def fold_choice(local: datetime) -> str:
    """The choice that reproduces ``local`` when its wall time is ambiguous, else ""."""
    naive = local.replace(tzinfo=None)
    if not is_ambiguous(naive, local.tzinfo):
        return ""
    return AmbiguousChoice.LATER if local.fold else AmbiguousChoice.EARLIER


# Cells of CSV files ---------------------------------------------------------------------------

LOCAL_TIME = re.compile(
    r"^(?P<wall>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2})(?::(?P<seconds>\d{2}))?\s*(?P<offset>Z|[+-]\d{2}:\d{2})?$"
)


def parse_wall_time(value: str, zone: str, any_offset: bool = False) -> datetime:
    """The instant (UTC) that a CSV cell means in ``zone``: "2021-11-03T09:00" is a wall-clock
    time there (refused when the clocks skip it or show it twice); "2021-11-07T01:30-07:00"
    carries its offset, which must be one that ``zone`` has at that wall time unless
    ``any_offset`` (then it is simply that instant)."""
    match = LOCAL_TIME.match(value.strip())
    if not match:
        raise ValidationError(
            _("Write times as YYYY-MM-DDTHH:MM, e.g. 2021-04-20T19:30 (got “%(value)s”).") % {"value": value}
        )
    if match["seconds"] not in (None, "00"):
        raise ValidationError(_("Times are whole minutes (got “%(value)s”).") % {"value": value})
    try:
        naive = datetime.fromisoformat(match["wall"].replace(" ", "T"))
    except ValueError as exc:
        raise ValidationError(_("No such date or time: “%(value)s”.") % {"value": value}) from exc
    if not match["offset"]:
        try:
            return make_local_aware(naive, zone)
        except ValidationError as exc:
            if exc.code != "ambiguous":
                raise
            first, second = (to_local(make_local_aware(naive, zone, choice), zone) for choice in AmbiguousChoice)
            hint = _("In a CSV file, add the offset: %(first)s or %(second)s.") % {
                "first": first.isoformat(timespec="minutes"),
                "second": second.isoformat(timespec="minutes"),
            }
            raise ValidationError(f"{exc.messages[0]} {hint}", code="ambiguous") from exc
    aware = datetime.fromisoformat(match["wall"].replace(" ", "T") + match["offset"].replace("Z", "+00:00"))
    if not any_offset and to_local(aware, zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _("%(value)s is not a wall-clock time of %(zone)s (that instant is %(local)s there).")
            % {"value": value, "zone": zone, "local": to_local(aware, zone).isoformat(timespec="minutes")}
        )
    return aware.astimezone(UTC)


def format_wall_time(value: datetime, zone: str) -> str:
    """ "2021-11-03T09:00"; with the offset when the wall time happens twice."""
    local = to_local(value, zone)
    if is_ambiguous(local.replace(tzinfo=None), local.tzinfo):
        return local.isoformat(timespec="minutes")
    return local.strftime("%Y-%m-%dT%H:%M")


#: The CSV export writes the same text in SQL where it can (``catalog.csvio.export_query``).
format_wall_time.sql_kind = "wall_time"


# Display -------------------------------------------------------------------------------------


def locale_for(language: str | None = None) -> str:
    return babel_locale(language)


def day_label(day: date, language: str | None = None) -> str:
    """ "Wednesday, November 3, 2021" / "mercredi 3 novembre 2021"."""
    return french_first_of_month(format_date(day, format="full", locale=locale_for(language)), day, language)


def time_label(local: datetime, language: str | None = None) -> str:
    """ "9:00 am" / "09:00", in the wall time of ``local`` (already in the venue's zone)."""
    return _time_label(local.hour, local.minute, locale_for(language))


@lru_cache(maxsize=24 * 60 * 4)
def _time_label(hour: int, minute: int, locale: str) -> str:
    """Babel formats a time in tens of microseconds; a page of a hundred screenings asks for
    the same few hundred minutes again and again (the programme grid)."""
    wall = time(hour, minute)
    if locale.startswith("en"):
        return format_time(wall, "h:mm a", locale=locale).lower()
    return format_time(wall, "HH:mm", locale=locale)


def datetime_label(local: datetime, language: str | None = None) -> str:
    """ "Wednesday, November 3, 2021, 9:00 am" / "mercredi 3 novembre 2021, 09:00"."""
    return f"{day_label(local.date(), language)}, {time_label(local, language)}"
