"""Role × write path, derived from the registries (not listed): every changelist action of
every registered ModelAdmin, every custom admin URL (each ModelAdmin's ``get_urls`` beyond the
standard ones: CSV import/export, paste credits, duplicates, merge, batch release…) and every
tool link (``catalog.extensions.title_admin_parts``). For each staff role, a path is either
offered and usable, or neither offered nor usable; a Viewer reads and exports but writes
nothing; a Programmer adds titles, people, organisations and credits but changes and deletes
none of them. A new action, URL or tool is covered without editing this file."""

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve, reverse

from catalog import extensions
from catalog.roles import EDITOR, PROGRAMMER, VIEWER, model_actions
from tests.test_admin_registry import registered_admins

ROLES = (EDITOR, PROGRAMMER, VIEWER)
STANDARD_VIEWS = ("changelist", "add", "history", "delete", "change")
ADMINS = registered_admins()


@pytest.fixture(scope="module")
def demo_once_per_module():
    return True


@pytest.fixture
def users(demo):
    made = {}
    for role in ROLES:
        user = get_user_model().objects.create_user(f"{role.lower()}-matrix", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        made[role] = get_user_model().objects.get(pk=user.pk)  # fresh permission cache
    return made


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def info(model_admin):
    return model_admin.model._meta.app_label, model_admin.model._meta.model_name


def first_record(model_admin):
    return model_admin.model._base_manager.order_by("pk").first()


def offered_actions(client, model_admin) -> set[str]:
    response = client.get(reverse("admin:{}_{}_changelist".format(*info(model_admin))))
    if response.status_code != 200 or response.context.get("action_form") is None:
        return set()
    return {name for name, _label in response.context["action_form"].fields["action"].choices if name}


def runs(client, model_admin, name, obj) -> bool:
    """Whether posting action ``name`` on ``obj`` runs it (its own page, or a redirect after
    its work), or is refused (403, the change list again, "No action selected."); whatever it
    wrote is rolled back."""
    changelist = reverse("admin:{}_{}_changelist".format(*info(model_admin)))
    point = transaction.savepoint_create()
    try:
        response = client.post(changelist, {"action": name, "_selected_action": [obj.pk], "index": 0})
        said = [str(m) for m in get_messages(response.wsgi_request)]
    finally:
        transaction.savepoint_rollback(point)
    if response.status_code == 302:
        return not any("No action selected" in m for m in said)
    return response.status_code == 200 and "cl" not in response.context


def action_part(name):
    """The TitleAdminPart that adds action ``name`` to the title admin, if any."""
    return next((p for p in extensions.title_admin_parts if any(a.__name__ == name for a in p.actions)), None)


def may_run(user, role, model_admin, name) -> bool:
    """The rule: the role holds one of the action's declared permissions on the model (an
    action that a title-admin part adds: the part's permission)."""
    part = action_part(name) if model_admin.model._meta.label == "catalog.Title" else None
    if part is not None:
        return part.allows(request_for(user))
    superuser = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    action = model_admin.get_actions(request_for(superuser))[name]  # also those a mixin adds
    held = model_actions(role, model_admin.model)
    return any(permission in held for permission in action.func.allowed_permissions)


def test_every_action_declares_who_may_run_it():
    undeclared = []
    superuser = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    for model_admin in ADMINS:
        for name in model_admin.get_actions(request_for(superuser)):
            func = model_admin.get_actions(request_for(superuser))[name].func
            part = action_part(name)
            declared = getattr(getattr(func, "__wrapped__", func), "allowed_permissions", None)
            if not declared and (part is None or part.permission is None):
                undeclared.append(f"{model_admin.model._meta.label}.{name}")

    assert undeclared == []


def test_every_action_is_offered_exactly_to_who_may_run_it(users):
    superuser = get_user_model().objects.create_superuser("matrix-super", password="x")
    checked, wrong = 0, []
    for model_admin in ADMINS:
        obj = first_record(model_admin)
        names = set(model_admin.get_actions(request_for(superuser)))
        if obj is None or not names:
            continue
        for role, user in users.items():
            client = client_for(user)
            offered = offered_actions(client, model_admin)
            for name in sorted(names):
                ran = runs(client, model_admin, name, obj)
                may = may_run(user, role, model_admin, name)
                checked += 1
                if not (name in offered) == ran == may or (role == VIEWER and may):
                    wrong.append((role, model_admin.model._meta.label, name, name in offered, ran, may))

    assert checked > 30
    assert wrong == [], "(role, model, action, offered, runs, may)"


# Custom admin URLs and tool links ----------------------------------------------------------


def _arguments(model_admin):
    """Demo values for the URL arguments of the project's tools, by argument name."""
    from catalog.models import ImportRun, Title

    pks = list(model_admin.model._base_manager.order_by("pk").values_list("pk", flat=True)[:2])
    credited = Title.objects.filter(credits__isnull=False).order_by("pk").values_list("pk", flat=True).first()
    # A pending import's page answers only its uploader (catalog/tests/test_csv_imports.py); an
    # unknown token: to no one.
    unknown = uuid.UUID(int=0)
    run = ImportRun.objects.order_by("pk").values_list("pk", flat=True).first() or 0  # 0: none yet, 404
    return {
        "keep": pks[0] if pks else None,
        "other": pks[-1] if pks else None,
        "title_id": credited,
        "token": unknown,
        "run": run,
        "object_id": pks[0] if pks else None,  # a record's own tool (the edition's programme grid)
    }


def custom_urls() -> list[tuple]:
    """(ModelAdmin, URL name, address) for every URL a ModelAdmin adds to the standard ones."""
    found = []
    for model_admin in ADMINS:
        prefix = "{}_{}_".format(*info(model_admin))
        for pattern in model_admin.get_urls():
            name = pattern.name
            if not name or name in {prefix + view for view in STANDARD_VIEWS}:
                continue
            arguments = _arguments(model_admin)
            kwargs = {key: arguments.get(key) for key in pattern.pattern.converters}
            missing = [key for key, value in kwargs.items() if value is None]
            assert not missing, f"give a demo value for {missing} of admin:{name} in _arguments()"
            found.append((model_admin, name, reverse(f"admin:{name}", kwargs=kwargs)))
    return found


def links(client, addresses) -> set[str]:
    """The admin URL names that the pages at ``addresses`` link to (those that open)."""
    import re

    names = set()
    for address in addresses:
        response = client.get(address)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', response.content.decode()):
            try:
                match = resolve(urlsplit(href).path)
            except Resolver404:
                continue
            if match.namespace == "admin" and match.url_name:
                names.add(match.url_name)
    return names


@pytest.fixture
def twins(demo):
    """A likely duplicate of the first record of every admin with a duplicates page, so that
    the merge links show."""
    for model_admin, name, _address in custom_urls():
        if name.endswith("_duplicates"):
            record = first_record(model_admin)
            model_admin.model._base_manager.create(name=record.name, slug=f"{record.slug}-twin")


def test_every_custom_admin_url_and_tool_is_shown_exactly_to_who_may_use_it(users, twins):
    urls = custom_urls()
    pages = []
    for model_admin in ADMINS:
        pages.append(reverse("admin:{}_{}_changelist".format(*info(model_admin))))
        if (obj := first_record(model_admin)) is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info(model_admin)), args=[obj.pk]))
    title_pages = [reverse("admin:catalog_title_change", args=[_arguments(ADMINS[0])["title_id"]])]
    table, wrong = {}, []
    for role, user in users.items():
        client = client_for(user)
        usable = {name: client.get(address).status_code == 200 for _admin, name, address in urls}
        seen = links(client, pages + title_pages + [a for _m, n, a in urls if usable[n]])
        for _admin, name, _address in urls:
            table[(name, role)] = (name in seen, usable[name])
            if (name in seen) != usable[name]:
                wrong.append(
                    (role, name, "shown" if name in seen else "hidden", "usable" if usable[name] else "refused")
                )
        for part in extensions.title_admin_parts:
            if part.link is not None:
                shown = any(
                    part.link_label and str(part.link_label) in client.get(p).content.decode() for p in title_pages
                )
                if shown != part.allows(request_for(user)):
                    wrong.append((role, part.name, shown, part.allows(request_for(user))))

    assert len(urls) >= 10
    assert wrong == []


def test_a_viewer_may_read_and_export_and_opens_no_page_that_writes(users, twins):
    client = client_for(users[VIEWER])
    opened, writable = [], []
    for _admin, name, address in custom_urls():
        response = client.get(address)
        if response.status_code == 200:
            opened.append(name)
            page = "" if response.streaming else response.content.decode()
            # A page a viewer may read (an export, a report, the programme grid read-only) offers
            # no way to write: no form that posts (but the header's log-out), no move or create
            # control.
            forms = [f for f in re.findall(r"<form[^>]*>", page) if 'method="post"' in f and "logout" not in f]
            if forms or "data-may-move" in page or "data-may-add" in page:
                writable.append(name)

    assert opened
    assert writable == []
    assert all(
        name.endswith(("_export_csv", "_format_csv", "_import_report", "_edition_schedule")) for name in opened
    ), opened


def test_a_programmer_adds_a_film_with_its_people_and_credits_but_changes_and_deletes_nothing(users):
    from catalog.models import Title
    from people.models import Credit, Organization, Person

    user = users[PROGRAMMER]
    request = request_for(user)
    for model in (Title, Person, Organization, Credit):
        model_admin = admin.site.get_model_admin(model)
        assert model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert model_admin.has_view_permission(request), model
