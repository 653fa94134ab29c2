"""What the four CSV commands share: progress on a terminal, export filters, file order."""

import sys
import time
from pathlib import Path

from django.core.management.base import CommandError, OutputWrapper
from django.db.models import Q

from .csvio import export_pieces, get_resource, run_import

#: Export filters of the command line: option → help. Each resource says which it accepts
#: (``AfficheResource.export_filters``); the others refuse the option.
EXPORT_FILTERS = {
    "title": "only this title (slug) and what is under it",
    "festival": "only this festival edition (slug)",
    "platform": "only this platform (slug)",
    "venue": "only this venue (slug) and its rooms",
}


class Progress:
    """A progress bar with rows per second on a terminal; silent when not a terminal.
    ``stream``: a command's ``stderr`` or any text stream (standard error by default)."""

    def __init__(self, stream=None, total: int | None = None, label="rows"):
        stream = stream or sys.stderr
        self.stream = stream if isinstance(stream, OutputWrapper) else OutputWrapper(stream)
        self.enabled = self.stream.isatty()
        self.total, self.label = total, label
        self.started = time.monotonic()
        self.done = 0

    def __call__(self, done: int):
        self.done = done
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = f"{done / elapsed:,.0f} {self.label}/s"
        if self.total:
            share = min(done / self.total, 1)
            bar = "█" * int(share * 30) + "·" * (30 - int(share * 30))
            self._write(f"\r{bar} {share:4.0%}  {done:,}/{self.total:,} {self.label}  {rate}   ")
        else:
            self._write(f"\r{done:,} {self.label}  {rate}   ")

    def close(self):
        if self.enabled:
            self._write("\n")

    def _write(self, text: str):
        # No line ending added (the bar redraws its line) and no colour (a command's stderr
        # is red on a terminal, and the bar is not an error).
        self.stream.write(text, style_func=str, ending="")
        self.stream.flush()

    @property
    def rate(self) -> str:
        elapsed = time.monotonic() - self.started
        return f"{elapsed:.1f} s, {self.done / elapsed:,.0f} {self.label}/s" if elapsed > 0 and self.done else ""


def count_lines(path) -> int:
    """Lines of a file (less the header), read in blocks: the bar's total, close enough when
    cells hold line breaks."""
    lines = 0
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines - 1, 0)


def import_file(
    command, name, path, *, dry_run=False, encoding=None, delimiter=None, undone=False, user=None, file_name=""
) -> bool:
    """Import one file for a command: problems to stderr, summary to stdout; True if it went in.
    ``undone``: the caller rolls the import back (import_all --dry-run), the summary says so.
    ``user``: the import is on record in the History as theirs (``catalog.audit``)."""
    progress = Progress(command.stderr, count_lines(path) if command.stderr.isatty() else None)
    with open(path, "rb") as stream:
        report = run_import(
            name,
            stream,
            dry_run=dry_run,
            encoding=encoding,
            delimiter=delimiter,
            user=user,
            file_name=file_name or Path(path).name,
            progress=progress,
        )
    progress.close()
    report.dry_run = report.dry_run or undone
    for problem in report.problems:
        command.stderr.write(str(problem))
    for warning in report.warnings:
        command.stderr.write(f"warning: {warning}")
    for created in report.created_related:
        command.stdout.write(f"new {created}")
    command.stdout.write(f"{report.summary()} {progress.rate}".rstrip())
    return report.ok


def export_queryset(name, **filters):
    resource = get_resource(name)()
    queryset = resource.get_export_queryset()
    for option, value in filters.items():
        if not value:
            continue
        lookups = resource.export_filters.get(option)
        if not lookups:
            raise CommandError(f"--{option} does not apply to {name}.")
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: value})
        # Through a subquery: a lookup across a many-to-many link must not repeat rows.
        queryset = queryset.filter(pk__in=resource._meta.model._default_manager.filter(condition).values("pk"))
    return resource, queryset


def export_file(command, name, stream, delimiter=",", **filters):
    resource, queryset = export_queryset(name, **filters)
    progress = Progress(command.stderr, queryset.count() if command.stderr.isatty() else None)
    # A piece at a time (``export_pieces``: COPY on PostgreSQL when the database can render
    # every column): memory does not grow with the rows.
    lines = 0
    for piece in export_pieces(resource, queryset, delimiter):
        stream.write(piece)
        lines += piece.count("\r\n")
        progress(max(lines - 1, 0))
    progress.close()
