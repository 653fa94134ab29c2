import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from catalog.roles import EDITOR, PROGRAMMER, VIEWER, setup_roles

pytestmark = pytest.mark.django_db


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))


def test_migrate_creates_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITOR, PROGRAMMER, VIEWER}


def test_editor_edits_catalogue_people_and_streaming_and_reads_screenings():
    perms = codenames(EDITOR)

    assert {("catalog", "change_title"), ("catalog", "delete_title"), ("catalog", "export_title")} <= perms
    assert {("people", "add_credit"), ("streaming", "change_offer")} <= perms
    assert ("screenings", "view_screening") in perms
    assert ("screenings", "change_screening") not in perms
    assert ("catalog", "change_country") not in perms  # ISO codes are reference data
    assert not {p for p in perms if p[0] not in ("catalog", "people", "screenings", "streaming")}


def test_programmer_edits_screenings_adds_titles_and_people_and_reads_the_rest():
    perms = codenames(PROGRAMMER)

    assert {("screenings", "add_venue"), ("screenings", "change_edition"), ("screenings", "delete_screening")} <= perms
    assert {("catalog", "view_title"), ("people", "view_person"), ("streaming", "view_offer")} <= perms
    assert {("catalog", "add_title"), ("people", "add_person"), ("people", "add_organization")} <= perms
    assert ("people", "add_credit") in perms
    assert not {p for p in perms if p[0] != "screenings" and p[1].startswith(("change_", "delete_"))}
    assert not {p for p in perms if p[0] == "streaming" and not p[1].startswith(("view_", "export_"))}


def test_viewer_only_reads():
    perms = codenames(VIEWER)

    assert {("catalog", "view_title"), ("catalog", "export_title")} <= perms
    assert {codename.split("_")[0] for _app, codename in perms} == {"view", "export"}  # export is reading


def test_setup_roles_is_idempotent_and_puts_back_what_was_changed_by_hand():
    viewer = Group.objects.get(name=VIEWER)
    viewer.permissions.add(Permission.objects.get(codename="delete_title"))
    Group.objects.get(name=EDITOR).delete()
    before = codenames(PROGRAMMER)

    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    setup_roles()

    assert ("catalog", "delete_title") not in codenames(VIEWER)
    assert codenames(PROGRAMMER) == before
    assert Group.objects.filter(name=EDITOR).count() == 1
    assert f"Editor: {len(codenames(EDITOR))} permissions" in out.getvalue()
