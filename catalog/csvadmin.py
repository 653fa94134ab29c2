"""Import and Export buttons for every resource's admin, running catalog.csvio like the commands.

Import needs the model's add and change permissions; export needs view permission plus the
model's explicit ``export_<model>`` permission. A direct POST is checked exactly as the
buttons are. Import is two steps: a check (dry run) shows what would change (counts, the first
rows created or changed with their old and new values, the problems), then Confirm writes it,
all or nothing. Between the two the file is a ``PendingImport`` row of its user and resource;
a large file is checked and imported by the task worker (``catalog.tasks``) with a progress
page. Export writes plain CSV or the form French Excel opens ("Excel (France)").
"""

import io
import itertools
import uuid
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .csvio import (
    ImportReport,
    StrictDecimalWidget,
    csv_pieces,
    export_pieces,
    get_resource,
    resolve_file_settings,
    write_csv,
)
from .enums import ImportState
from .models import PendingImport
from .tasks import check, check_import, confirm_import, import_locked, prepare, read_progress

MAX_UPLOAD = 50 * 1024 * 1024
FORMAT_DOC = Path(settings.BASE_DIR) / "docs" / "csv.md"


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding"),
        required=False,
        choices=[("", gettext_lazy("Detect")), ("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (Excel)")],
    )
    delimiter = forms.ChoiceField(
        label=gettext_lazy("Delimiter"),
        required=False,
        choices=[("", gettext_lazy("Detect")), (",", gettext_lazy("Comma")), (";", gettext_lazy("Semicolon"))],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def stream_csv(rows, delimiter=",", bom=False):
    """CSV text in pieces of ``PIECE_ROWS`` rows: memory stays flat however many rows."""
    if bom:
        yield "\ufeff"
    yield from csv_pieces(rows, delimiter)


@dataclass(frozen=True)
class ExportFormat:
    """A way of writing the export: ``csv`` is the format of the commands and of backups;
    ``excel-fr`` is what a French Excel opens as columns with its accents and decimals right
    (semicolons, UTF-8 with a BOM, decimal comma), and what the import reads back the same."""

    label: str
    delimiter: str = ","
    bom: bool = False
    decimal_comma: bool = False
    suffix: str = ""

    def rows(self, resource, rows):
        if not self.decimal_comma or not (decimals := _decimal_columns(resource)):
            return rows
        return _decimal_comma(rows, decimals)

    def stream(self, rows):
        return stream_csv(rows, self.delimiter, self.bom)

    def pieces(self, resource, queryset):
        """The file's text in pieces: written by the database when it can (``export_pieces``),
        unless decimals must change their point for a comma."""
        if self.decimal_comma and _decimal_columns(resource):
            return self.stream(self.rows(resource, resource.export_rows(queryset)))
        pieces = export_pieces(resource, queryset, self.delimiter)
        return itertools.chain(["\ufeff"], pieces) if self.bom else pieces


def _decimal_columns(resource) -> list[int]:
    return [n for n, f in enumerate(resource.get_export_fields()) if isinstance(f.widget, StrictDecimalWidget)]


def _decimal_comma(rows, columns):
    rows = iter(rows)
    yield next(rows)  # the header
    for row in rows:
        row = list(row)  # a tuple when the database rendered the cells
        for n in columns:
            row[n] = row[n].replace(".", ",") if isinstance(row[n], str) else row[n]
        yield row


EXPORT_FORMATS = {
    "csv": ExportFormat(gettext_lazy("CSV")),
    "excel-fr": ExportFormat(
        gettext_lazy("Excel (France)"), delimiter=";", bom=True, decimal_comma=True, suffix="-excel-fr"
    ),
}


class CsvAdminMixin:
    """Part of ``catalog.admin_base.AfficheModelAdmin``: an admin with ``csv_resource = "titles"``
    gets the buttons and their URLs; one without it, neither."""

    csv_resource: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.csv_resource and not self.change_list_template:
            self.change_list_template = "admin/csv_change_list.html"

    def _url_name(self, action):
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_{action}_csv"

    def get_urls(self):
        if not self.csv_resource:
            return super().get_urls()
        view = self.admin_site.admin_view
        urls = [
            path("import-csv/", view(self.import_csv_view), name=self._url_name("import")),
            path("import-csv/template/", view(self.csv_template_view), name=self._url_name("template")),
            path("import-csv/format/", view(self.csv_format_view), name=self._url_name("format")),
            path("import-csv/<uuid:token>/", view(self.pending_import_view), name=self._url_name("pending")),
            path("export-csv/", view(self.export_csv_view), name=self._url_name("export")),
        ]
        return urls + super().get_urls()

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        opts = self.model._meta
        return self.has_view_permission(request) and request.user.has_perm(f"{opts.app_label}.export_{opts.model_name}")

    def changelist_view(self, request, extra_context=None):
        if not self.csv_resource:
            return super().changelist_view(request, extra_context)
        extra_context = {
            **(extra_context or {}),
            "csv_import_url": reverse(f"admin:{self._url_name('import')}")
            if self.has_import_permission(request)
            else "",
            "csv_export_url": reverse(f"admin:{self._url_name('export')}")
            if self.has_export_permission(request)
            else "",
            "csv_export_formats": [(key, f.label) for key, f in EXPORT_FORMATS.items() if key != "csv"],
        }
        if extra_context["csv_import_url"] or extra_context["csv_export_url"]:
            extra_context["csv_format_url"] = reverse(f"admin:{self._url_name('format')}")
        return super().changelist_view(request, extra_context)

    def import_csv_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm_import(request, request.POST.get("token", ""))
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        context = self._import_context(request, form=form)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            encoding, delimiter = resolve_file_settings(
                data, form.cleaned_data["encoding"] or None, form.cleaned_data["delimiter"] or None
            )
            pending = PendingImport.objects.create(
                user=request.user,
                resource=self.csv_resource,
                file_name=(upload.name or "")[:255],
                data=data,
                size=len(data),
                encoding=encoding,
                delimiter=delimiter,
                lines=max(data.count(b"\n") - 1, 0),
                background=len(data) >= settings.CSV_BACKGROUND_BYTES,
            )
            if pending.background:
                transaction.on_commit(lambda: check_import.enqueue(str(pending.pk)))
                return HttpResponseRedirect(self._pending_url(pending))
            report = check(pending)
            context.update(report=report, encoding=encoding, delimiter=delimiter)
            if report.ok:
                context["token"] = str(pending.pk)
            else:
                pending.delete()
        return TemplateResponse(request, "admin/csv_import.html", context)

    def pending_import_view(self, request, token):
        """A pending import of this user and resource: its progress while the worker checks or
        imports it, then its preview (with Confirm) or its report."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        pending = self._own_pending(request, str(token)).first()
        if pending is None:
            raise Http404(_("No such import."))
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm_import(request, str(pending.pk))
        context = self._import_context(request, form=CsvUploadForm(), pending=pending)
        if pending.state in (ImportState.CHECKING, ImportState.IMPORTING):
            done = read_progress(pending.pk)
            context.update(refresh=True, rows_done=done, rows_total=pending.lines)
        elif pending.report:
            context["report"] = ImportReport.from_dict(pending.report)
            context.update(_run_links(context["report"]))
            context.update(encoding=pending.encoding, delimiter=pending.delimiter)
            if pending.state == ImportState.READY:
                context["token"] = str(pending.pk)
        return TemplateResponse(request, "admin/csv_import.html", context)

    def _confirm_import(self, request, token):
        """Import a checked file, with the encoding and delimiter fixed at its check: nothing
        but its token is read from the request, and the token opens only its owner's pending
        import of this resource. The row is locked, so that a second Confirm (a double click, a
        second tab, a replay) waits for the first and is then told it is done."""
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        # SQLite: a file ready to import is validated before the write transaction opens
        # (catalog.csvwrite), so that other writers do not wait while it is.
        waiting = self._own_pending(request, token).filter(state=ImportState.READY, background=False).first()
        prepared = prepare(waiting) if waiting is not None and not waiting.is_expired else None
        with transaction.atomic():
            pending = self._own_pending(request, token).select_for_update().first()
            if pending is None or (pending.state == ImportState.READY and pending.is_expired):
                if pending is not None:
                    pending.delete()
                messages.error(request, _("This import has expired; upload the file again."))
                return HttpResponseRedirect(request.path)
            if pending.state == ImportState.IMPORTED:
                messages.warning(request, _("This file has already been imported."))
                return HttpResponseRedirect(changelist)
            if pending.state == ImportState.IMPORTING:
                messages.warning(request, _("This file is already being imported."))
                return HttpResponseRedirect(self._pending_url(pending))
            if pending.state == ImportState.CHECKING:
                messages.warning(request, _("This file is still being checked."))
                return HttpResponseRedirect(self._pending_url(pending))
            if pending.state != ImportState.READY:
                messages.error(request, _("This file cannot be imported as it is; correct it and upload it again."))
                return HttpResponseRedirect(self._pending_url(pending))
            if pending.background:
                pending.state = ImportState.IMPORTING
                pending.save(update_fields=["state"])
                transaction.on_commit(lambda: confirm_import.enqueue(str(pending.pk)))
                return HttpResponseRedirect(self._pending_url(pending))
            report = import_locked(pending, prepared)
        if report.ok:
            messages.success(request, _import_done(report))
            return HttpResponseRedirect(changelist)
        context = self._import_context(request, form=CsvUploadForm(), report=report)
        return TemplateResponse(request, "admin/csv_import.html", context)

    def _own_pending(self, request, token):
        if not _is_uuid(token):
            return PendingImport.objects.none()
        return PendingImport.objects.filter(pk=token, user=request.user, resource=self.csv_resource)

    def _pending_url(self, pending):
        return reverse(f"admin:{self._url_name('pending')}", args=[pending.pk])

    def _import_context(self, request, **extra):
        opts = self.model._meta
        resource = get_resource(self.csv_resource)
        required = set(resource.required_columns)
        return {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Import %(name)s from CSV") % {"name": opts.verbose_name_plural},
            "columns": [(name, name in required) for name in resource.columns()],
            "template_url": reverse(f"admin:{self._url_name('template')}"),
            "format_url": reverse(f"admin:{self._url_name('format')}"),
            **extra,
        }

    def csv_template_view(self, request):
        """The resource's header row: a file to fill in, in the format the import reads."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        text = io.StringIO()
        write_csv([get_resource(self.csv_resource).columns()], text)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_resource}-template.csv"'
        return response

    def csv_format_view(self, request):
        """The CSV format (docs/csv.md), for whoever may import or export."""
        if not (self.has_import_permission(request) or self.has_export_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("CSV format"),
            "text": FORMAT_DOC.read_text(encoding="utf-8") if FORMAT_DOC.exists() else "",
        }
        return TemplateResponse(request, "admin/csv_format.html", context)

    def export_csv_view(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        export_format = EXPORT_FORMATS.get(request.GET.get("format") or "csv")
        if export_format is None:
            raise Http404(_("Unknown export format."))
        if "format" in request.GET:
            # Not a changelist filter: the rest of the query string is.
            request.GET = request.GET.copy()
            del request.GET["format"]
        resource = get_resource(self.csv_resource)()
        # The changelist's current search and filters apply to the export; its page does not
        # (an export is every matching row), so the paging parameters are left out.
        request.GET = request.GET.copy()
        for name in (PAGE_VAR, ALL_VAR, ERROR_FLAG):
            request.GET.pop(name, None)
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # A hand-edited address (``?pk__gt=abc``, an unknown field): the list, not a 500.
            messages.error(request, _("These filters are not valid; nothing was exported."))
            return HttpResponseRedirect(
                reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
            )
        chosen = changelist.get_queryset(request).values("pk")
        queryset = resource.get_export_queryset().filter(pk__in=chosen)
        response = StreamingHttpResponse(
            export_format.pieces(resource, queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_resource}{export_format.suffix}.csv"'
        return response


def _run_links(report: ImportReport) -> dict:
    """Links to an import's report of every change and to its History entry (``catalog.audit``)."""
    if not report.run:
        return {}
    return {
        "report_url": reverse("admin:catalog_importrun_report", args=[report.run]),
        "run_url": reverse("admin:catalog_importrun_change", args=[report.run]),
    }


def _import_done(report: ImportReport):
    """The message after an import: its summary, and the link to its report of every change."""
    links = _run_links(report)
    if not links:
        return report.summary()
    return format_html(
        '{} <a href="{}">{}</a>', report.summary(), links["report_url"], _("Download the report of every change (CSV).")
    )


def _is_uuid(value):
    try:
        uuid.UUID(value)
    except (ValueError, TypeError):
        return False
    return True
