import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog import demo as catalog_demo
from catalog.csvio import run_import
from catalog.models import ContentRating, Genre, LocalizedTitle, Title
from catalog.testing import export

from .factories import SeasonFactory, TitleFactory

pytestmark = pytest.mark.django_db

HEADER = "slug,kind,parent,number,original_title,original_language,title_en,title_fr,year,countries,languages,runtime_minutes,episode_count,genres,ratings,synopsis_en,synopsis_fr"


def test_titles_import_creates_series_seasons_and_episodes():
    data = "\r\n".join(
        [
            HEADER,
            "l-opera,series,,,L'Opéra,fr,The Opera,,2021,FR,fr,45,,drama,US-TV:TV-MA,,",
            "l-opera-s1,season,l-opera,1,,,,,2021,FR,fr,45,8,,,,",
            "l-opera-s1e1,episode,l-opera-s1,1,,,,,,,,45,,,,,",
        ]
    )

    report = run_import("titles", data.encode())

    assert report.ok, report.problems
    assert (report.new, report.updated, report.unchanged) == (3, 0, 0)
    series = Title.objects.get(slug="l-opera")
    assert series.display_title("en") == "The Opera"
    assert [g.slug for g in series.genres.all()] == ["drama"]
    assert list(series.ratings.values_list("system", "value")) == [("US-TV", "TV-MA")]
    assert Title.objects.with_child_count().get(slug="l-opera-s1").format_label == "8 × 45 min"


def test_titles_reimport_of_an_export_changes_nothing(demo):
    data = export("titles")
    before = (Title.objects.count(), LocalizedTitle.objects.count(), ContentRating.objects.count())

    report = run_import("titles", data.encode())

    assert report.ok, report.problems
    assert (report.new, report.updated, report.unchanged) == (0, 0, Title.objects.count())
    assert (Title.objects.count(), LocalizedTitle.objects.count(), ContentRating.objects.count()) == before


def test_titles_round_trip_into_an_empty_database_gives_the_same_file():
    catalog_demo.load()
    first = export("titles")
    # Children first: a parent cannot be deleted while it has seasons or episodes.
    for kind in ("episode", "season", None):
        Title.objects.filter(**({"kind": kind} if kind else {})).delete()
    Genre.objects.all().delete()

    report = run_import("titles", first.encode())

    assert report.ok, report.problems
    assert export("titles") == first


def test_titles_dry_run_writes_nothing():
    report = run_import("titles", (HEADER + "\nfilm-a,film,,,Film A,,,,,,,,,,,,\n").encode(), dry_run=True)

    assert report.ok
    assert report.new == 1
    assert not Title.objects.exists()


def test_titles_one_bad_row_writes_nothing_and_names_line_column_and_value():
    rows = [HEADER] + [f"film-{n},film,,,Film {n},,,,2000,,,,,,,," for n in range(50)]
    rows[31] = "film-30,film,,,Film 30,,,,two thousand,,,,,,,,"

    report = run_import("titles", "\n".join(rows).encode())

    assert not report.ok
    assert [str(p) for p in report.problems] == ["line 32, year: “two thousand” Enter a whole number."]
    assert not Title.objects.exists()


def test_titles_unknown_parent_and_country_are_errors():
    data = HEADER + "\ns1,season,nowhere,1,,,,,,XX,,,,,,,\n"

    report = run_import("titles", data.encode())

    assert {(p.line, p.column, p.value) for p in report.problems} >= {(2, "parent", "nowhere"), (2, "countries", "XX")}
    assert not Title.objects.exists()


def test_titles_duplicate_episode_number_is_an_error():
    season = SeasonFactory()
    data = HEADER + f"\ne1,episode,{season.slug},1,,,,,,,,,,,,,\ne2,episode,{season.slug},1,,,,,,,,,,,,,\n"

    report = run_import("titles", data.encode())

    assert any("already has this number" in p.message for p in report.problems)
    assert not Title.objects.filter(kind="episode").exists()


def test_titles_same_key_twice_in_one_file_names_both_lines():
    data = HEADER + "\nfilm-a,film,,,A,,,,,,,,,,,,\nFILM-A,film,,,A again,,,,,,,,,,,,\n"

    report = run_import("titles", data.encode())

    assert [str(p) for p in report.problems] == ["line 3, slug: “FILM-A” Same key as line 2."]


def test_titles_short_row_and_unknown_column_are_refused():
    short = HEADER + "\nfilm-a,film,,,A\n"
    extra = HEADER + ",budget\nfilm-a,film,,,A,,,,,,,,,,,,,1000\n"

    assert [str(p) for p in run_import("titles", short.encode()).problems] == [
        "line 2: The row has 5 cells; the header has 17."
    ]
    assert run_import("titles", extra.encode()).problems[0].column == "budget"
    assert not Title.objects.exists()


def test_titles_missing_required_column_is_refused():
    report = run_import("titles", b"kind,original_title\nfilm,A\n")

    assert [(p.column, p.message) for p in report.problems] == [("slug", "Required column missing.")]


@pytest.mark.parametrize(
    "encoding_and_bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
)
def test_titles_french_spreadsheet_encodings_and_semicolons(encoding_and_bom):
    encoding, bom = encoding_and_bom
    text = HEADER.replace(",", ";") + "\r\nl-oeuvre;film;;;L’Œuvre “à” 9,90 €;fr;;;2020;FR;fr;;;;;;Résumé : œuvre.\r\n"

    report = run_import("titles", bom + text.encode(encoding))

    assert report.ok, report.problems
    title = Title.objects.get(slug="l-oeuvre")
    assert title.original_title == "L’Œuvre “à” 9,90 €"
    assert title.synopsis_fr == "Résumé : œuvre."


def test_titles_quoted_multiline_cells_keep_their_line_breaks():
    data = HEADER + '\nfilm-a,film,,,A,,,,,,,,,,,"First paragraph.\n\nSecond paragraph.",\n'

    assert run_import("titles", data.encode()).ok
    assert Title.objects.get().synopsis_en == "First paragraph.\n\nSecond paragraph."


@pytest.mark.parametrize("value", ['=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)", "\tx"])
def test_export_neutralises_formulas_and_reimport_restores_them(value):
    # A tab is refused in one-line fields (catalog.fields): a leading tab is tried in a synopsis.
    column = "synopsis_en" if value.startswith("\t") else "original_title"
    TitleFactory(slug="film-a", **{"original_title": "Film", column: value})

    data = export("titles")

    assert next(csv.DictReader(io.StringIO(data)))[column] == f"'{value}"
    Title.objects.all().delete()
    assert run_import("titles", data.encode()).ok
    assert getattr(Title.objects.get(), column) == value


def test_import_command_reports_problems_and_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "titles.csv"
    path.write_text(HEADER + "\nfilm-a,trailer,,,A,,,,,,,,,,,,\n", encoding="utf-8")

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_csv", "titles", str(path))

    assert (
        "line 2, kind: “trailer” Not one of the choices: write one of film, short, series, season, episode, "
        "performance, live." in capsys.readouterr().err
    )


def test_export_command_writes_a_file(tmp_path, demo):
    path = tmp_path / "out.csv"

    call_command("export_csv", "titles", "-o", str(path))

    # Files without the optional published_at column (HEADER) import as before (test_publishing).
    assert path.read_text(encoding="utf-8").splitlines()[0] == HEADER + ",published_at"


def test_one_bad_row_among_ten_thousand_writes_nothing_and_names_the_row():
    rows = [HEADER] + [f"film-{n},film,,,Film {n},fr,Film {n},Film {n},2000,FR,fr,90,,,,," for n in range(10_000)]
    rows[7_778] = "film-7777,film,,,Film 7777,fr,,,2000,FR,fr,-90,,,,,"

    report = run_import("titles", "\n".join(rows).encode())

    assert [(p.line, p.column, p.value) for p in report.problems] == [(7_779, "runtime_minutes", "-90")]
    assert report.rows == 10_000
    assert not Title.objects.exists()
    assert not LocalizedTitle.objects.exists()


def test_import_all_and_export_all_round_trip_byte_identical(tmp_path, demo):
    call_command("export_all", str(tmp_path / "first"))
    from people.models import Credit, Person

    # Credits and people go; titles and organisations stay (screenings and offers need them).
    Credit.objects.all().delete()
    Person.objects.all().delete()
    call_command("import_all", str(tmp_path / "first"))
    call_command("export_all", str(tmp_path / "second"))

    for first in sorted((tmp_path / "first").glob("*.csv")):
        assert (tmp_path / "second" / first.name).read_bytes() == first.read_bytes(), first.name


def test_import_all_refuses_everything_when_one_file_is_bad(tmp_path, demo):
    call_command("export_all", str(tmp_path))
    (tmp_path / "titles.csv").write_text(HEADER + "\nnew-film,film,,,New,,,,,,,,,,,,\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text(people.read_text(encoding="utf-8") + "bad,Bad,,,31/12/1999,,,,,,,,\r\n", encoding="utf-8")

    with pytest.raises(CommandError, match="people"):
        call_command("import_all", str(tmp_path))

    assert not Title.objects.filter(slug="new-film").exists()


def test_export_command_filters_by_title(tmp_path, demo):
    path = tmp_path / "credits.csv"

    call_command("export_csv", "credits", "-o", str(path), "--title", "l-opera")

    titles = {row["title"] for row in csv.DictReader(path.open(encoding="utf-8"))}
    assert titles == {"l-opera", "l-opera-season-1", "l-opera-season-2"}
    with pytest.raises(CommandError, match="does not apply"):
        call_command("export_csv", "people", "--title", "l-opera")


@pytest.mark.parametrize(
    ("resource", "option", "value", "column"),
    [
        ("screenings", "--festival", "colcoa-2021", "festival"),
        ("screenings", "--venue", "melville-theatre", "venue"),
        ("offers", "--platform", "ocs", "platform"),
        ("plans", "--platform", "pop-paris-opera-play", "platform"),
        ("festivals", "--festival", "colcoa-2021", "slug"),
    ],
)
def test_export_command_filters(tmp_path, demo, resource, option, value, column):
    path = tmp_path / "out.csv"

    call_command("export_csv", resource, "-o", str(path), option, value)

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows
    assert {row[column].lower() for row in rows} == {value}
    call_command("export_csv", resource, "-o", str(path), option, "no-such-slug")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_and_silence_elsewhere():
    from catalog.csvcommands import Progress

    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(stream, total=2000)
        progress(1000)
        progress(2000)
        progress.close()

    assert "50%" in terminal.getvalue()
    assert "2,000/2,000 rows" in terminal.getvalue()
    assert "rows/s" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_import_command_reads_a_file_and_says_how_fast(tmp_path, capsys):
    path = tmp_path / "titles.csv"
    path.write_text(HEADER + "\nfilm-a,film,,,A,,,,,,,,,,,,\n", encoding="utf-8")

    call_command("import_csv", "titles", str(path))

    out = capsys.readouterr().out
    assert "titles: 1 rows — 1 new" in out
    assert "rows/s" in out
    assert Title.objects.filter(slug="film-a").exists()


def test_an_import_moves_the_version_so_that_an_open_admin_form_sees_the_change():
    TitleFactory(slug="film-a", original_title="A", year=2000)
    opened = Title.objects.get(slug="film-a").version

    assert run_import("titles", (HEADER + "\nfilm-a,film,,,A,,,,2001,,,,,,,,\n").encode()).ok
    after_field = Title.objects.get(slug="film-a").version
    assert run_import("titles", (HEADER + "\nfilm-a,film,,,A,,The A,,2001,,,,,,,,\n").encode()).ok
    after_name = Title.objects.get(slug="film-a").version
    assert run_import("titles", (HEADER + "\nfilm-a,film,,,A,,The A,,2001,,,,,,,,\n").encode()).ok

    assert opened < after_field < after_name == Title.objects.get(slug="film-a").version
