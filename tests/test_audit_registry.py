"""Every write path of the admin is on record, derived from the registry (not listed): every
action of every registered ModelAdmin, and every custom admin page that writes with a POST
(each ModelAdmin's ``get_urls`` beyond the standard views: paste credits, batch release, CSV
import, merge…), is driven as a person would (its forms submitted with their default button,
step after step), and then each record of a registered model that it created or changed has a
History entry from that request, whose labels are words (verbose names), never internal
names such as ``loaded_digest``, ``version`` or ``name_key``. A new action or page is covered
without editing this file; one whose form needs a value the page does not give gets it in
``DEMO_INPUTS`` (by input name) or fails here, saying so."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from catalog import audit
from catalog.admin_base import VERSION_FIELDS
from catalog.testing import browser_form_data, export
from tests.test_admin_registry import registered_admins
from tests.test_roles_matrix import custom_urls

ADMINS = registered_admins()
MODELS = [model_admin.model for model_admin in ADMINS]
DATE_OFFSETS = (1, 2, 3, 7, -1)
TIMES = ("21:30", "09:00", "23:15")


@pytest.fixture(scope="module")
def demo_once_per_module():
    return True


@pytest.fixture(scope="module")
def demo_with_every_model():
    """Every action and page of every admin runs on a record: closures too (no document names one)."""
    return True


@pytest.fixture
def superuser(demo):
    return get_user_model().objects.create_superuser("audit-registry", password="x")


@pytest.fixture
def client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


# What the database holds, and what changed -------------------------------------------------------


def snapshot() -> dict:
    """{model: {pk: values of its audited concrete fields}} for every registered model."""
    found = {}
    for model in MODELS:
        names = [f.attname for f in audit.audited_fields(model) if not f.many_to_many]
        found[model] = {row[0]: row[1:] for row in model._base_manager.values_list("pk", *names)}
    return found


def written(before: dict, after: dict) -> set[tuple]:
    """(model, pk) of every record created or changed between two snapshots."""
    return {
        (model, pk)
        for model, rows in after.items()
        for pk, values in rows.items()
        if pk not in before[model] or before[model][pk] != values
    }


def removed(before: dict, after: dict) -> set[tuple]:
    return {(model, pk) for model, rows in before.items() for pk in rows if pk not in after[model]}


def internal_labels(model) -> set[str]:
    """Names a History entry of ``model`` must never show: fields nobody edits, by name or
    label, and the admin form's hidden version fields."""
    audited = set(audit.audited_fields(model))
    hidden = [f for f in model._meta.concrete_fields if f not in audited]
    return {*VERSION_FIELDS, *(f.name for f in hidden), *(str(capfirst(f.verbose_name)) for f in hidden)}


def problems_of(before: dict, after: dict, since: int) -> list[str]:
    """Records written without an entry, and entries that show an internal name."""
    entries = list(LogEntry.objects.filter(pk__gt=since).select_related("content_type"))
    logged = {(e.content_type_id, e.object_id) for e in entries}
    found = []
    for model, pk in sorted(written(before, after), key=str):
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        if (content_type.pk, str(pk)) not in logged:
            found.append(f"no History entry on {model._meta.label} {pk}")
    for entry in entries:
        details = audit.details(entry)
        model = entry.content_type.model_class() if entry.content_type else None
        if details is None or model is None:
            continue
        labels = [row[0] for row in details.values] + [row[0] for *_, rows in details.related for row in rows]
        for name in VERSION_FIELDS:
            if name in entry.change_message:
                found.append(f"{model._meta.label} entry names {name}")
        wrong = [label for label in labels if label in internal_labels(model) or "_" in label]
        if wrong:
            found.append(f"{model._meta.label} entry shows internal names {wrong}")
    return found


# Driving a page as a person would ---------------------------------------------------------------


class _Inputs(HTMLParser):
    """The type of each named input of the page, and its submit buttons (name, value, default)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.types: dict[str, str] = {}
        self.submits: list[tuple[str, str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind = (attrs.get("type") or ("text" if tag == "input" else "")).lower()
        if tag in ("input", "button") and kind == "submit":
            self.submits.append(
                (attrs.get("name") or "", attrs.get("value") or "", "default" in (attrs.get("class") or ""))
            )
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            self.types[attrs["name"]] = kind if tag == "input" else tag


def content_form(html: str) -> str | None:
    """The first POST form of the page's content (the header's log-out form aside)."""
    start = html.find('id="content"')
    match = re.search(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", html[start:], re.S | re.I)
    return match.group(0) if match else None


def _dates_of(obj) -> list[datetime.date]:
    """The days of the record's own dates and times (a screening's start first), to try near."""
    found = []
    for f in sorted(obj._meta.concrete_fields, key=lambda f: not f.editable):
        value = getattr(obj, f.attname, None)
        if isinstance(value, datetime.datetime):
            found.append(timezone.localtime(value).date() if timezone.is_aware(value) else value.date())
        elif isinstance(value, datetime.date):
            found.append(value)
    return list(dict.fromkeys(found)) or [timezone.now().date()]


def _buttons(html: str | None) -> tuple:
    """The named submit buttons of a form: what tells one step of a page from the next."""
    inputs = _Inputs()
    inputs.feed(html or "")
    return tuple(sorted(name for name, _value, _default in inputs.submits))


def attempts(form_html: str, obj, model_admin):
    """What to post from ``form_html``: the browser's data, the default button, and values for
    what the page leaves empty (``DEMO_INPUTS`` by name; dates near the record's own, times):
    one attempt per date and time until one is accepted."""
    data = browser_form_data(form_html)
    inputs = _Inputs()
    inputs.feed(form_html)
    named = [s for s in inputs.submits if s[0]]
    default = next((s for s in inputs.submits if s[2]), None) or (named[0] if named else None)
    if default and default[0]:
        data[default[0]] = [default[1]]
    for name in inputs.types:
        if any(v not in ("", None) for v in data.get(name, [])):
            continue
        if name in DEMO_INPUTS:
            data[name] = DEMO_INPUTS[name](obj, model_admin)
    dates = [n for n, kind in inputs.types.items() if kind == "date" and not any(data.get(n, [""]))]
    times = [n for n, kind in inputs.types.items() if kind == "time" and not any(data.get(n, [""]))]
    if not dates and not times:
        yield data
        return
    for near in _dates_of(obj):
        for offset in DATE_OFFSETS:
            for at in TIMES if times else TIMES[:1]:
                day = near + datetime.timedelta(days=offset)
                yield {**data, **{n: [day.isoformat()] for n in dates}, **{n: [at] for n in times}}


def drive(client, address, response, obj, model_admin, steps=3):
    """Submit the page's form (and the next page's) until the view redirects or stops asking."""
    for _step in range(steps):
        html = response.content.decode() if response.status_code == 200 and not response.streaming else ""
        form_html = content_form(html)
        if form_html is None or ("cl" in (response.context or {}) and "action_form" not in form_html):
            return response
        action = re.search(r'action="([^"]*)"', form_html.split(">", 1)[0])
        target = action.group(1) if action and action.group(1) else address
        for data in attempts(form_html, obj, model_admin):
            response = client.post(target, data)
            if response.status_code != 200 or _buttons(content_form(response.content.decode())) != _buttons(form_html):
                break
        else:
            return response  # no attempt accepted: the caller's assertions say so
        if response.status_code != 200:
            return response
    return response


# Demo values for inputs a page leaves empty, by input name ------------------------------------------


def _season_with_episodes(obj, model_admin):
    from catalog.enums import TitleKind
    from catalog.models import Title

    season = Title.objects.filter(kind=TitleKind.SEASON, children__number=1).order_by("pk").first()
    return [str(season.pk)]


def _first(model_path):
    def value(obj, model_admin):
        from django.apps import apps

        return [str(apps.get_model(model_path)._base_manager.order_by("pk").values_list("pk", flat=True)[0])]

    return value


DEMO_INPUTS = {
    "text": lambda obj, admin: ["Réalisation : Agnès Varda\nAvec : Sandrine Bonnaire (Mona), Paul Audit (Le témoin)\n"],
    "title": _season_with_episodes,
    "platform": _first("streaming.Platform"),
    "batches": lambda obj, admin: ["1-2: 2031-03-01"],
    "file": lambda obj, admin: [SimpleUploadedFile("audit.csv", export(admin.csv_resource).encode())],
}


def _edit_text_cell(model_admin) -> bool:
    """Change a text the CSV export writes on the first record, so that importing the export
    back changes that record; False when the model has no such field."""
    from catalog.csvio import get_resource

    obj = model_admin.model._base_manager.order_by("pk").first()
    resource = get_resource(model_admin.csv_resource)()
    keys = set(resource.get_import_id_fields())
    attributes = {f.attribute for f in resource.get_import_fields() if f.attribute and f.column_name not in keys}
    for f in audit.audited_fields(model_admin.model):
        text = f.get_internal_type() in ("CharField", "TextField")
        if text and f.name in attributes and not f.unique and not f.choices and getattr(obj, f.attname):
            model_admin.model._base_manager.filter(pk=obj.pk).update(**{f.attname: getattr(obj, f.attname)[:-1]})
            return True
    return False


def _removable_record(model_admin) -> bool:
    """Delete a record that the CSV export then holds again (importing it back creates it), or
    change one (importing it back changes it)."""
    for obj in model_admin.model._base_manager.order_by("pk")[:10]:
        point = transaction.savepoint_create()
        try:
            model_admin.model._base_manager.filter(pk=obj.pk).delete()
        except (ProtectedError, RestrictedError):
            transaction.savepoint_rollback(point)
            continue
        transaction.savepoint_commit(point)
        return True
    return _edit_text_cell(model_admin)


# The registry ----------------------------------------------------------------------------------


def _actions():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return [(model_admin, name) for model_admin in ADMINS for name in model_admin.get_actions(request)]


ACTIONS = _actions()


@pytest.mark.parametrize(("model_admin", "name"), ACTIONS, ids=[f"{a.model._meta.label}.{n}" for a, n in ACTIONS])
def test_every_action_leaves_an_entry_with_labels_on_each_record_it_writes(client, model_admin, name):
    obj = model_admin.model._base_manager.order_by("pk").first()
    assert obj is not None, f"the demo has no {model_admin.model._meta.verbose_name} to run {name} on"
    opts = model_admin.model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    since = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = snapshot()

    response = client.post(changelist, {"action": name, "_selected_action": [obj.pk], "index": 0})
    asks = response.status_code == 200 and "cl" not in response.context and content_form(response.content.decode())
    response = drive(client, changelist, response, obj, model_admin)
    after = snapshot()

    assert response.status_code in (200, 302)
    assert problems_of(before, after, since) == []
    # An action with its own page (a date to choose, a confirmation) is driven to a write.
    assert not asks or written(before, after) or removed(before, after), f"{name} asked, and nothing was written"


def _page_names() -> list:
    """The name of every URL a ModelAdmin adds to the standard views (no database needed)."""
    names = []
    for model_admin in ADMINS:
        prefix = f"{model_admin.model._meta.app_label}_{model_admin.model._meta.model_name}_"
        standard = {prefix + view for view in ("changelist", "add", "history", "delete", "change")}
        names += [p.name for p in model_admin.get_urls() if p.name and p.name not in standard]
    return names


PAGES = _page_names()


@pytest.mark.parametrize("name", PAGES)
def test_every_custom_page_that_writes_leaves_an_entry_with_labels_on_each_record_it_writes(client, name):
    ((model_admin, address),) = [(m, a) for m, n, a in custom_urls() if n == name]
    obj = model_admin.model._base_manager.order_by("pk").first()
    if name.endswith("_import_csv"):
        assert _removable_record(model_admin), f"nothing of the demo to import back for {name}"
    since = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = snapshot()

    page = client.get(address)
    has_form = not page.streaming and page.status_code == 200 and content_form(page.content.decode()) is not None
    if has_form:
        drive(client, address, page, obj, model_admin)
    after = snapshot()

    assert problems_of(before, after, since) == []
    # A page with a form is driven to a write (else it needs DEMO_INPUTS); the others write nothing.
    wrote = bool(written(before, after) or removed(before, after))
    assert wrote == has_form, f"{name}: form {has_form}, wrote {wrote}"
