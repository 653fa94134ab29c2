"""The one CSV machinery shared by every resource (SPEC §6), built on django-import-export.

Reading: UTF-8 with or without BOM, or Windows-1252 (declared, or detected when the bytes are
not UTF-8); comma or semicolon (declared, or detected from the header); CRLF or LF; quoted
multi-line cells. The header must hold every required column and nothing unknown; a short
row is an error (an update never blanks a field because a cell is missing).

Importing: every row is validated with the model's own rules (``full_clean``) and written in
one transaction that is rolled back if any row fails, so an import is all or nothing. The
report names each bad row's line, column, value and reason. Re-importing the same file
matches rows by natural key and changes nothing.

Writing: an iterator over the queryset, never a list; cells that a spreadsheet would take
for a formula are prefixed with an apostrophe, which the reader removes again.

The admin Import/Export buttons (``AfficheCSV`` format) and the ``import_csv`` /
``export_csv`` commands run this same code.
"""

import csv
import io
from dataclasses import dataclass, field
from importlib import import_module

import tablib
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.formats.base_formats import CSV

from .text import normalize

#: Resource name → "module.Class", in dependency order (import_all follows it).
RESOURCES = {
    "titles": "catalog.resources.TitleResource",
}

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = "|"


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
    created_related: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

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


def decode(data: bytes, encoding: str | None = None) -> str:
    """Text of ``data``: the declared encoding, else UTF-8 (BOM or not), else Windows-1252."""
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise CsvFileError(
                [
                    Problem(
                        None,
                        "",
                        "",
                        _("The file is not readable as %(encoding)s: %(error)s") % {"encoding": encoding, "error": exc},
                    )
                ]
            ) from exc
        return text.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def unformula(value: str) -> str:
    """Undo the export's neutralisation: "'=SUM(A1)" → "=SUM(A1)"."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def neutralise(value):
    """A cell a spreadsheet will not run: "=SUM(A1)" → "'=SUM(A1)"."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def read_dataset(
    data: bytes | str, columns, required, encoding=None, delimiter=None
) -> tuple[tablib.Dataset, list[int]]:
    """A Dataset of the file's rows and the line each row starts on; CsvFileError if unusable.

    ``columns`` are the resource's columns; other columns are reported as unknown.
    """
    text = data if isinstance(data, str) else decode(data, encoding)
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems = []
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise CsvFileError([Problem(1, "", "", str(exc))]) from exc
    if not any(header):
        raise CsvFileError([Problem(None, "", "", _("The file is empty."))])
    unknown = [h for h in header if h not in columns]
    missing = [c for c in required if c not in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    for name in unknown:
        problems.append(
            Problem(1, name, "", _("Unknown column (expected: %(columns)s).") % {"columns": ", ".join(columns)})
        )
    for name in missing:
        problems.append(Problem(1, name, "", _("Required column missing.")))
    for name in duplicated:
        problems.append(Problem(1, name, "", _("Column given twice.")))
    dataset = tablib.Dataset(headers=header)
    lines, start = [], 2
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(
                    Problem(
                        line,
                        "",
                        "",
                        _("The row has %(got)s cells; the header has %(want)s.")
                        % {"got": len(record), "want": len(header)},
                    )
                )
                continue
            dataset.append([unformula(cell) for cell in record])
            lines.append(line)
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, "", "", _("Unreadable CSV: %(error)s") % {"error": exc}))
    if problems:
        raise CsvFileError(problems)
    return dataset, lines


# Widgets ---------------------------------------------------------------------------


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A related record by its natural key (slug, code), case-insensitive; unknown is an error."""

    def __init__(self, model, field="slug", label=None, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label or model._meta.verbose_name

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return self.get_queryset(value, row, **kwargs).get(**{f"{self.field}__iexact": value})
        except ObjectDoesNotExist as exc:
            raise ValueError(_("No %(label)s “%(value)s”.") % {"label": self.label, "value": value}) from exc

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """Several related records by natural key, separated by "|". Unknown values are errors,
    unless ``create`` makes them (vocabularies such as genres: name from the slug)."""

    def __init__(self, model, field="slug", label=None, create=None, **kwargs):
        super().__init__(model, separator=SEPARATOR, field=field, **kwargs)
        self.label = label or model._meta.verbose_name
        self.create = create

    def clean(self, value, row=None, **kwargs):
        keys = [k.strip() for k in (value or "").split(SEPARATOR) if k.strip()]
        if not keys:
            return self.model.objects.none()
        # One query, whatever the case the file uses ("fr", "FR").
        found = {
            str(getattr(o, self.field)).lower(): o
            for o in self.model.objects.annotate(_key=Lower(self.field)).filter(_key__in=[k.lower() for k in keys])
        }
        unknown = [k for k in keys if k.lower() not in found]
        if unknown and self.create:
            for key in unknown:
                found[key.lower()] = self.create(key)
            unknown = []
        if unknown:
            raise ValueError(_("No %(label)s “%(value)s”.") % {"label": self.label, "value": ", ".join(unknown)})
        return self.model.objects.filter(pk__in=[found[k.lower()].pk for k in keys])

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return SEPARATOR.join(sorted(str(getattr(o, self.field)) for o in value.all()))


class StrictIntegerWidget(widgets.IntegerWidget):
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


class TextWidget(widgets.CharWidget):
    """Text exactly as written (no trimming: a cell is a value, and round trips must hold)."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


# Resources -------------------------------------------------------------------------


class AfficheResource(resources.ModelResource):
    """Base of every CSV resource: natural keys, full validation, unchanged rows skipped."""

    #: Columns that a file must have (the natural key at least).
    required_columns: tuple[str, ...] = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_html_diff = True
        store_instance = False

    @classmethod
    def columns(cls) -> list[str]:
        return [f.column_name for f in cls().get_export_fields()]

    def import_instance(self, instance, row, **kwargs):
        """Fields, then many-to-many cells, so that one pass reports every bad cell of a row."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for import_field in self.get_import_fields():
            if isinstance(import_field.widget, widgets.ManyToManyWidget) and import_field.column_name in row:
                try:
                    import_field.clean(row)
                except ValueError as exc:
                    errors[import_field.attribute] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def natural_key(self, row) -> tuple:
        return tuple(normalize(str(row.get(name, ""))) for name in self.get_import_id_fields())

    def duplicate_problems(self, dataset, lines) -> list[Problem]:
        seen, problems = {}, []
        for index, row in enumerate(dataset.dict):
            key = self.natural_key(row)
            if key in seen:
                problems.append(
                    Problem(
                        lines[index],
                        ", ".join(self.get_import_id_fields()),
                        " / ".join(str(row.get(n, "")) for n in self.get_import_id_fields()),
                        _("Same key as line %(line)s.") % {"line": seen[key]},
                    )
                )
            else:
                seen[key] = lines[index]
        return problems

    def export_rows(self, queryset=None):
        """Header, then one list of cells per record, streamed from the database."""
        fields = self.get_export_fields()
        yield [f.column_name for f in fields]
        queryset = self.get_export_queryset() if queryset is None else queryset
        for instance in queryset.iterator(chunk_size=2000):
            yield [neutralise(self.export_field(f, instance)) for f in fields]

    def get_export_queryset(self):
        return self._meta.model.objects.all()


def get_resource(name: str) -> type[AfficheResource]:
    try:
        path = RESOURCES[name]
    except KeyError as exc:
        raise KeyError(
            _("Unknown resource “%(name)s” (known: %(known)s).") % {"name": name, "known": ", ".join(RESOURCES)}
        ) from exc
    module, _sep, cls = path.rpartition(".")
    return getattr(import_module(module), cls)


def run_import(
    name: str, data: bytes | str, *, dry_run=False, encoding=None, delimiter=None, user=None
) -> ImportReport:
    """Import one file into one resource, all or nothing; the report says what happened."""
    resource_class = get_resource(name)
    resource = resource_class()
    report = ImportReport(resource=name, dry_run=dry_run)
    try:
        dataset, lines = read_dataset(
            data, resource_class.columns(), resource_class.required_columns, encoding, delimiter
        )
    except CsvFileError as exc:
        report.problems = exc.problems
        return report
    report.rows = len(dataset)
    report.problems = resource.duplicate_problems(dataset, lines)
    if report.problems:
        return report
    with transaction.atomic():
        # import-export rolls the whole import back when any row fails
        # (rollback_on_validation_errors) and always for a dry run.
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, user=user
        )
        report.problems = problems_of(result, resource, dataset, lines)
        if report.problems:
            transaction.set_rollback(True)
    totals = result.totals
    report.new, report.updated, report.unchanged = totals["new"], totals["update"], totals["skip"]
    report.created_related = getattr(resource, "created_related", [])
    return report


def problems_of(result, resource, dataset, lines) -> list[Problem]:
    """Every error of an import-export result, as (line, column, value, reason)."""
    columns = {f.attribute: f.column_name for f in resource.get_import_fields() if f.attribute}
    rows = dataset.dict
    problems = [Problem(None, "", "", str(error.error)) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems += [Problem(lines[number - 1], "", "", str(error.error)) for error in errors]
    for invalid in result.invalid_rows:
        row = rows[invalid.number - 1]
        for name, messages in invalid.error_dict.items():
            column = columns.get(name, name if name in row else "")
            problems += [Problem(lines[invalid.number - 1], column, row.get(column, ""), str(m)) for m in messages]
    return sorted(problems, key=lambda p: (p.line or 0, p.column))


def write_csv(rows, stream, delimiter=","):
    """Write ``rows`` (an iterator of lists) to a text ``stream``, CRLF line ends."""
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)


class AfficheCSV(CSV):
    """The admin's CSV format: hands the raw bytes to ``read_dataset``, as the commands do."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"
