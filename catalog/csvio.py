"""The one CSV machinery shared by every resource (SPEC §6), built on django-import-export.

Each resource is an import-export ``ModelResource`` whose fields and widgets read and write
the cells; this module adds what its defaults lack for real files and real sizes:

Reading: UTF-8 with or without BOM, or Windows-1252 (declared, or detected when the bytes are
not UTF-8); comma or semicolon (declared, or detected from the header); CRLF or LF; quoted
multi-line cells; all streamed, so memory does not grow with the file. The header must hold
every required column and nothing unknown; a short row is an error (an update never blanks a
field because a cell is missing).

Importing: rows are read in chunks. Every related natural key of a chunk is resolved in one
query per column; existing records are found by natural key in one query; each row is then
checked with the model's own rules. Resources with ``bulk = True`` (titles, credits) write a
chunk with ``bulk_create``/``bulk_update`` and let the database check its constraints; when it
refuses, the chunk is replayed row by row with ``full_clean`` to name the bad rows. Other
resources save row by row with ``full_clean`` (their rules look at earlier rows: a room's
overlapping screenings). Everything happens in one transaction that is rolled back when any
row fails, and always for a dry run: an import is all or nothing and the dry run reports
exactly what the import would do. Re-importing the same file changes nothing.

Writing: an iterator over the queryset, never a list; cells that a spreadsheet would take
for a formula are prefixed with an apostrophe, which the reader removes again.

The admin Import/Export buttons (catalog.csvadmin) and the ``import_csv`` / ``export_csv`` /
``import_all`` / ``export_all`` commands run this same code.
"""

import codecs
import copy
import csv
import dataclasses
import datetime
import decimal
import gc
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, EmptyResultSet, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, DataError, IntegrityError, models, transaction
from django.db.models import Window
from django.db.models.functions import Cast, Lower, RowNumber
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field

from . import audit, csvwrite, extensions, pagecache
from .snapshot import private_copy_for_check
from .text import normalize

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: The encodings and delimiters a file may be read with (the admin's choices, the commands').
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
DELIMITERS = (",", ";")
#: Rows of the preview: the first rows created or changed, with their old and new values.
PREVIEW_ROWS = 20
SEPARATOR = "|"
BLOCK = 1 << 20

# A cell is as long as its text field allows: Python's default limit (131,072 characters) would
# refuse on import a synopsis that the export wrote. The limit is per process; the reader
# streams, so only one row is held in memory.
csv.field_size_limit(2**31 - 1)


class CsvFileError(Exception):
    """The file as a whole cannot be read (encoding, header)."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Problem:
    line: int | None
    column: str
    value: str
    message: str

    def __str__(self):
        where = _("line %(line)s") % {"line": self.line} if self.line else _("file")
        column = f", {self.column}" if self.column else ""
        value = f" “{self.value}”" if self.value not in ("", None) else ""
        return f"{where}{column}:{value} {self.message}".replace(":  ", ": ")


@dataclass
class ImportReport:
    resource: str
    dry_run: bool
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: What the import accepts but a person should look at (two rows naming one person…).
    warnings: list[Problem] = field(default_factory=list)
    created_related: list[str] = field(default_factory=list)
    #: The first rows that the import creates or changes, for the preview: each
    #: ``{"line", "key", "new", "cells": [[column, old, new], …]}`` (old is "" for a new row).
    changes: list[dict] = field(default_factory=list)
    #: The ``ImportRun`` of an import that wrote with a user (its History entry and report).
    run: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        """A JSON-able copy (stored with a pending import between the check and the confirm)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        data = dict(data)
        data["problems"] = [Problem(**p) for p in data.get("problems", [])]
        data["warnings"] = [Problem(**p) for p in data.get("warnings", [])]
        return cls(**data)

    def summary(self) -> str:
        state = _("dry run, nothing written") if self.dry_run else (_("written") if self.ok else _("nothing written"))
        return _(
            "%(resource)s: %(rows)s rows — %(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(errors)s errors (%(state)s)"
        ) % {
            "resource": self.resource,
            "rows": self.rows,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len(self.problems),
            "state": state,
        }


# Reading ---------------------------------------------------------------------------


def _binary(source) -> io.BufferedIOBase:
    """A seekable binary stream over bytes, a path or an (uploaded) file."""
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, Path):
        return source.open("rb")
    if hasattr(source, "seek"):
        source.seek(0)
        return source
    raise TypeError(f"Cannot read CSV from {type(source).__name__}")


#: Encodings a file may be declared in (codec names as ``codecs.lookup`` gives them).
ENCODINGS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252", "utf-16": "utf-16"}
#: Bytes that no Windows-1252 text holds: C0 controls other than tab and line ends, and the
#: five bytes that Windows-1252 leaves undefined.
NOT_CP1252 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d]")


def _save_as() -> str:
    return _("Save it as UTF-8 (or Windows-1252) and import it again.")


def _file_problem(line, message) -> CsvFileError:
    return CsvFileError([Problem(line, "", "", message)])


def detect_encoding(binary) -> str:
    """UTF-8 (BOM or not) when every line decodes as UTF-8; Windows-1252 when no line does
    but every line is plausible Windows-1252; UTF-16 when the file starts with its BOM.
    Anything else (a file mixing UTF-8 and Windows-1252 rows, binary data, UTF-16 without a
    BOM) raises CsvFileError naming the first offending line. Read line by line: memory does
    not grow with the file."""
    start = binary.read(4)
    binary.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf8_line = cp1252_line = None
    for number, line in enumerate(binary, start=1):
        if line.count(b"\x00") * 4 > len(line):  # UTF-16 or binary; a stray NUL is a cell's problem
            binary.seek(0)
            raise _file_problem(
                number,
                _("The file holds NUL bytes: it is UTF-16 without a byte order mark, or not text.") + " " + _save_as(),
            )
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if NOT_CP1252.search(line):
                binary.seek(0)
                raise _file_problem(
                    number, _("This line is neither UTF-8 nor Windows-1252 text.") + " " + _save_as()
                ) from None
            cp1252_line = cp1252_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and cp1252_line:
            binary.seek(0)
            raise _file_problem(
                max(utf8_line, cp1252_line),
                _(
                    "The file mixes encodings: line %(utf8)s is UTF-8, line %(cp1252)s is not (Windows-1252?). "
                    "Reading it either way would garble accents (“CafÃ©”)."
                )
                % {"utf8": utf8_line, "cp1252": cp1252_line}
                + " "
                + _save_as(),
            )
    binary.seek(0)
    if cp1252_line:
        return "cp1252"
    return "utf-8-sig" if start.startswith(codecs.BOM_UTF8) else "utf-8"


def check_encoding(binary, encoding: str) -> None:
    """Every line of the file decodes in the declared ``encoding``, else CsvFileError naming
    the first line that does not."""
    if encoding == "utf-16":
        return
    for number, line in enumerate(binary, start=1):
        bad = encoding == "cp1252" and NOT_CP1252.search(line)
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            bad = True
        if bad:
            binary.seek(0)
            raise _file_problem(
                number,
                _("This line is not readable as %(encoding)s.") % {"encoding": encoding} + " " + _save_as(),
            )
    binary.seek(0)


def declared_encoding(encoding: str) -> str:
    """The codec for a declared encoding ("UTF-8", "windows-1252"…); CsvFileError for any other
    ("rot13" is a codec, not a text encoding a CSV file comes in)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = ""
    if name not in ENCODINGS:
        raise _file_problem(
            None,
            _("Unknown encoding “%(e)s”: use UTF-8 or Windows-1252 (cp1252), or let it be detected.") % {"e": encoding},
        )
    return ENCODINGS[name]


def open_text(source, encoding: str | None = None) -> io.TextIOBase:
    """A text stream of ``source`` (bytes, str content, a Path or a binary file)."""
    if isinstance(source, str):
        return io.StringIO(source.removeprefix("\ufeff"), newline="")
    binary = _binary(source)
    if encoding:
        encoding = declared_encoding(encoding)
        check_encoding(binary, encoding)
    else:
        encoding = detect_encoding(binary)
    return io.TextIOWrapper(binary, encoding=encoding, newline="")


def sniff_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _looks_like_formula(value: str) -> bool:
    """A formula once any apostrophes before it are taken away ("=x", "'=x", "''-x")."""
    return value.lstrip("'").startswith(FORMULA_PREFIXES)


def unformula(value: str) -> str:
    """Undo the export's neutralisation: "'=SUM(A1)" → "=SUM(A1)", "''-Quote" → "'-Quote"."""
    if value.startswith("'") and _looks_like_formula(value[1:]):
        return value[1:]
    return value


def neutralise(value):
    """A cell a spreadsheet will not run: "=SUM(A1)" → "'=SUM(A1)". A value that already looks
    neutralised ("'-Quote title") gets one more apostrophe, so that ``unformula`` gives it back
    whole."""
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


class CsvReader:
    """The rows of a CSV text stream as (line, {column: cell}) or (line, Problem).

    Raises CsvFileError when the header is unusable (unknown, missing or repeated columns)
    or when the bytes cannot be decoded in the declared encoding.
    """

    def __init__(self, stream, columns, required, delimiter: str | None = None):
        try:
            first = stream.readline()
            stream.seek(0)
        except UnicodeDecodeError as exc:
            raise CsvFileError([_decode_problem(exc)]) from exc
        self.delimiter = delimiter or sniff_delimiter(first)
        self.reader = csv.reader(stream, delimiter=self.delimiter, strict=True)
        try:
            self.header = [h.strip().removeprefix("\ufeff") for h in next(self.reader, [])]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CsvFileError([Problem(1, "", "", str(exc))]) from exc
        if not any(self.header):
            raise CsvFileError([Problem(None, "", "", _("The file is empty."))])
        raise_header_problems(self.header, columns, required)

    def __iter__(self) -> Iterator[tuple[int, dict | Problem]]:
        header, width, start = self.header, len(self.header), 2
        try:
            for record in self.reader:
                line, start = start, self.reader.line_num + 1
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != width:
                    yield (
                        line,
                        Problem(
                            line,
                            "",
                            "",
                            _("The row has %(got)s cells; the header has %(want)s.")
                            % {"got": len(record), "want": width},
                        ),
                    )
                    continue
                nul = next((name for name, cell in zip(header, record, strict=True) if "\x00" in cell), None)
                if nul is not None:
                    # Refused before any lookup: PostgreSQL cannot even compare a NUL byte.
                    yield line, Problem(line, nul, "", _("The cell holds a NUL byte (U+0000); remove it."))
                    continue
                yield line, dict(zip(header, map(unformula, record), strict=True))
        except csv.Error as exc:
            yield start, Problem(start, "", "", _("Unreadable CSV: %(error)s") % {"error": exc})
        except UnicodeDecodeError as exc:
            yield start, _decode_problem(exc)


def raise_header_problems(header: list[str], columns, required) -> None:
    """Unknown, missing and repeated columns, in one pass over the header (a header of
    100,000 columns is checked as fast as a short one). A header far wider than the resource's
    columns is refused at once: its columns cannot all be known, and listing them all helps no one."""
    known = set(columns)
    if len(header) > 2 * len(known) + 10:
        raise CsvFileError(
            [
                Problem(
                    1,
                    "",
                    "",
                    _(
                        "The header has %(got)s columns; this file type has %(want)s (%(columns)s). "
                        "Is the delimiter right?"
                    )
                    % {"got": f"{len(header):,}", "want": len(known), "columns": ", ".join(columns)},
                )
            ]
        )
    problems, seen, repeated = [], set(), set()
    for name in header:
        if name not in known:
            problems.append(
                Problem(1, name, "", _("Unknown column (expected: %(columns)s).") % {"columns": ", ".join(columns)})
            )
        if name in seen:
            repeated.add(name)
        seen.add(name)
    problems += [Problem(1, name, "", _("Required column missing.")) for name in required if name not in seen]
    problems += [Problem(1, name, "", _("Column given twice.")) for name in sorted(repeated)]
    if problems:
        raise CsvFileError(problems)


def _decode_problem(exc) -> Problem:
    return Problem(
        None,
        "",
        "",
        _("The file is not readable as %(encoding)s: %(error)s") % {"encoding": exc.encoding, "error": exc.reason},
    )


# Widgets ---------------------------------------------------------------------------


def unknown_message(model, label, value: str) -> str:
    """ "No <label> “value”." and, for countries and languages, that ISO codes are expected:
    the code itself when the value is the English or French name of one."""
    from .models import Country, Language, NamedCode

    if not (isinstance(model, type) and issubclass(model, NamedCode)):
        return _("No %(label)s “%(value)s”.") % {"label": label, "value": value}
    named = model._default_manager.filter(models.Q(name_en__iexact=value) | models.Q(name_fr__iexact=value)).first()
    if model is Country:
        if named:
            return _("No country “%(value)s”: write its ISO 3166 code, “%(code)s”.") % {
                "value": value,
                "code": named.code,
            }
        return _("No country “%(value)s”: write ISO 3166 codes, such as “US” or “FR”.") % {"value": value}
    if model is Language and named:
        return _("No language “%(value)s”: write its ISO 639 code, “%(code)s”.") % {"value": value, "code": named.code}
    return _("No language “%(value)s”: write ISO 639 codes, such as “en” or “fr”.") % {"value": value}


class CachedLookup:
    """Records of ``model`` by a case-insensitive key, fetched for a whole chunk at once."""

    def __init__(self, model, field="slug"):
        self.model, self.field = model, field
        self.cache: dict[str, models.Model] = {}

    def queryset(self):
        return self.model._default_manager.all()

    def prefetch(self, values: Iterable[str]):
        wanted = {v.strip().lower() for v in values if v and v.strip()} - self.cache.keys()
        if not wanted:
            return
        found = self.queryset().annotate(_key=Lower(self.field)).filter(_key__in=wanted)
        for record in found:
            self.cache[str(getattr(record, self.field)).lower()] = record

    def get(self, value: str):
        key = value.strip().lower()
        if key not in self.cache:
            self.prefetch([value])
        return self.cache.get(key)

    def remember(self, record):
        self.cache[str(getattr(record, self.field)).lower()] = record

    def forget(self):
        self.cache.clear()


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A related record by its natural key (slug, code), case-insensitive; unknown is an error."""

    @property
    def export_key(self) -> str:
        """The related record's field that ``render`` writes (read as a value by the export)."""
        return self.field

    def __init__(self, model, field="slug", label=None, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label or model._meta.verbose_name
        self.lookup = CachedLookup(model, field)

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        record = self.lookup.get(value)
        if record is None:
            raise ValueError(unknown_message(self.lookup.model, self.label, value))
        return record

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """Several related records by natural key, separated by "|". Unknown values are errors,
    unless ``create`` makes them (vocabularies such as genres: name from the slug)."""

    def __init__(self, model, field="slug", label=None, create=None, **kwargs):
        super().__init__(model, separator=SEPARATOR, field=field, **kwargs)
        self.label = label or model._meta.verbose_name
        self.create = create
        self.lookup = CachedLookup(model, field)

    @staticmethod
    def keys(value) -> list[str]:
        return [k.strip() for k in (value or "").split(SEPARATOR) if k.strip()]

    def clean(self, value, row=None, **kwargs) -> list:
        keys = self.keys(value)
        self.lookup.prefetch(keys)
        records, unknown = [], []
        for key in keys:
            record = self.lookup.get(key)
            if record is None and self.create:
                record = self.create(key)
                self.lookup.remember(record)
                self.lookup.cache[key.lower()] = record  # the cell as written, when not the slug
            if record is None:
                unknown.append(key)
            elif record not in records:
                records.append(record)
        if unknown:
            raise ValueError(unknown_message(self.lookup.model, self.label, ", ".join(unknown)))
        return records

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return SEPARATOR.join(sorted(str(getattr(o, self.field)) for o in value.all()))


class StrictIntegerWidget(widgets.IntegerWidget):
    """A whole number; anything else is an error."""

    #: ``render`` takes the stored value alone (the export reads it without a model instance).
    value_render = True
    #: How the database writes the same cell (``export_query``).
    sql_kind = "number"

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in ("", None):
            return None
        try:
            return int(str(value))
        except ValueError as exc:
            raise ValueError(_("Enter a whole number.")) from exc

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class StrictDecimalWidget(widgets.DecimalWidget):
    """A decimal with a point; with a comma only in a semicolon-delimited file ("9,99")."""

    #: ``render`` takes the stored value alone (the export reads it without a model instance).
    value_render = True
    #: How the database writes the same cell (``export_query``).
    sql_kind = "decimal"

    def clean(self, value, row=None, delimiter=",", **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        if "," in value:
            if delimiter != ";" or "." in value:
                raise ValueError(_("Write decimals with a point: 9.99."))
            value = value.replace(",", ".")
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation as exc:
            raise ValueError(_("Enter a number such as 9.99.")) from exc
        if not number.is_finite():
            raise ValueError(_("Enter a number such as 9.99."))
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class PriceWidget(StrictDecimalWidget):
    """A price: a decimal as above that cannot be negative (named in its own column)."""

    def clean(self, value, row=None, **kwargs):
        price = super().clean(value, row, **kwargs)
        if price is not None and price < 0:
            raise ValueError(_("A price cannot be negative."))
        return price


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Day and month in some order ("03/04/2026", "4.3.26"): which is which cannot be told.
NUMERIC_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")


class StrictDateWidget(widgets.DateWidget):
    """ISO 8601 only: "03/04/2026" is refused as ambiguous, never guessed."""

    #: ``render`` takes the stored value alone (the export reads it without a model instance).
    value_render = True
    #: How the database writes the same cell (``export_query``).
    sql_kind = "date"

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        if NUMERIC_DATE.match(value):
            raise ValueError(_("Write dates as YYYY-MM-DD (ISO 8601); “%(value)s” is ambiguous.") % {"value": value})
        if not ISO_DATE.match(value):
            raise ValueError(_("Dates are accepted in one format only, YYYY-MM-DD (ISO 8601), such as 2026-03-04."))
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(_("No such date.")) from exc

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.isoformat()


class StrictDateTimeWidget(widgets.DateTimeWidget):
    """ISO 8601 date and time ("2026-03-01T09:00", "2026-03-01T09:00:00+01:00"); without an
    offset, the site's time zone. Written with its offset, to the microsecond it was stored
    with, so that a re-import changes nothing. An empty cell is an empty value (for
    ``published_at``: a draft)."""

    #: ``render`` takes the stored value alone (the export reads it without a model instance).
    value_render = True
    #: How the database writes the same cell (``export_query``).
    sql_kind = "datetime"

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(
                _("Write a date and time as YYYY-MM-DDTHH:MM (ISO 8601); “%(value)s” is not one.") % {"value": value}
            ) from exc
        return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else timezone.localtime(value).isoformat()


class BooleanCellWidget(widgets.BooleanWidget):
    """true/false, yes/no, oui/non, 1/0; empty is false."""

    #: ``render`` takes the stored value alone (the export reads it without a model instance).
    value_render = True
    #: How the database writes the same cell (``export_query``).
    sql_kind = "boolean"

    TRUE, FALSE = {"1", "true", "yes", "oui", "vrai", "y"}, {"0", "false", "no", "non", "faux", "n", ""}

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip().lower()
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise ValueError(_("Write true or false."))

    def render(self, value, obj=None, **kwargs):
        return "true" if value else "false"


class TextWidget(widgets.CharWidget):
    """Text exactly as written (no trimming: a cell is a value, and round trips must hold)."""

    #: ``render`` takes the stored value alone (the export reads it without a model instance).
    value_render = True
    #: How the database writes the same cell (``export_query``).
    sql_kind = "text"

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def text(column, attribute=None):
    return Field(attribute=attribute or column, column_name=column, widget=TextWidget())


def integer(column, attribute=None):
    return Field(attribute=attribute or column, column_name=column, widget=StrictIntegerWidget())


def price(column, attribute=None):
    return Field(attribute=attribute or column, column_name=column, widget=PriceWidget())


def decimal_number(column, attribute=None):
    """A decimal that may be negative (coordinates): written with a point, as prices are."""
    return Field(attribute=attribute or column, column_name=column, widget=StrictDecimalWidget())


def date(column, attribute=None):
    return Field(attribute=attribute or column, column_name=column, widget=StrictDateWidget())


def date_time(column, attribute=None):
    return Field(attribute=attribute or column, column_name=column, widget=StrictDateTimeWidget())


def boolean(column, attribute=None):
    return Field(attribute=attribute or column, column_name=column, widget=BooleanCellWidget())


def foreign(column, model, key="slug", attribute=None, label=None):
    return Field(attribute=attribute or column, column_name=column, widget=NaturalKeyWidget(model, key, label))


def computed(column):
    """A column read and written by the resource's ``RelatedColumn`` of the same name."""
    return Field(column_name=column, widget=TextWidget())


# Related columns: values kept in other tables (many-to-many, names, ratings, aliases) ---


class RelatedColumn:
    """A column whose value lives in other tables. ``parse`` turns a cell into a comparable
    value, ``current`` reads the stored value (from prefetched data), ``render`` writes the
    cell, and ``write`` stores the values of many records at once."""

    prefetch: tuple = ()

    def parse(self, cell: str, row: dict, resource) -> object:
        raise NotImplementedError

    def current(self, instance) -> object:
        raise NotImplementedError

    def render(self, instance) -> str:
        raise NotImplementedError

    def write(self, items: list[tuple[models.Model, object]]):
        raise NotImplementedError

    def prepare(self, cells: list[str]):
        """Resolve the natural keys of a chunk's cells in one query."""

    def export_values(self, model, pks: list) -> dict | None:
        """The export's cells of the records ``pks`` of ``model``, by pk (a record left out has
        an empty cell), read in one query without model instances; the same text as ``render``.
        None: the column renders from model instances (the export then reads the chunk's
        records with the resource's prefetches)."""
        return None

    def export_items(self, model) -> "ExportItems | None":
        """The column's items, for the database to render its cells (``ExportItems``); None:
        the cells are rendered in Python from ``export_values``."""
        return None


def grouped(pairs: Iterable[tuple]) -> dict[object, list]:
    """{pk: [value, …]} from (pk, value…) pairs, in their order (a value of several items is a tuple)."""
    found: dict[object, list] = {}
    for pk, *values in pairs:
        found.setdefault(pk, []).append(values[0] if len(values) == 1 else tuple(values))
    return found


def join_sorted(pairs: Iterable[tuple]) -> dict[object, str]:
    """{pk: "a|b"}: the keys of each pk as text, sorted, as ``NaturalKeysWidget.render`` writes them."""
    return {pk: SEPARATOR.join(sorted(map(str, keys))) for pk, keys in grouped(pairs).items()}


class ManyToManyColumn(RelatedColumn):
    """A many-to-many field by natural keys: "FR|BE"; order does not count."""

    def __init__(self, attribute, model, key="slug", label=None, create=None):
        self.attribute = attribute
        self.widget = NaturalKeysWidget(model, key, label, create)
        self.prefetch = (attribute,)

    def prepare(self, cells):
        self.widget.lookup.prefetch(k for cell in cells for k in self.widget.keys(cell))

    def parse(self, cell, row, resource):
        return frozenset(record.pk for record in self.widget.clean(cell))

    def current(self, instance):
        if instance.pk is None:
            return frozenset()
        return frozenset(record.pk for record in getattr(instance, self.attribute).all())

    def render(self, instance):
        return self.widget.render(getattr(instance, self.attribute))

    def export_values(self, model, pks):
        field = model._meta.get_field(self.attribute)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        keys = through.objects.filter(**{f"{source}_id__in": pks}).values_list(
            f"{source}_id", f"{target}__{self.widget.field}"
        )
        return join_sorted(keys)

    def export_items(self, model):
        field = model._meta.get_field(self.attribute)
        through = field.remote_field.through
        key = f"{field.m2m_reverse_field_name()}__{self.widget.field}"
        return ExportItems(
            through.objects.all(), f"{field.m2m_field_name()}_id", key, [CodePoint(Cast(key, models.TextField()))]
        )

    def write(self, items):
        if not items:
            return
        field = items[0][0]._meta.get_field(self.attribute)
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        through.objects.filter(**{f"{source}__in": [i.pk for i, _v in items]}).delete()
        through.objects.bulk_create(
            [through(**{f"{source}_id": i.pk, f"{target}_id": pk}) for i, value in items for pk in sorted(value)]
        )


# Resources -------------------------------------------------------------------------


@dataclass
class Pending:
    line: int
    row: dict
    instance: models.Model
    new: bool
    fields: list[str]
    related: dict


class AfficheResource(resources.ModelResource):
    """Base of every CSV resource: natural keys, full validation, chunked all-or-nothing import."""

    #: Columns that a file must have (the natural key at least).
    required_columns: tuple[str, ...] = ()
    #: Columns kept in other tables, by column name.
    related_columns: dict[str, RelatedColumn] = {}
    #: Write chunks with bulk_create/bulk_update (the database checks constraints) rather
    #: than saving row by row with full_clean.
    bulk = False
    chunk_size = 1000
    #: A column naming another record of the same resource that may come earlier in the
    #: file (a season's series): the pending chunk is written before such a row.
    self_reference: str = ""
    #: Model fields that the import never compares (kept by the model itself).
    derived_fields: tuple[str, ...] = ()
    #: ``export_csv --festival SLUG`` and the like: option → lookups (any of them matches).
    export_filters: dict[str, tuple[str, ...]] = {}

    class Meta:
        """Each resource names its ``model``, ``import_id_fields`` (the natural key) and
        ``fields`` in file order; the engine below replaces import-export's import loop."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Lookups cache records during one import: never shared between imports.
        self.related_columns = copy.deepcopy(self.related_columns)
        self.created_related: list[str] = []
        #: (text, record) of the related records the import created (people named in credits…).
        self.created_records: list[tuple[str, models.Model]] = []
        self.delimiter = ","
        #: ``catalog.audit.ImportAudit`` of an import that writes with a user (None otherwise).
        self.audit: audit.ImportAudit | None = None
        #: Existing records the file changes, with the version read (``catalog.csvwrite``
        #: refuses the write if it moved since the validation).
        self.touched: list = []
        self.columns_by_attribute = {f.attribute: f.column_name for f in self.get_import_fields() if f.attribute}
        self.attributes_by_column = {column: attribute for attribute, column in self.columns_by_attribute.items()}

    @classmethod
    def columns(cls) -> list[str]:
        return [f.column_name for f in cls().get_export_fields()]

    def remember_created(self, record: models.Model, text: str):
        """A related record this import created for its rows ("person: Agnès Varda")."""
        self.created_records.append((text, record))
        self.created_related.append(text)

    def created_in_use(self) -> list[str]:
        """The created records that a written row refers to: one that only rows with problems
        named is not "new" (those rows write nothing). A query per relation of each model."""
        by_model: dict[type, set] = {}
        for _text, record in self.created_records:
            by_model.setdefault(type(record), set()).add(record.pk)
        used = set()
        for model, pks in by_model.items():
            for relation in model._meta.related_objects:
                name = relation.field.name
                referring = relation.related_model._base_manager.filter(**{f"{name}__in": pks})
                used |= {(model, pk) for pk in referring.values_list(name, flat=True)}
        return [text for text, record in self.created_records if (type(record), record.pk) in used]

    # Natural keys ------------------------------------------------------------------

    def natural_key(self, row) -> tuple:
        """The row's key as written (normalised): two rows with the same key are an error."""
        return tuple(normalize(str(row.get(name, ""))) for name in self.get_import_id_fields())

    def key_of(self, instance) -> tuple:
        """The natural key of a record, comparable with ``key_of_row``."""
        return tuple(str(getattr(instance, name)).lower() for name in self.get_import_id_fields())

    def key_of_row(self, row) -> tuple:
        return tuple(str(row.get(name, "")).strip().lower() for name in self.get_import_id_fields())

    def existing(self, rows: list[dict]) -> dict[tuple, models.Model]:
        """Records the chunk's rows name, by ``key_of``; one query (single-column keys)."""
        (name,) = self.get_import_id_fields()
        keys = {str(row.get(name, "")).strip().lower() for row in rows} - {""}
        if not keys:
            return {}
        queryset = self.get_export_queryset().annotate(_key=Lower(name)).filter(_key__in=keys)
        return {self.key_of(record): record for record in queryset}

    # Import --------------------------------------------------------------------------

    def prepare(self, rows: list[dict]):
        """Resolve every natural key the chunk's rows name, one query per column."""
        for import_field in self.import_fields:
            widget = import_field.widget
            if isinstance(widget, NaturalKeyWidget) and import_field.column_name in rows[0]:
                widget.lookup.prefetch(row[import_field.column_name] for row in rows)
        for column, handler in self.related_columns.items():
            if column in rows[0]:
                handler.prepare([row[column] for row in rows])

    def forget(self):
        """Drop the chunk's resolved keys, so that memory does not grow with the file."""
        for import_field in self.import_fields:
            if isinstance(import_field.widget, NaturalKeyWidget):
                import_field.widget.lookup.forget()
        for handler in self.related_columns.values():
            if isinstance(handler, ManyToManyColumn):
                handler.widget.lookup.forget()

    def new_instance(self, row):
        return self._meta.model()

    def compared_fields(self):
        model = self._meta.model
        skip = {"id", "created", "updated", "version", *self.derived_fields}
        return [f.attname for f in model._meta.concrete_fields if f.attname not in skip and not f.primary_key]

    def apply(self, instance, row) -> tuple[dict, dict]:
        """Set the row's cells on ``instance``; returns (errors by column, related values)."""
        errors, related = {}, {}
        for import_field in self.import_fields:
            column = import_field.column_name
            if column not in row or column in self.related_columns or not import_field.attribute:
                continue
            try:
                import_field.save(instance, row, delimiter=self.delimiter)
            except (ValueError, ValidationError) as exc:
                errors[column] = _messages(exc)
        for column, handler in self.related_columns.items():
            if column in row:
                try:
                    related[column] = handler.parse(row[column], row, self)
                except ValidationError as exc:
                    # A column that reads several cells (a festival's organizer, country…)
                    # reports each problem under the cell it is about.
                    cells = exc.message_dict if hasattr(exc, "error_dict") else {column: exc.messages}
                    for cell, messages in cells.items():
                        errors.setdefault(cell if cell in row else column, []).extend(messages)
                    # The column's own field is refused too (no "cannot be null" after it).
                    errors.setdefault(column, [])
                except ValueError as exc:
                    errors[column] = _messages(exc)
        return errors, related

    def validate(self, instance, bulk: bool, errored=()):
        """The model's own rules; in bulk mode the database checks uniqueness and
        constraints when the chunk is written (and the chunk is replayed row by row if not)."""
        # Cells already refused: the model's rules about their fields would only repeat it
        # ("a rental needs its price" after "a price cannot be negative").
        refused = {self.attributes_by_column.get(column, column) for column in errored}
        exclude = {f.name for f in instance._meta.fields if f.attname in refused or f.name in refused}
        try:
            if bulk:
                # Related records come from the chunk's lookups, so they exist; the database's
                # foreign keys check it again on write (one query per key per row otherwise).
                instance.clean_fields(exclude=exclude | self._relations)
                instance.clean()
            else:
                instance.full_clean(exclude=exclude)
        except ValidationError as exc:
            errors = {name: messages for name, messages in _error_dict(exc).items() if name not in exclude}
            for name in errors:
                if choices := _invalid_choice(instance, exc, name):
                    errors[name] = [_("Not one of the choices: write one of %(choices)s.") % {"choices": choices}]
            if errors:
                raise ValidationError(errors) from exc

    @cached_property
    def import_fields(self) -> list[Field]:
        """import-export's list, worked out once per import rather than once per row."""
        return self.get_import_fields()

    @cached_property
    def _relations(self) -> set[str]:
        return {f.name for f in self._meta.model._meta.fields if f.is_relation}

    def before_write(self, items: list[Pending]):
        """Fill the model's derived fields for a chunk written in bulk (what ``save`` does)."""

    def after_write(self, items: list[Pending]):
        """Work that needs the related values written (search text, for instance)."""

    def import_file(self, reader: Iterable, report: ImportReport, progress: Callable | None = None):
        """Import every row of ``reader``; problems go to ``report``. The caller's transaction
        decides whether anything stays written."""
        seen: dict[tuple, int] = {}
        id_columns = self.get_import_id_fields()
        for chunk in _chunks(reader, self.chunk_size):
            rows = []
            for line, row in chunk:
                report.rows += 1
                if isinstance(row, Problem):
                    report.problems.append(row)
                    continue
                key = self.natural_key(row)
                if key in seen:
                    report.problems.append(
                        Problem(
                            line,
                            ", ".join(id_columns),
                            " / ".join(str(row.get(n, "")) for n in id_columns),
                            _("Same key as line %(line)s.") % {"line": seen[key]},
                        )
                    )
                    continue
                seen[key] = line
                rows.append((line, row))
            if rows:
                self.import_chunk(rows, report)
            self.forget()
            if progress:
                progress(report.rows)
        self.finish(report)

    def finish(self, report: ImportReport):
        """Work that needs every row written (links between rows of the same file)."""

    def check_row(self, line: int, row: dict, instance, report: ImportReport):
        """Checks of a valid row against the file's other rows; a resource adds warnings here."""

    def import_chunk(self, rows: list[tuple[int, dict]], report: ImportReport):
        self.prepare([row for _line, row in rows])
        found = self.existing([row for _line, row in rows])
        compared = self.compared_fields()
        pending: list[Pending] = []
        pending_keys: set[str] = set()
        audited: list[audit.ImportedRow] = []
        for line, row in rows:
            if self.bulk and self.self_reference and row.get(self.self_reference, "").strip().lower() in pending_keys:
                self.write(pending, report)
                pending, pending_keys = [], set()
            instance = found.get(self.key_of_row(row))
            new = instance is None
            if new:
                instance = self.new_instance(row)
            before = [getattr(instance, name) for name in compared]
            # A copy for the preview's old values, while the preview still wants rows.
            stored = copy.copy(instance) if not new and len(report.changes) < PREVIEW_ROWS else None
            errors, related = self.apply(instance, row)
            try:
                self.validate(instance, self.bulk, errored=errors)
            except ValidationError as exc:
                for name, messages in _error_dict(exc).items():
                    errors.setdefault(self._column(name), []).extend(messages)
            if errors:
                report.problems += [
                    Problem(line, column, row.get(column, ""), message)
                    for column, messages in errors.items()
                    for message in messages
                ]
                continue
            self.check_row(line, row, instance, report)
            changed = [name for name, old in zip(compared, before, strict=True) if getattr(instance, name) != old]
            related = {
                column: value
                for column, value in related.items()
                if new or value != self.related_columns[column].current(instance)
            }
            if new:
                report.new += 1
            elif changed or related:
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            if len(report.changes) < PREVIEW_ROWS:
                report.changes.append(self.preview(line, row, instance, stored, related))
            if self.audit is not None:
                audited.append(self.imported_row(line, row, instance, new, compared, before, related))
            if not new and hasattr(instance, "version"):
                self.touch(line, row, instance)
            item = Pending(line, row, instance, new, changed, related)
            if self.bulk:
                pending.append(item)
                if self.self_reference:
                    pending_keys.add(self.key_of(instance)[0])
                    self.remember(instance)
            else:
                self.write_one(item, report)
        if pending:
            self.write(pending, report)
        if self.audit is not None and not report.problems:
            self.audit.chunk(audited)

    def touch(self, line, row, instance):
        """Remember the version of an existing record this row changes, as read now."""
        from .csvwrite import Touched

        id_columns = self.get_import_id_fields()
        key = " / ".join(str(row.get(n, "")) for n in id_columns)
        self.touched.append(Touched(instance.pk, instance.version, line, ", ".join(id_columns), key))

    def imported_row(self, line, row, instance, new, compared, before, related) -> audit.ImportedRow:
        """What the History needs of a row about to be written: the record's stored values and
        the cells of its values kept in other tables, old (from the prefetched records) → new."""
        cells = []
        for column in related:
            old = "" if new else self.related_columns[column].render(instance)
            if old != row[column]:
                cells.append((str(capfirst(column.replace("_", " "))), old, row[column]))
        stored = None if new else dict(zip(compared, before, strict=True))
        return audit.ImportedRow(line, instance, stored, cells)

    def preview(self, line: int, row: dict, instance, stored, related: dict) -> dict:
        """One row of the preview: the cells that change, old → new, as the export writes them
        (so that accents and decimals can be checked before confirming). ``stored``: a copy of
        the record before the row was applied (None for a new record)."""
        cells = []
        for import_field in self.import_fields:
            column = import_field.column_name
            if column not in row:
                continue
            if column in self.related_columns:
                if column not in related:
                    continue
                old = "" if stored is None else self.related_columns[column].render(stored)
                value = row[column]
            elif import_field.attribute:
                old = "" if stored is None else str(self.export_field(import_field, stored))
                value = str(self.export_field(import_field, instance))
            else:
                continue
            if old != value:
                cells.append([column, old, value])
        key = " / ".join(str(row.get(name, "")) for name in self.get_import_id_fields())
        return {"line": line, "key": key, "new": stored is None, "cells": cells}

    def remember(self, instance):
        """A record created earlier in the file can be named by later rows (a season's series)."""
        for import_field in self.import_fields:
            widget = import_field.widget
            if isinstance(widget, NaturalKeyWidget) and widget.model is self._meta.model:
                widget.lookup.remember(instance)

    def write(self, items: list[Pending], report: ImportReport):
        """Write a chunk in bulk; if the database refuses it, replay it row by row."""
        model = self._meta.model
        point = transaction.savepoint_create()
        try:
            self.before_write(items)
            model._default_manager.bulk_create([i.instance for i in items if i.new], batch_size=500)
            # A row whose only change is in other tables (names, links) still moves the
            # record's version, so that an editor's open form sees it changed.
            changed = [i for i in items if not i.new and (i.fields or i.related)]
            if changed:
                names = {name for i in changed for name in i.fields} | self._touched(changed)
                names = sorted(names | set(self.derived_fields))
                model._default_manager.bulk_update([i.instance for i in changed], names, batch_size=500)
            self.write_related(items)
            self.after_write(items)
        except (IntegrityError, DataError, ValidationError):
            transaction.savepoint_rollback(point)
            for item in items:
                if item.new:
                    item.instance.pk = None
                    item.instance._state.adding = True
                self.write_one(item, report, validate=True)
        else:
            transaction.savepoint_commit(point)

    def _touched(self, items) -> set[str]:
        """``updated`` (auto_now) and ``version`` move on every write, as ``save`` does."""
        names, now = set(), timezone.now()
        model_fields = {f.name for f in self._meta.model._meta.concrete_fields}
        for item in items:
            if "updated" in model_fields:
                item.instance.updated = now
                names.add("updated")
            if "version" in model_fields:
                item.instance.version = (item.instance.version or 0) + 1
                names.add("version")
        return names

    def write_one(self, item: Pending, report: ImportReport, validate=False):
        """Save one row with the model's ``save``; a refusal becomes a problem of that row."""
        point = transaction.savepoint_create()
        try:
            if validate:
                item.instance.full_clean()
            self.save_one(item)
            self.after_write([item])
        except ValidationError as exc:
            transaction.savepoint_rollback(point)
            for name, messages in _error_dict(exc).items():
                column = self._column(name)
                report.problems += [Problem(item.line, column, item.row.get(column, ""), m) for m in messages]
        except (IntegrityError, DataError) as exc:
            # A value that no check above caught (a length, a NUL byte on PostgreSQL): the
            # row's problem, never a traceback.
            transaction.savepoint_rollback(point)
            report.problems.append(Problem(item.line, "", "", _("Refused by the database: %(e)s") % {"e": exc}))
        else:
            transaction.savepoint_commit(point)

    def save_one(self, item: Pending):
        """Write one row's record and its related values; a resource whose model has its own
        write service calls that service here instead."""
        item.instance.save()
        self.write_related([item])

    def write_related(self, items: list[Pending]):
        for column, handler in self.related_columns.items():
            handler.write([(i.instance, i.related[column]) for i in items if column in i.related])

    def _column(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            return ""
        return self.columns_by_attribute.get(name, name if name in self.related_columns else "")

    # Export --------------------------------------------------------------------------

    def get_export_queryset(self):
        prefetch = [p for handler in self.related_columns.values() for p in handler.prefetch]
        return self._meta.model._default_manager.prefetch_related(*prefetch)

    def export_field(self, field, instance, **kwargs):
        if field.column_name in self.related_columns:
            return self.related_columns[field.column_name].render(instance)
        return super().export_field(field, instance, **kwargs)

    #: Columns read as values with their own rendering (a ``dehydrate_`` method's cell):
    #: column → (value paths, render(*values) → cell), the same text as the method writes.
    export_cells: dict[str, tuple[tuple[str, ...], Callable[..., str]]] = {}
    #: Records per chunk of the export: the related columns of a chunk take one query each.
    export_chunk_size = 2000

    def export_plan(self) -> list[tuple]:
        """How the export reads each column, in file order:
        ``("value", paths, render)``: values of the chunk's one query, rendered without a model
        instance; ``("related", column)``: the column's ``export_values`` (one query per chunk);
        ``("instance", field)``: ``export_field`` on the chunk's records (read only when a
        column needs them, in one query plus the resource's prefetches)."""
        plan = []
        for export_field in self.get_export_fields():
            column = export_field.column_name
            if column in self.export_cells:
                plan.append(("value", *self.export_cells[column]))
                continue
            dehydrate = export_field.get_dehydrate_method(self.get_field_name(export_field))
            if callable(dehydrate) or hasattr(self, dehydrate):
                plan.append(("instance", export_field))
            elif column in self.related_columns:
                reads_values = type(self.related_columns[column]).export_values is not RelatedColumn.export_values
                plan.append(("related", column) if reads_values else ("instance", export_field))
            elif export_field.attribute and (key := getattr(export_field.widget, "export_key", None)):
                plan.append(("value", (f"{export_field.attribute}__{key}",), _key_cell))
            elif export_field.attribute and _renders_values(export_field.widget):
                plan.append(("value", (export_field.attribute,), export_field.widget.render))
            else:
                plan.append(("instance", export_field))
        return plan

    def export_rows(self, queryset=None):
        """Header, then the cells of each record (a list, or a tuple when the database rendered
        them all), streamed from the database in key order.
        Where it can (``export_query``), one query whose database renders the cells, with the
        related columns it cannot render read per chunk of ``export_chunk_size`` records (one
        query each); otherwise the columns' values in one query (a server-side cursor on
        PostgreSQL) and per chunk one query per related column and one for the records. The
        number of queries does not grow with the rows and memory holds one chunk."""
        fields = self.get_export_fields()
        yield [f.column_name for f in fields]
        queryset = self.get_export_queryset() if queryset is None else queryset
        try:
            query = export_query(self, queryset)
        except NothingToExport:
            return
        # A number column writes a number ("-118.3253"), which no spreadsheet runs: only text
        # cells are neutralised.
        numeric = [isinstance(f.widget, StrictDecimalWidget | StrictIntegerWidget) for f in fields]
        if query is None:
            yield from self._export_instance_rows(queryset, numeric)
        else:
            yield from self._export_query_rows(query, queryset, numeric)

    def _export_query_rows(self, query: "ExportQuery", queryset, numeric):
        from django.db import connections

        model = self._meta.model
        with connections[queryset.db].chunked_cursor() as cursor:
            cursor.execute(query.sql, query.params)
            batches = iter(lambda: cursor.fetchmany(self.export_chunk_size), [])
            if query.rendered:
                for batch in batches:
                    yield from batch
                return
            for batch in batches:
                chunk = list(query.compiler.apply_converters(batch, query.converters))
                pks = [row[0] for row in chunk]
                related = {
                    step[1]: self.related_columns[step[1]].export_values(model, pks)
                    for step in query.cells
                    if not isinstance(step, int) and step[0] == "related"
                }
                cells = [
                    (lambda row, n=cell: row[n])
                    if isinstance(cell, int)
                    else _guarded(_cell_reader(self, cell, query.paths, related, {}), is_number)
                    for cell, is_number in zip(query.cells, numeric, strict=True)
                ]
                for row in chunk:
                    yield [cell(row) for cell in cells]

    def _export_instance_rows(self, queryset, numeric):
        plan = self.export_plan()
        paths = value_paths(plan)
        needs_instances = any(step[0] == "instance" for step in plan)
        model = self._meta.model
        values = queryset.prefetch_related(None).values_list(*paths).iterator(chunk_size=self.export_chunk_size)
        for chunk in _chunks(values, self.export_chunk_size):
            pks = [row[0] for row in chunk]
            related = {
                step[1]: self.related_columns[step[1]].export_values(model, pks)
                for step in plan
                if step[0] == "related"
            }
            records = {r.pk: r for r in queryset.filter(pk__in=pks)} if needs_instances else {}
            cells = [_cell_reader(self, step, paths, related, records) for step in plan]
            for row in chunk:
                yield [
                    cell(row) if is_number else neutralise(cell(row))
                    for cell, is_number in zip(cells, numeric, strict=True)
                ]
            # Records with prefetched relations hold reference cycles: free them with their
            # chunk, or they pile up until a full collection (memory would grow with rows).
            records.clear()
            gc.collect()


# The database renders the cells: SQL on both databases, COPY on PostgreSQL -------------------
#
# ``export_query`` wraps the export's values query (``v``, its columns renamed c0…cn) in a SELECT
# that renders each cell it can in SQL — texts, keys, numbers, dates, booleans, and the related
# columns that declare their items (``RelatedColumn.export_items``), joined from one grouped query
# each — with the formula guard of ``neutralise``. Cells it cannot render (a wall time in the
# venue's zone, a JSON list…) are rendered in Python from the same row, converted as Django's
# values query converts it. When the database renders every cell, SQLite's rows go to csv.writer
# as they come and PostgreSQL writes the file itself (``COPY``).


@dataclass
class ExportItems:
    """A related column's cell in SQL: the rows of ``queryset``, one per item, each with its
    owner's pk (``owner``) and its text (``item``, a field name or an expression); a cell is its
    owner's items joined by ``separator`` in the order of ``order``, between ``brackets`` (the
    same text as ``render``; an owner without items has an empty cell)."""

    queryset: models.QuerySet
    owner: str
    item: object
    order: list
    separator: str = SEPARATOR
    brackets: tuple[str, str] = ("", "")


class JsonObject(models.Func):
    """``json.dumps({key: value…}, ensure_ascii=False)`` of the non-empty values, in order:
    ``{"text": "…", "speaker": "…"}``. PostgreSQL's ``to_json`` and SQLite's ``json_quote``
    escape a string as Python does: quote, backslash, backspace, form feed, line feed, carriage
    return and tab by a backslash and a letter, other control characters as \\u00xx, the rest
    as it is."""

    output_field = models.TextField()

    def __init__(self, **values):
        self.keys = list(values)
        super().__init__(*(Cast(value, models.TextField()) for value in values.values()))

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, value_params = compiler.compile(expression)
            quoted = f"to_json({sql})::text" if connection.vendor == "postgresql" else f"json_quote({sql})"
            parts.append(f"CASE WHEN {sql} IS NULL OR {sql} = '' THEN '' ELSE ', \"{key}\": ' || {quoted} END")
            params += [*value_params] * 3
        # Each present value is written ', "key": value': the first two characters go.
        return f"'{{' || substr({' || '.join(parts)}, 3) || '}}'", params


class CodePoint(models.Func):
    """Text compared by code point, as Python's ``sorted``: COLLATE "C" on PostgreSQL; SQLite's
    default BINARY collation already compares UTF-8 bytes, which is code-point order."""

    template = '%(expressions)s COLLATE "C"'

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="%(expressions)s", **extra)


#: A cell's SQL per database, by the kind of Python function that renders its value: the same
#: text (NULL for an empty cell: COPY writes it unquoted, csv.writer writes None as "").
_CELL_SQL = {
    "postgresql": {
        "text": "NULLIF({}, '')",
        "number": "({})::text",
        "decimal": "({})::text",
        "date": "({})::text",
        "boolean": "CASE WHEN {} THEN 'true' ELSE 'false' END",
        "uuid": "({})::text",
    },
    "sqlite": {
        # csv.writer writes "" and None alike.
        "text": "{}",
        "number": "{}",
        # A decimal is stored as a number: written with the field's places, as Django reads it.
        "decimal": "CASE WHEN {0} IS NULL THEN NULL ELSE printf('%%.{places}f', {0}) END",
        "date": "{}",
        "boolean": "CASE WHEN {} THEN 'true' ELSE 'false' END",
        # A UUID is stored as 32 hexadecimal digits.
        "uuid": "lower(substr({0}, 1, 8) || '-' || substr({0}, 9, 4) || '-' || substr({0}, 13, 4) || '-' "
        "|| substr({0}, 17, 4) || '-' || substr({0}, 21))",
    },
}
#: ``neutralise`` in SQL: an apostrophe before a cell that would be a formula once any leading
#: apostrophes are taken away (FORMULA_PREFIXES).
_NEUTRALISE_SQL = {
    "postgresql": "CASE WHEN substr(ltrim({0}, ''''), 1, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') "
    "THEN '''' || {0} ELSE {0} END",
    # GLOB first: as cheap as no test at all for a cell that starts with a letter. Its class
    # holds a tab and a carriage return, as FORMULA_PREFIXES.
    "sqlite": "CASE WHEN {0} GLOB '[-=+@''\t\r]*' AND ltrim({0}, '''') GLOB '[-=+@\t\r]*' "
    "THEN '''' || {0} ELSE {0} END",
}


def _offset_sql(column: str, zone: str) -> str:
    """The UTC offset of the instant ``column`` in the zone ``zone`` (SQL), as an interval."""
    return f"(({column} AT TIME ZONE {zone}) - ({column} AT TIME ZONE 'UTC'))"


def _offset_text_sql(offset: str) -> str:
    """ "+01:00", "-03:30" of an interval (SQL)."""
    minutes = f"(extract(epoch FROM {offset}) / 60)::int"
    return (
        f"CASE WHEN {minutes} < 0 THEN '-' ELSE '+' END || lpad((abs({minutes}) / 60)::text, 2, '0')"
        f" || ':' || lpad(mod(abs({minutes}), 60)::text, 2, '0')"
    )


def _wall_time_sql(vendor: str, column: str, zone: str) -> str | None:
    """``screenings.localtime.format_wall_time`` on PostgreSQL: the wall time in the zone of
    the column ``zone`` ("2026-10-25T02:30"), with the offset when that wall time happens twice
    (the clocks go back). It happens twice when the offset a day before is larger than a day
    after by ``d`` and the instant ``d`` earlier or later shows the same wall time. None on
    SQLite, which knows no zone (Python renders the cell)."""
    if vendor != "postgresql":
        return None
    local = f"({column} AT TIME ZONE {zone})"
    day_before, day_after = f"({column} - interval '1 day')", f"({column} + interval '1 day')"
    shift = f"({_offset_sql(day_before, zone)} - {_offset_sql(day_after, zone)})"
    twice = (
        f"{shift} > interval '0' AND ((({column} + {shift}) AT TIME ZONE {zone}) = {local}"
        f" OR (({column} - {shift}) AT TIME ZONE {zone}) = {local})"
    )
    return (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI')"
        f" || CASE WHEN {twice} THEN {_offset_text_sql(_offset_sql(column, zone))} ELSE '' END"
    )


def _local_time_sql(vendor: str, column: str, minutes: bool) -> str | None:
    """``timezone.localtime(value).isoformat()`` in SQL ("2026-12-03T19:49:21.123456+01:00",
    the microseconds only when there are some; "2026-12-03T19:49+01:00" with ``minutes``), in the
    current time zone. SQLite stores UTC as "2026-12-03 18:49:21[.123456]" and knows no other
    zone: None there unless the current zone is UTC (Python renders the cell)."""
    zone = timezone.get_current_timezone_name()
    if vendor == "sqlite":
        if zone != "UTC":
            return None
        text = f"substr({column}, 1, 16)" if minutes else column
        return f"replace({text}, ' ', 'T') || '+00:00'"
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):
        return None
    local = f"({column} AT TIME ZONE '{zone}')"
    seconds = "" if minutes else ":SS"
    micro = (
        "" if minutes else f" || CASE WHEN to_char({column}, 'US') = '000000' THEN '' ELSE to_char({column}, '.US') END"
    )
    return (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI{seconds}'){micro}"
        f" || {_offset_text_sql(_offset_sql(column, f"'{zone}'"))}"
    )


def _sql_kind(render) -> str | None:
    """How the database writes a cell that ``render`` writes: the ``sql_kind`` of the widget
    class that defines ``render`` (a subclass that renders otherwise declares its own), "text"
    for a natural key; None: rendered in Python."""
    if render is _key_cell:
        return "text"
    widget = getattr(render, "__self__", None)
    if widget is None:
        # A plain function says it itself (``format_wall_time``).
        return getattr(render, "sql_kind", None)
    owner = next(klass for klass in type(widget).__mro__ if "render" in klass.__dict__)
    return owner.__dict__.get("sql_kind")


def _value_sql(vendor, model, step, paths) -> str | None:
    """The SQL of a value step's cell over its stored values (the columns ``v.cN`` of ``paths``);
    None: rendered in Python."""
    kind = _sql_kind(step[2])
    columns = [f"v.c{paths[path]}" for path in step[1]]
    column = columns[0]
    if kind == "wall_time" and len(columns) == 2:
        return _wall_time_sql(vendor, *columns)
    if kind is None or len(step[1]) != 1:
        return None
    if kind in ("datetime", "datetime_minutes"):
        return _local_time_sql(vendor, column, minutes=kind == "datetime_minutes")
    template = _CELL_SQL[vendor].get(kind)
    if template is None:
        return None
    places = getattr(_path_field(model, step[1][0]), "decimal_places", None)
    return template.format(column, places=places)


def value_paths(plan) -> dict[str, int]:
    """The values query of an export (``export_plan``): the pk, then each path its value steps
    read, once, in file order; by path, its place in the query."""
    paths: dict[str, int] = {"pk": 0}
    for step in plan:
        if step[0] == "value":
            for path in step[1]:
                paths.setdefault(path, len(paths))
    return paths


def _path_field(model, path: str):
    """The model field at the end of a values path ("venue__country__code")."""
    *links, name = path.split("__")
    for link in links:
        model = model._meta.get_field(link).related_model
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


@dataclass
class ExportQuery:
    """The export's rows as one query (``export_query``). A row holds first the ``raw`` values
    that Python renders (at their place in ``paths``, converted by ``converters``), then the
    cells the database rendered; ``cells`` says, per column of the file, where its cell is: an
    int (that column of the row) or a step of ``export_plan`` rendered in Python."""

    sql: str
    params: list
    raw: int
    cells: list
    paths: dict
    compiler: object
    converters: dict

    @property
    def rendered(self) -> bool:
        """The database renders every cell: a row is the file's line as it is."""
        return not self.raw


class NothingToExport(Exception):
    """The export's queryset matches no row whatever the data (``?id__in=``)."""


def export_query(resource, queryset) -> ExportQuery | None:
    """The export of ``queryset`` as one query whose database renders the cells it can (see
    above); None for a resource with a column rendered from model instances (``export_rows``
    then reads the records per chunk)."""
    from django.db import connections

    connection = connections[queryset.db]
    vendor = connection.vendor
    plan = resource.export_plan()
    if vendor not in _CELL_SQL or any(step[0] == "instance" for step in plan):
        return None
    model = resource._meta.model
    paths = value_paths(plan)
    values = queryset.prefetch_related(None).values_list(*paths)
    compiler = values.query.get_compiler(queryset.db)
    try:
        inner, params = compiler.as_sql()
    except EmptyResultSet as exc:
        raise NothingToExport from exc
    params = list(params)
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    guard = _NEUTRALISE_SQL[vendor]
    q = connection.ops.quote_name
    sql_cells, joins, cells, python = [], [], [], False
    for step in plan:
        cell = _value_sql(vendor, model, step, paths) if step[0] == "value" else None
        items = resource.related_columns[step[1]].export_items(model) if step[0] == "related" else None
        if cell is not None:
            sql_cells.append(guard.format(cell) if _sql_kind(step[2]) == "text" else cell)
        elif items is not None:
            name = f"a{len(joins)}"
            if queryset.query.where:
                # Only the exported records' items (a filtered export).
                items = dataclasses.replace(
                    items, queryset=items.queryset.filter(**{f"{items.owner}__in": queryset.values("pk")})
                )
            join_sql, join_params = _joined_items_sql(items, connection)
            joins.append(f"LEFT JOIN ({join_sql}) {name} ON {name}.{q('_k')} = v.c0")
            params += join_params
            sql_cells.append(guard.format(f"{name}.{q('_cell')}"))
        else:
            python = True
            cells.append(step)
            continue
        cells.append(len(sql_cells) - 1)
    # The values that Python renders (the pk first, for the related columns read per chunk),
    # at their place in the row; Django's converters for them.
    needed = [0] if python else []
    for step in cells:
        if not isinstance(step, int) and step[0] == "value":
            needed += [paths[path] for path in step[1] if paths[path] not in needed]
    raw_paths = {path: needed.index(n) for path, n in paths.items() if n in needed}
    converters = {needed.index(n): converter for n, converter in converters.items() if n in needed}
    raw = len(needed)
    cells = [cell + raw if isinstance(cell, int) else cell for cell in cells]
    names = ", ".join(f"c{n}" for n in range(len(paths)))
    columns = ", ".join([f"v.c{n}" for n in needed] + sql_cells)
    if joins and vendor != "sqlite" and _ordered_by_pk(compiler):
        # Both sides sorted by the pk: a merge join, and no sort of the result.
        source, order = "w v", " ORDER BY v.c0"
    elif joins and vendor != "sqlite":
        # A hash join keeps no order: number the values query's rows, in its order, and sort
        # by that. SQLite joins by nested loops, the left table outermost: its rows keep the
        # order they come in.
        source = f"(SELECT *, row_number() OVER () AS {q('_n')} FROM w) v"  # noqa: S608
        order = f" ORDER BY v.{q('_n')}"
    else:
        source, order = "w v", ""
        if joins:
            # SQLite drops the ORDER BY of a subquery joined to others unless it has a LIMIT.
            inner += "" if values.query.is_sliced else " LIMIT -1"
    # Names from the models' meta and this function; values are parameters.
    sql = f"WITH w({names}) AS ({inner}) SELECT {columns} FROM {source} {' '.join(joins)}{order}"  # noqa: S608
    return ExportQuery(sql, params, raw, cells, raw_paths, compiler, converters)


def _ordered_by_pk(compiler) -> bool:
    """The compiled values query is in the order of its pk alone, ascending."""
    order_by = compiler.get_order_by()
    if len(order_by) != 1 or order_by[0][0].descending:
        return False
    target = order_by[0][0].expression
    target = getattr(target, "source", target)  # "ORDER BY 1": a reference to the selected pk
    return getattr(target, "target", None) == compiler.query.model._meta.pk


def _joined_items_sql(items: ExportItems, connection) -> tuple[str, list]:
    """(owner pk ``_k``, cell ``_cell``) per owner: its items' texts joined in their order."""
    owner = models.F(items.owner)
    item = items.item if hasattr(items.item, "resolve_expression") else models.F(items.item)
    rows = (
        items.queryset.order_by()
        .annotate(
            _k=owner,
            _i=Cast(item, models.TextField()),
            _p=Window(RowNumber(), partition_by=[owner], order_by=items.order),
        )
        .values_list("_k", "_i", "_p")
    )
    sql, params = rows.query.sql_with_params()
    q = connection.ops.quote_name
    k, i, p = q("_k"), q("_i"), q("_p")
    opening, closing = items.brackets
    before, before_params = ("%s || ", [opening]) if opening else ("", [])
    after, after_params = (" || %s", [closing]) if closing else ("", [])
    if connection.vendor == "postgresql":
        joined = f"SELECT s.{k}, {before}string_agg(s.{i}, %s ORDER BY s.{p}){after} AS {q('_cell')} FROM ({sql}) s"  # noqa: S608
    else:
        # SQLite's group_concat joins in the order its rows come: sorted by owner, then position.
        joined = (
            f"SELECT s.{k}, {before}group_concat(s.{i}, %s){after} AS {q('_cell')} "  # noqa: S608
            f"FROM (SELECT * FROM ({sql}) ORDER BY 1, 3) s"
        )
    return f"{joined} GROUP BY s.{k}", [*before_params, items.separator, *after_params, *params]


def copy_sql(resource, queryset, delimiter=",") -> str | None:
    """``COPY … TO STDOUT`` of the export's rows (header apart) on PostgreSQL when the database
    renders every cell (``export_query``); None otherwise (rows are then read by ``export_rows``)."""
    from django.db import connections

    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or delimiter not in DELIMITERS:
        return None
    try:
        query = export_query(resource, queryset)
    except NothingToExport:
        return None
    if query is None or not query.rendered:
        return None
    # A delimiter from DELIMITERS; values composed by the driver.
    options = f"FORMAT csv, DELIMITER '{delimiter}'"
    return f"COPY ({connection.ops.compose_sql(query.sql, query.params)}) TO STDOUT WITH ({options})"


def export_pieces(resource, queryset=None, delimiter=",") -> Iterator[str]:
    """The export's CSV text in pieces: written by PostgreSQL's ``COPY`` when it renders every
    cell (``copy_sql``), else ``csv_pieces`` of ``export_rows``. The same text either way."""
    queryset = resource.get_export_queryset() if queryset is None else queryset
    sql = copy_sql(resource, queryset, delimiter)
    if sql is None:
        yield from csv_pieces(resource.export_rows(queryset), delimiter)
        return
    from django.db import connections

    yield from csv_pieces([[f.column_name for f in resource.get_export_fields()]], delimiter)
    decoder = codecs.getincrementaldecoder("utf-8")()
    connection = connections[queryset.db]
    if connection.queries_logged:  # COPY goes past Django's cursor wrapper: count it as its query
        connection.queries_log.append({"sql": sql, "time": "0.000"})
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as stream:
        # psycopg hands COPY's output about a row at a time: PIECE_ROWS blocks make a piece,
        # whose line ends are mended at once.
        for piece in crlf(b"".join(blocks) for blocks in itertools.batched(stream, PIECE_ROWS)):
            if text := decoder.decode(piece):
                yield text
    if text := decoder.decode(b"", final=True):
        yield text


def crlf(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """COPY ends its lines with LF; csv.writer (and Excel) with CRLF. A line break inside a
    quoted cell is the cell's own and stays as it is: quotes toggle "inside a cell" (an escaped
    quote toggles twice), across blocks."""
    inside = False
    for block in blocks:
        parts = block.split(b'"')
        for n in range(1 if inside else 0, len(parts), 2):
            parts[n] = parts[n].replace(b"\n", b"\r\n")
        inside ^= len(parts) % 2 == 0
        yield b'"'.join(parts)


def _key_cell(value) -> str:
    return "" if value is None else str(value)


def _renders_values(widget) -> bool:
    """The widget's ``render`` takes a stored value alone: the class that defines ``render``
    says so (``value_render``), so that a subclass rendering a record (a section by its name)
    is never given a bare id."""
    owner = next(klass for klass in type(widget).__mro__ if "render" in klass.__dict__)
    return owner.__dict__.get("value_render", False)


def _guarded(cell, is_number):
    """A cell reader whose text cells are neutralised (``neutralise``); numbers are written as they are."""
    return cell if is_number else lambda row: neutralise(cell(row))


def _cell_reader(resource, step, paths, related, records) -> Callable[[tuple], str]:
    kind = step[0]
    if kind == "value":
        _kind, names, render = step
        if len(names) == 1:
            index = paths[names[0]]
            return lambda row: render(row[index])
        indexes = [paths[name] for name in names]
        return lambda row: render(*(row[i] for i in indexes))
    if kind == "related":
        cells = related[step[1]]
        return lambda row: cells.get(row[0], "")
    field = step[1]
    return lambda row: resource.export_field(field, records[row[0]])


def check_values(model, label: str = "", **values) -> dict:
    """``values`` for the fields of ``model`` that a related column writes (a localized title,
    an alias, a rating, a device…), cleaned by those model fields: line ends normalised, control
    characters and over-long values refused (``catalog.fields``), numbers in the column's range.
    Raises one ValidationError with every message, each naming the value's field (or
    ``label``), so that the row's problem names its line and column — rather than the database
    refusing the chunk (PostgreSQL) or storing what the admin then refuses (SQLite)."""
    cleaned, messages = {}, []
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        try:
            cleaned[name] = model_field.clean(value, None)
        except ValidationError as exc:
            what = label or capfirst(model_field.verbose_name)
            messages += [f"{what}: {message}" for message in exc.messages]
    if messages:
        raise ValidationError(messages)
    return cleaned


def _invalid_choice(instance, exc: ValidationError, name: str) -> str:
    """The valid values of field ``name`` ("film, series…") when ``exc`` refused its value as
    not one of its choices, else ""."""
    refused = getattr(exc, "error_dict", {}).get(name, [])
    if not any(error.code == "invalid_choice" for error in refused):
        return ""
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    return ", ".join(str(value) for value, _label in field.flatchoices if value not in ("", None))


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


def _messages(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def resource_names() -> list[str]:
    """The CSV resources (catalog.extensions.csv_resources), in import order."""
    return extensions.csv_resources.names()


def get_resource(name: str) -> type[AfficheResource]:
    try:
        return extensions.csv_resources[name].resource
    except KeyError as exc:
        known = ", ".join(resource_names())
        raise KeyError(_("Unknown resource “%(name)s” (known: %(known)s).") % {"name": name, "known": known}) from exc


def run_import(
    name: str,
    source,
    *,
    dry_run=False,
    encoding=None,
    delimiter=None,
    user=None,
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import one file into one resource, all or nothing; the report says what happened.

    ``source`` is the file's bytes, its text, a Path or a binary file object. ``encoding`` and
    ``delimiter``, when given, must be ones a CSV file may have (``ENCODINGS``, ``DELIMITERS``);
    anything else is a problem of the file, never an exception.

    The file is read through once before the write transaction opens: a file that cannot be
    decoded or whose rows do not fit its header is refused without taking the database's write
    lock (on SQLite, every other writer waits while it is held). A concurrent write that
    PostgreSQL refuses (a serialization failure, a deadlock, a constraint another transaction
    just satisfied first) becomes a problem of the report, like any refused row.

    With a ``user``, an import that writes is on record (``catalog.audit.ImportAudit``): an
    entry for the import (``file_name``, counts, the report of every change) and one on each
    record it created or changed, in the same transaction.
    """
    attempt, report = _open_import(name, source, encoding, delimiter, dry_run)
    if attempt is None:
        return report
    if not dry_run:
        for _attempt in range(REVALIDATIONS):
            prepared = _prepare(attempt, user, file_name, progress)
            if prepared is None:
                break
            written = prepared.write()
            if written is not None:
                return written
    resource, reader, report = attempt(dry_run)
    try:
        # On SQLite, a check runs on a private copy: other writers never wait for it.
        with private_copy_for_check(dry_run), transaction.atomic():
            _import_in_transaction(resource, reader, report, dry_run, user, file_name, progress)
    except DatabaseError as exc:
        if not is_concurrent_write(exc):
            raise
        report.problems.append(
            Problem(
                None,
                "",
                "",
                _("Another import or edit changed the same records at the same time; nothing was written. Try again."),
            )
        )
    return _finished(report, resource)


def _open_import(name, source, encoding, delimiter, dry_run):
    """(a function giving a fresh resource, reader and report over the file, the report) —
    or (None, the report of a file that cannot be read or whose rows do not fit its header)."""
    resource_class = get_resource(name)
    report = ImportReport(resource=name, dry_run=dry_run)
    refused = file_settings_problems(encoding, delimiter)
    if refused:
        report.problems = refused
        return None, report
    try:
        stream = open_text(source, encoding)
        columns, required = resource_class.columns(), resource_class.required_columns
        reader = CsvReader(stream, columns, required, delimiter)
        shape = [(line, row) for line, row in reader if isinstance(row, Problem)]
        if shape:
            report.problems = [problem for _line, problem in shape]
            return None, report
    except CsvFileError as exc:
        report.problems = exc.problems
        return None, report

    def attempt(dry_run: bool):
        stream.seek(0)
        resource = resource_class()
        reader = CsvReader(stream, columns, required, delimiter)
        resource.delimiter = reader.delimiter
        return resource, reader, ImportReport(resource=name, dry_run=dry_run)

    return attempt, report


#: Validations on a fresh copy when other writers keep changing the tables, before the import
#: validates inside its write transaction (``catalog.csvwrite``).
REVALIDATIONS = 3


@dataclass
class PreparedImport:
    """A file validated outside any write transaction (SQLite, ``catalog.csvwrite``)."""

    report: ImportReport
    resource: AfficheResource
    validated: "csvwrite.ValidatedImport"

    def write(self) -> ImportReport | None:
        """Write it in one short transaction (the caller's, if open). The report; or None when
        other writers changed the tables since: validate again."""
        try:
            if not self.report.problems:
                self.validated.write()
        except (csvwrite.Revalidate, IntegrityError):
            return None
        finally:
            self.validated.log.close()
        return _finished(self.report, self.resource)


def prepare_import(
    name, source, *, encoding=None, delimiter=None, user=None, file_name="", progress=None
) -> PreparedImport | ImportReport | None:
    """Validate an import for writing, outside any transaction: a ``PreparedImport`` to write
    in the caller's write transaction, the report of a file that cannot be read, or None where
    validating on a copy does not apply (PostgreSQL, inside a transaction, an in-memory
    database): then ``run_import`` validates in the write transaction."""
    attempt, report = _open_import(name, source, encoding, delimiter, False)
    if attempt is None:
        return report
    return _prepare(attempt, user, file_name, progress)


def _prepare(attempt, user, file_name, progress) -> PreparedImport | None:
    if not csvwrite.applies():
        return None
    resource, reader, report = attempt(False)

    def run():
        _import_in_transaction(resource, reader, report, False, user, file_name, progress, rollback=False)
        return report

    validated = csvwrite.validate(resource, run)
    return None if validated is None else PreparedImport(report, resource, validated)


def _import_in_transaction(resource, reader, report, dry_run, user, file_name, progress, rollback=True):
    """The import proper, inside the caller's transaction; rolled back (``rollback``) when
    a row fails and for a dry run."""
    if user is not None and not dry_run:
        resource.audit = audit.ImportAudit(user, report.resource, file_name)
    resource.import_file(reader, report, progress)
    if resource.created_records:
        resource.created_related = resource.created_in_use()
    if report.problems or dry_run:
        if rollback:
            transaction.set_rollback(True)
    elif resource.audit is not None:
        resource.audit.finish(report)
        report.run = resource.audit.run.pk


def _finished(report, resource) -> ImportReport:
    if not report.dry_run and not report.problems:
        # Committed: the cached pages go (whatever path wrote the rows, COPY included).
        pagecache.changed()
    report.problems.sort(key=lambda p: (p.line or 0, p.column))
    report.created_related = resource.created_related
    return report


def file_settings_problems(encoding: str | None, delimiter: str | None) -> list[Problem]:
    """Problems with a declared encoding or delimiter (None or "" means: detect it)."""
    problems = []
    if encoding:
        try:
            declared_encoding(encoding)
        except CsvFileError as exc:
            problems += exc.problems
    if delimiter and delimiter not in DELIMITERS:
        problems.append(
            Problem(None, "", delimiter, _("Unknown delimiter; use a comma or a semicolon, or let it be detected."))
        )
    return problems


#: PostgreSQL's codes for a write that lost a race: serialization failure, deadlock, unique and
#: exclusion violations (another transaction committed the same key or room first).
CONCURRENT_WRITE_CODES = {"40001", "40P01", "23505", "23P01"}


def is_concurrent_write(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) in CONCURRENT_WRITE_CODES or getattr(cause, "pgcode", None) in (
        CONCURRENT_WRITE_CODES
    )


def resolve_file_settings(data: bytes, encoding: str | None, delimiter: str | None) -> tuple[str, str]:
    """The encoding and delimiter a file will be read with, fixed once (at the admin's check)
    so that the confirm step reads it exactly as the preview did."""
    binary = io.BytesIO(data)
    encoding = encoding or detect_encoding(binary)
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    if not delimiter:
        try:
            first = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="").readline()
        except UnicodeDecodeError:
            first = ""
        delimiter = sniff_delimiter(first)
    return encoding, delimiter


#: Rows per piece of CSV text: a streamed response sends, and a command writes, one piece at
#: a time (neither the whole file in memory nor one write per row).
PIECE_ROWS = 256


def csv_pieces(rows, delimiter=",", size=PIECE_ROWS) -> Iterator[str]:
    """The CSV text of ``rows`` (an iterator of lists), CRLF line ends, ``size`` rows a piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    rows = iter(rows)
    while True:
        writer.writerows(itertools.islice(rows, size))
        piece = buffer.getvalue()
        if not piece:
            return
        yield piece
        buffer.seek(0)
        buffer.truncate()


def write_csv(rows, stream, delimiter=","):
    """Write ``rows`` (an iterator of lists) to a text ``stream``, CRLF line ends, in pieces."""
    for piece in csv_pieces(rows, delimiter):
        stream.write(piece)
