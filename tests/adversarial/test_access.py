"""Who may open which admin page: every admin URL (changelist, add, change, delete, history,
CSV import and export, and the tools) against a visitor, each role and a superuser; forged
requests without a CSRF token; framing."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from catalog.roles import EDITOR, PROGRAMMER, VIEWER, model_actions

from .adminforms import form_data

USERS = ["anonymous", VIEWER, PROGRAMMER, EDITOR, "superuser"]


def allowed(user: str, model, action: str) -> bool:
    """What SPEC §5 grants, read from the roles table (superusers may do everything, except
    adding login records by hand: django-axes writes those itself; and what a model declares no
    permission for, such as adding or changing the record of a CSV import)."""
    if model._meta.app_label == "axes" and action == "add":
        return False
    if action in ("add", "change", "delete", "view") and action not in model._meta.default_permissions:
        return False
    if user == "superuser":
        return True
    if user == "anonymous":
        return False
    return action in model_actions(user, model)


def admin_urls():
    """(address, model, actions that open it: any one suffices; each a tuple that needs all)."""
    urls = []
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        info = model._meta.app_label, model._meta.model_name
        obj = model._base_manager.order_by("pk").first()
        view_or_change = (("view",), ("change",))
        urls.append((reverse("admin:{}_{}_changelist".format(*info)), model, view_or_change))
        urls.append((reverse("admin:{}_{}_add".format(*info)), model, (("add",),)))
        if obj is not None:
            urls.append((reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), model, view_or_change))
            urls.append((reverse("admin:{}_{}_history".format(*info), args=[obj.pk]), model, view_or_change))
            urls.append((reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), model, (("delete",),)))
        try:
            urls.append((reverse("admin:{}_{}_import_csv".format(*info)), model, (("add", "change"),)))
            urls.append((reverse("admin:{}_{}_export_csv".format(*info)), model, (("view", "export"),)))
        except NoReverseMatch:
            pass
    return urls


def tool_urls():
    from people.models import Credit, Organization, Person
    from streaming.models import Offer

    title_id = Credit.objects.values_list("title_id", flat=True).first()
    two = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:2])
    return [
        (reverse("admin:people_person_duplicates"), Person, (("change",),)),
        (reverse("admin:people_organization_duplicates"), Organization, (("change",),)),
        (reverse("admin:people_person_merge", args=two), Person, (("change", "delete"),)),
        (reverse("admin:people_credit_paste", args=[title_id]), Credit, (("add",),)),
        (reverse("admin:streaming_offer_batch_release"), Offer, (("add",),)),
    ]


@pytest.mark.parametrize("user", USERS)
def test_every_admin_url_answers_by_role(client, staff, demo, unchanged, user):
    browser = client if user == "anonymous" else staff[user]
    wrong = []

    urls = admin_urls() + tool_urls()
    with unchanged():
        for address, model, needs in urls:
            may = any(all(allowed(user, model, action) for action in need) for need in needs)
            response = browser.get(address)
            if user == "anonymous":
                ok = response.status_code == 302 and response["Location"].startswith("/admin/login/?next=")
            else:
                ok = response.status_code == (200 if may else 403)
            if not ok:
                wrong.append((address, response.status_code, "allowed" if may else "refused"))

    assert len(urls) > 100
    assert wrong == []


@pytest.mark.parametrize(
    ("user", "allowed_apps"),
    [
        (EDITOR, {"catalog", "people", "streaming", "screenings"}),
        (PROGRAMMER, {"catalog", "people", "streaming", "screenings"}),
        (VIEWER, {"catalog", "people", "streaming", "screenings"}),
    ],
)
def test_staff_see_only_their_apps_on_the_admin_index(staff, user, allowed_apps):
    response = staff[user].get("/admin/")

    assert {app["app_label"] for app in response.context["app_list"]} == allowed_apps


def test_roles_in_plain_words(staff, demo):
    """The three roles, spelled out on a few pages a person would try."""
    from catalog.models import Title

    title = reverse("admin:catalog_title_change", args=[Title.objects.order_by("pk").first().pk])
    screening_add = "/admin/screenings/screening/add/"
    export = "/admin/catalog/title/export-csv/"
    assert staff[EDITOR].get(title).context["has_change_permission"] is True
    assert staff[EDITOR].get(screening_add).status_code == 403
    assert staff[PROGRAMMER].get(screening_add).status_code == 200
    assert staff[PROGRAMMER].get(title).context["has_change_permission"] is False
    assert staff[VIEWER].get(title).context["has_change_permission"] is False
    assert staff[VIEWER].get(export).status_code == 200  # export is reading (docs/security.md)
    assert staff[EDITOR].get(export).status_code == 200


def test_under_privileged_staff_cannot_write_by_posting(staff, demo, unchanged):
    from catalog.models import Title
    from screenings.models import Venue

    title = Title.objects.order_by("pk").first()
    change = reverse("admin:catalog_title_change", args=[title.pk])
    data = form_data(staff["superuser"].get(change))
    posts = [
        (VIEWER, change, {**data, "original_title": "Hacked"}),
        (PROGRAMMER, change, {**data, "original_title": "Hacked"}),
        (VIEWER, reverse("admin:catalog_title_delete", args=[title.pk]), {"post": "yes"}),
        (VIEWER, reverse("admin:catalog_title_add"), {**data, "slug": "new-one"}),
        (PROGRAMMER, reverse("admin:catalog_title_import_csv"), {"file": ""}),
        (
            EDITOR,
            reverse("admin:screenings_venue_delete", args=[Venue.objects.order_by("pk").first().pk]),
            {"post": "yes"},
        ),
    ]

    with unchanged():
        statuses = [staff[user].post(address, payload).status_code for user, address, payload in posts]
        bulk = staff[VIEWER].post(
            reverse("admin:catalog_title_changelist"), {"action": "delete_selected", "_selected_action": [title.pk]}
        )

    assert statuses == [403] * len(posts)
    assert bulk.status_code in (200, 302)


def test_posts_without_csrf_token_are_refused(demo, unchanged, staff):
    from catalog.models import Title

    title = Title.objects.order_by("pk").first()
    change = reverse("admin:catalog_title_change", args=[title.pk])
    data = {**form_data(staff["superuser"].get(change)), "original_title": "Forged"}
    data.pop("csrfmiddlewaretoken", None)
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = staff["superuser"].cookies

    with unchanged():
        responses = [
            forged.post(change, data),
            forged.post(reverse("admin:catalog_title_delete", args=[title.pk]), {"post": "yes"}),
            forged.post(reverse("admin:catalog_title_import_csv"), {"file": ""}),
            Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"}),
            Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "fr", "next": "/"}),
        ]

    assert [r.status_code for r in responses] == [403] * 5
    assert "CSRF" in responses[0].content.decode()


@pytest.mark.parametrize(
    "address", ["/en/", "/en/titles/", "/en/titles/l-opera/", "/en/people/", "/admin/login/", "/en/titles/nope/"]
)
def test_no_page_can_be_framed_and_headers_are_set(client, demo, address):
    response = client.get(address)

    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
