"""A Viewer in Chromium: on every change list it can open (read from the admin registry, so a
new admin is covered), no writing action, no Add button and no tool that leads to a page that
writes; a write sent anyway is refused and leaves nothing behind."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import expect

from catalog.roles import VIEWER, setup_roles
from screenings.models import Screening
from tests.test_admin_registry import registered_admins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADMINS = registered_admins()
WRITES = {"add", "change", "delete"}
#: Forms on every admin page that write nothing of the catalogue; the change list's own form
#: holds the actions and editable cells, checked for themselves.
HARMLESS_FORMS = "#logout-form, #changelist-form"


@pytest.fixture
def viewer(demo):
    setup_roles()
    user = get_user_model().objects.create_user("vera", password="a-long-test-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWER))
    return get_user_model().objects.get(pk=user.pk)


def request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def writing_actions(model_admin) -> set[str]:
    """The admin's actions that need a permission to write (as declared, whoever runs them)."""
    superuser = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return {
        name
        for name, action in model_admin.get_actions(request_as(superuser)).items()
        if set(action.func.allowed_permissions) & WRITES
    }


def writing_forms(page):
    """The forms of the page that would post something (the log-out form aside)."""
    return page.locator(f"form[method=post i]:not({HARMLESS_FORMS})")


def test_a_viewer_sees_no_writing_action_or_tool_and_a_write_is_refused(page, viewer):
    page.goto("/admin/login/")
    page.fill("#id_username", "vera")
    page.fill("#id_password", "a-long-test-password-1")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    opened, wrong = [], []

    for model_admin in ADMINS:
        if not model_admin.has_view_permission(request_as(viewer)):
            continue
        opts = model_admin.model._meta
        page.goto(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        expect(page.locator("#changelist")).to_be_visible()
        opened.append(opts.label)
        offered = set(page.locator("select[name=action] option").evaluate_all("os => os.map(o => o.value)"))
        wrong += [(opts.label, "action", name) for name in offered & writing_actions(model_admin)]
        editable = page.locator("#changelist-form input[name=form-TOTAL_FORMS]").count()
        if page.locator(".object-tools .addlink").count() or writing_forms(page).count() or editable:
            wrong.append((opts.label, "add, form or editable cells", page.url))
        for href in page.locator(".object-tools a").evaluate_all("links => links.map(a => a.href)"):
            try:
                resolve(href.removeprefix(page.url.split("/admin/")[0]).split("?")[0])
            except Resolver404:
                continue
            answer = page.request.get(href)
            if answer.status != 200:
                wrong.append((opts.label, "shown but refused", href, answer.status))
            elif "html" in answer.headers.get("content-type", ""):
                tool = page.context.new_page()
                tool.goto(href)
                if writing_forms(tool).count():
                    wrong.append((opts.label, "tool that writes", href))
                tool.close()

    assert {"catalog.Title", "people.Person", "screenings.Screening", "streaming.Offer"} <= set(opened)
    assert wrong == []

    # A write sent anyway (the action the Viewer was once offered) is refused, and recorded nowhere.
    screening = Screening.objects.order_by("pk").first()
    token = page.locator("#logout-form input[name=csrfmiddlewaretoken]").input_value()
    entries = LogEntry.objects.count()
    page.request.post(
        reverse("admin:screenings_screening_changelist"),
        form={"csrfmiddlewaretoken": token, "action": "cancel_action", "_selected_action": str(screening.pk)},
    )
    change = page.request.post(
        reverse("admin:screenings_screening_change", args=[screening.pk]),
        form={"csrfmiddlewaretoken": token, "label_en": "Written by a viewer", "_save": "Save"},
    )

    assert change.status == 403
    assert Screening.objects.get(pk=screening.pk).status == screening.status
    assert Screening.objects.get(pk=screening.pk).label_en == screening.label_en
    assert LogEntry.objects.count() == entries
