import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Title
from conftest import add_what_the_demo_lacks

from .factories import TitleFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/catalog/title/import-csv/"
EXPORT_URL = "/admin/catalog/title/export-csv/"
HEADER = "slug,kind,parent,number,original_title,original_language,title_en,title_fr,year,countries,languages,runtime_minutes,episode_count,genres,ratings,synopsis_en,synopsis_fr"


def staff(*codenames):
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def upload(text, encoding="utf-8"):
    return SimpleUploadedFile("titles.csv", text.encode(encoding), content_type="text/csv")


@pytest.mark.parametrize(("url", "method"), [(IMPORT_URL, "get"), (IMPORT_URL, "post"), (EXPORT_URL, "get")])
def test_csv_admin_anonymous_is_sent_to_login(client, url, method):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("codenames", "url", "status"),
    [
        ((), IMPORT_URL, 403),
        ((), EXPORT_URL, 403),
        (("view_title",), IMPORT_URL, 403),
        (("view_title",), EXPORT_URL, 403),
        (("view_title", "export_title"), EXPORT_URL, 200),
        (("add_title",), IMPORT_URL, 403),
        (("add_title", "change_title"), IMPORT_URL, 200),
    ],
)
def test_csv_admin_permissions(client, codenames, url, status):
    client.force_login(staff(*codenames))

    assert client.get(url).status_code == status


def test_csv_admin_direct_post_without_permission_writes_nothing(client):
    client.force_login(staff("view_title"))

    response = client.post(IMPORT_URL, {"file": upload(HEADER + "\nfilm-a,film,,,A,,,,,,,,,,,,\n")})

    assert response.status_code == 403
    assert not Title.objects.exists()


def test_csv_admin_preview_then_confirm_imports_a_semicolon_cp1252_file(admin_client):
    text = HEADER.replace(",", ";") + "\r\nl-oeuvre;film;;;L’Œuvre;fr;;;2020;FR;;;;;;;\r\n"

    preview = admin_client.post(IMPORT_URL, {"file": upload(text, "cp1252")})

    assert (
        "titles: 1 rows — 1 new, 0 updated, 0 unchanged, 0 errors (dry run, nothing written)"
        in preview.content.decode()
    )
    assert not Title.objects.exists()
    token = preview.context["token"]

    done = admin_client.post(IMPORT_URL, {"confirm": "1", "token": token})

    assert done.status_code == 302
    assert Title.objects.get().original_title == "L’Œuvre"


def test_csv_admin_preview_lists_problems_and_offers_no_confirm(admin_client):
    response = admin_client.post(IMPORT_URL, {"file": upload(HEADER + "\nfilm-a,film,,,A,,,,abc,,,,,,,,\n")})

    html = response.content.decode()
    assert "<td>2</td><td>year</td><td>abc</td><td>Enter a whole number.</td>" in html
    assert 'name="confirm"' not in html


def test_csv_admin_export_follows_the_changelist_search(admin_client):
    TitleFactory(slug="keep-me", original_title="Keep me")
    TitleFactory(slug="other", original_title="Other")

    response = admin_client.get(EXPORT_URL, {"q": "keep"})

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines] == ["slug", "keep-me"]


def test_csv_admin_buttons_shown_by_permission(client):
    client.force_login(staff("view_title"))

    html = client.get(reverse("admin:catalog_title_changelist")).content.decode()

    assert "Import CSV" not in html
    assert "Export CSV" not in html


# Every resource's admin: the same buttons and the same rules --------------------------------


def _admins():
    from django.apps import apps
    from django.contrib import admin

    from catalog.csvio import resource_names

    registered = [admin.site.get_model_admin(model) for model in apps.get_models() if admin.site.is_registered(model)]
    found = {
        model_admin.csv_resource: model_admin.model._meta
        for model_admin in registered
        if getattr(model_admin, "csv_resource", "")
    }
    assert set(found) == set(resource_names()), "every CSV resource has Import/Export buttons in the admin"
    return [(name, f"/admin/{opts.app_label}/{opts.model_name}/", opts.model_name) for name, opts in found.items()]


ADMINS = _admins()


@pytest.mark.parametrize(("resource", "base", "model"), ADMINS)
def test_every_csv_admin_follows_the_permissions(client, resource, base, model):
    for url in (base + "import-csv/", base + "export-csv/"):
        assert client.get(url)["Location"].startswith("/admin/login/")
        assert client.post(url)["Location"].startswith("/admin/login/")
    editor = staff(f"view_{model}", f"add_{model}", f"change_{model}")
    client.force_login(editor)

    changelist = client.get(base).content.decode()

    assert "Import CSV" in changelist
    assert "Export CSV" not in changelist
    assert client.get(base + "import-csv/").status_code == 200
    assert client.get(base + "export-csv/").status_code == 403


@pytest.mark.parametrize(("resource", "base", "model"), ADMINS)
def test_every_csv_admin_exports_what_the_command_exports(client, demo, resource, base, model):
    import io

    from catalog.csvio import get_resource, write_csv

    if resource == "closures":
        add_what_the_demo_lacks()  # the reference documents name no closure
    client.force_login(staff(f"view_{model}", f"export_{model}"))
    expected = io.StringIO()
    write_csv(get_resource(resource)().export_rows(), expected)

    response = client.get(base + "export-csv/")

    assert b"".join(response.streaming_content).decode() == expected.getvalue()
    assert expected.getvalue().count("\n") > 1
    assert client.get(base + "import-csv/").status_code == 403
    assert client.post(base + "import-csv/").status_code == 403
