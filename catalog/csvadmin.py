"""Import and Export buttons for every resource's admin, running catalog.csvio like the commands.

Import needs the model's add and change permissions; export needs view permission plus the
model's explicit ``export_<model>`` permission. A direct POST is checked exactly as the
buttons are. Import is two steps: a dry run shows what would change (counts and the first
problems), then Confirm writes it, all or nothing.
"""

import csv
import io
import uuid

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .csvio import get_resource, run_import

MAX_UPLOAD = 50 * 1024 * 1024
PENDING_DIR = "csv-imports"


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


class _Streamer:
    """A file-like sink whose writes are handed out line by line."""

    def __init__(self):
        self.buffer = io.StringIO()

    def write(self, text):
        self.buffer.write(text)

    def drain(self):
        value = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return value


def stream_csv(rows):
    """CSV text chunks, one per row: memory stays flat however many rows."""
    sink = _Streamer()
    writer = csv.writer(sink, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
        yield sink.drain()


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
        urls = [
            path("import-csv/", self.admin_site.admin_view(self.import_csv_view), name=self._url_name("import")),
            path("export-csv/", self.admin_site.admin_view(self.export_csv_view), name=self._url_name("export")),
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
        }
        return super().changelist_view(request, extra_context)

    def import_csv_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Import %(name)s from CSV") % {"name": opts.verbose_name_plural},
        }
        if request.method == "POST" and "confirm" in request.POST:
            token = request.POST.get("token", "")
            name = f"{PENDING_DIR}/{uuid.UUID(token).hex}.csv" if _is_uuid(token) else ""
            if not name or not default_storage.exists(name):
                messages.error(request, _("This import has expired; upload the file again."))
                return HttpResponseRedirect(request.path)
            with default_storage.open(name, "rb") as pending:
                data = pending.read()
            report = run_import(
                self.csv_resource,
                data,
                dry_run=False,
                user=request.user,
                encoding=request.POST.get("encoding") or None,
                delimiter=request.POST.get("delimiter") or None,
            )
            default_storage.delete(name)
            if report.ok:
                messages.success(request, report.summary())
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
            context.update(report=report, form=CsvUploadForm())
            return TemplateResponse(request, "admin/csv_import.html", context)
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data["file"].read()
            encoding, delimiter = form.cleaned_data["encoding"] or None, form.cleaned_data["delimiter"] or None
            report = run_import(
                self.csv_resource, data, dry_run=True, encoding=encoding, delimiter=delimiter, user=request.user
            )
            context.update(report=report, encoding=encoding or "", delimiter=delimiter or "")
            if report.ok:
                token = uuid.uuid4()
                default_storage.save(f"{PENDING_DIR}/{token.hex}.csv", ContentFile(data))
                context["token"] = str(token)
        context["form"] = form
        return TemplateResponse(request, "admin/csv_import.html", context)

    def export_csv_view(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
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
            stream_csv(resource.export_rows(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_resource}.csv"'
        return response


def _is_uuid(value):
    try:
        uuid.UUID(value)
    except (ValueError, TypeError):
        return False
    return True
