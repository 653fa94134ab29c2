"""Encodings and headers a person can act on: a file is read whole in one encoding or refused
with the line to fix; a header is checked in one pass whatever its width."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.csvio import get_resource, run_import
from catalog.models import Title

pytestmark = pytest.mark.django_db

HEADER = "slug,kind,original_title,original_language"


def problems(report):
    return [(p.line, p.message) for p in report.problems]


def test_utf8_and_windows_1252_files_each_read_whole():
    utf8 = run_import("titles", f"{HEADER}\ncafe,film,Café,fr\n".encode())
    assert utf8.ok
    cp1252 = run_import("titles", f"{HEADER}\ncafe-2,film,Café €,fr\n".encode("cp1252"))
    assert cp1252.ok, problems(cp1252)
    assert sorted(Title.objects.values_list("original_title", flat=True)) == ["Café", "Café €"]


def test_file_mixing_utf8_and_windows_1252_rows_is_refused_naming_the_line():
    data = (
        f"{HEADER}\nplain,film,Plain,fr\n".encode() + "a,film,Café,fr\n".encode() + "b,film,Thé,fr\n".encode("cp1252")
    )

    report = run_import("titles", data)

    [(line, message)] = problems(report)
    assert line == 4
    assert "line 3 is UTF-8, line 4 is not" in message
    assert not Title.objects.exists()


def test_windows_1252_row_then_utf8_row_is_refused_too():
    data = f"{HEADER}\n".encode() + "b,film,Thé,fr\n".encode("cp1252") + "a,film,Café,fr\n".encode()

    [(line, message)] = problems(run_import("titles", data))

    assert line == 3
    assert "line 3 is UTF-8, line 2 is not" in message


def test_binary_file_is_refused_with_its_first_bad_line():
    data = f"{HEADER}\nok,film,Fine,fr\n".encode() + b"x,film,\x81\x8d\xff\x02\x90,fr\n"

    [(line, message)] = problems(run_import("titles", data))

    assert line == 3
    assert "neither UTF-8 nor Windows-1252" in message
    assert "charmap" not in message


def test_declared_encoding_that_does_not_fit_names_the_line():
    data = f"{HEADER}\nok,film,Fine,fr\n".encode() + "x,film,Thé,fr\n".encode("cp1252")

    [(line, message)] = problems(run_import("titles", data, encoding="utf-8"))

    assert line == 3
    assert "not readable as utf-8" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_decoded(encoding):
    text = f"{HEADER}\ncafe,film,Café 🎬,fr\n"
    data = text.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + text).encode(encoding)

    report = run_import("titles", data)

    assert report.ok, problems(report)
    assert Title.objects.get().original_title == "Café 🎬"


def test_utf16_without_bom_is_refused_clearly():
    [(line, message)] = problems(run_import("titles", f"{HEADER}\ncafe,film,Café,fr\n".encode("utf-16-le")))

    assert line == 1
    assert "Save it as UTF-8 (or Windows-1252)" in message
    assert "ÿþ" not in message


@pytest.mark.parametrize("encoding", ["rot13", "hex", "nonsense"])
def test_run_import_refuses_a_codec_that_is_not_a_text_encoding(encoding):
    [(line, message)] = problems(run_import("titles", f"{HEADER}\n".encode(), encoding=encoding))

    assert line is None
    assert f"Unknown encoding “{encoding}”: use UTF-8 or Windows-1252" in message


def test_import_csv_command_refuses_rot13_with_a_command_error(tmp_path):
    path = tmp_path / "titles.csv"
    path.write_text(f"{HEADER}\ncafe,film,Café,fr\n", encoding="utf-8")

    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_csv", "titles", str(path), "--encoding", "rot13", stderr=err)

    assert "Unknown encoding “rot13”" in err.getvalue()


def test_header_of_100000_columns_is_refused_at_once_with_one_message():
    header = ",".join(f"column{n}" for n in range(100_000))

    report = run_import("titles", f"{header}\n".encode())

    [(line, message)] = problems(report)
    assert line == 1
    columns = len(get_resource("titles").columns())
    assert f"The header has 100,000 columns; this file type has {columns} (slug, kind," in message


class CountingList(list):
    """A header that counts how often it is searched from end to end (``count``, ``in``)."""

    scans = 0

    def count(self, value):
        CountingList.scans += 1
        return super().count(value)

    def __contains__(self, value):
        CountingList.scans += 1
        return super().__contains__(value)


def test_header_check_never_searches_the_whole_header_per_column(monkeypatch):
    """Linear, not quadratic: no ``header.count(name)`` or ``name in header`` per column."""
    from catalog.csvio import CsvFileError, raise_header_problems
    from catalog.resources import TitleResource

    columns = TitleResource.columns()
    header = CountingList([*columns, *columns[:10]])  # every column, ten of them twice
    monkeypatch.setattr(CountingList, "scans", 0)

    with pytest.raises(CsvFileError) as exc:
        raise_header_problems(header, columns, ("slug", "kind"))

    assert [p.message for p in exc.value.problems] == ["Column given twice."] * 10
    assert CountingList.scans == 0
