"""Background work of the admin's CSV import (Django's tasks framework, docs/csv.md).

A pending import (``catalog.models.PendingImport``) goes through two steps, each one function
that the admin calls in the request for a small file and the task worker runs for a large one
(``manage.py db_worker``; ``make run`` starts it):

- ``check_import``: the dry run, whose report (counts, problems, the preview of changes) is
  stored with the pending import;
- ``confirm_import``: the import itself, under a lock on the pending import's row, so that a
  second Confirm, from any request or worker, finds it already imported.

Progress (rows read) goes to the ``progress`` cache: the import's transaction is open while it
runs, so a row written to the database would not be seen until the end.
"""

from django.core.cache import caches
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from .csvio import ImportReport, PreparedImport, Problem, prepare_import, run_import
from .enums import ImportState
from .models import PendingImport


def progress_key(pending_id) -> str:
    return f"csv-import:{pending_id}"


def read_progress(pending_id) -> int:
    return caches["progress"].get(progress_key(pending_id), 0)


def _progress(pending: PendingImport):
    cache = caches["progress"]
    key = progress_key(pending.pk)
    cache.set(key, 0, timeout=24 * 3600)

    def report(rows: int):
        cache.set(key, rows, timeout=24 * 3600)

    return report


def _run(pending: PendingImport, *, dry_run: bool) -> ImportReport:
    return run_import(
        pending.resource,
        bytes(pending.data),
        dry_run=dry_run,
        encoding=pending.encoding,
        delimiter=pending.delimiter,
        user=pending.user,
        file_name=pending.file_name,
        progress=_progress(pending),
    )


def check(pending: PendingImport) -> ImportReport:
    """The dry run of a pending import; its report is stored with it (READY or REFUSED)."""
    try:
        report = _run(pending, dry_run=True)
    except Exception:
        _failed(pending.pk, dry_run=True)
        raise
    pending.report = report.to_dict()
    pending.state = ImportState.READY if report.ok else ImportState.REFUSED
    if not report.ok:
        pending.data = b""
    pending.finished = timezone.now()
    pending.save(update_fields=["report", "state", "data", "finished"])
    return report


def prepare(pending: PendingImport):
    """SQLite: validate a pending import for writing before the caller opens its write
    transaction (``catalog.csvio.prepare_import``): other writers do not wait meanwhile."""
    return prepare_import(
        pending.resource,
        bytes(pending.data),
        encoding=pending.encoding,
        delimiter=pending.delimiter,
        user=pending.user,
        file_name=pending.file_name,
        progress=_progress(pending),
    )


def import_locked(pending: PendingImport, prepared=None) -> ImportReport:
    """Import a pending import whose row the caller has locked (``select_for_update`` in the
    caller's transaction): the state it leaves commits with the imported rows. ``prepared``
    (from ``prepare``, before the transaction) is written as it was validated, unless other
    writers changed its tables since: then it is validated again here."""
    report = prepared.write() if isinstance(prepared, PreparedImport) else None
    if report is None:
        report = _run(pending, dry_run=False)
    pending.report = report.to_dict()
    pending.state = ImportState.IMPORTED if report.ok else ImportState.REFUSED
    pending.data = b""
    pending.finished = timezone.now()
    pending.save(update_fields=["report", "state", "data", "finished"])
    return report


def _failed(pending_id, *, dry_run: bool):
    """An unexpected error in the worker: the page says so instead of waiting for ever."""
    resource = PendingImport.objects.filter(pk=pending_id).values_list("resource", flat=True).first() or ""
    report = ImportReport(resource=resource, dry_run=dry_run)
    report.problems.append(Problem(None, "", "", _("The import stopped on an unexpected error; nothing was written.")))
    PendingImport.objects.filter(pk=pending_id).update(
        report=report.to_dict(), state=ImportState.REFUSED, data=b"", finished=timezone.now()
    )


@task()
def check_import(pending_id: str) -> bool:
    """The dry run of a large file, in the worker. True when the file can be imported."""
    pending = PendingImport.objects.filter(pk=pending_id, state=ImportState.CHECKING).first()
    if pending is None:
        return False
    return check(pending).ok


@task()
def confirm_import(pending_id: str) -> bool:
    """The import of a large file that its user confirmed (state IMPORTING), in the worker."""
    try:
        waiting = PendingImport.objects.filter(pk=pending_id, state=ImportState.IMPORTING).first()
        prepared = prepare(waiting) if waiting is not None else None
        with transaction.atomic():
            pending = (
                PendingImport.objects.select_for_update().filter(pk=pending_id, state=ImportState.IMPORTING).first()
            )
            if pending is None:
                return False
            return import_locked(pending, prepared).ok
    except Exception:
        _failed(pending_id, dry_run=False)
        raise
