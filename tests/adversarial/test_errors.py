"""Errors a visitor may meet: friendly 404 and 500 pages in both languages, nothing secret in
them, each error logged with the request's context; public pages that a strict CSP allows."""

import logging
import re

import pytest
from django.template.loader import render_to_string

from catalog.views import TitleListView
from config.security import RequestContextFilter

PUBLIC = [
    "/en/",
    "/en/titles/",
    "/en/titles/l-opera/",
    "/en/titles/l-opera/?page=1",
    "/fr/titles/l-opera/",
    "/en/search/?q=opera",
    "/en/people/",
    "/en/people/nils-tavernier/",
    "/en/organizations/ballet-de-l-opera-national-de-paris/",
    "/en/screenings/",
    "/en/festivals/colcoa-2021/",
    "/en/venues/melville-theatre/",
    "/en/platforms/",
    "/en/platforms/pop-paris-opera-play/",
    "/en/titles/nope/",
]


@pytest.mark.parametrize(
    ("address", "heading"),
    [
        ("/en/titles/nope/", "Page not found"),
        ("/fr/titles/nope/", "Page introuvable"),
        ("/en/people/%00/", "Page not found"),
    ],
)
def test_not_found_is_a_friendly_page_in_the_visitors_language(client, demo, address, heading):
    response = client.get(address)

    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'role="search"' in html


def test_the_500_page_renders_without_request_or_database():
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert "Une erreur s’est produite de notre côté" in html


def test_a_crash_shows_the_500_page_logs_context_and_leaks_nothing(client, demo, monkeypatch, caplog):
    def crash(self):
        raise RuntimeError("database password=hunter2 at db.internal")

    monkeypatch.setattr(TitleListView, "get_queryset", crash)
    client.raise_request_exception = False

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/en/titles/", {"token": "secret-in-query"})

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "hunter2" not in html
    assert "Traceback" not in html
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestContextFilter().filter(record)
    assert record.request_context == " [GET /en/titles/ user=- ip=127.0.0.1]"
    assert record.exc_info[1].args == ("database password=hunter2 at db.internal",)


def test_the_log_context_survives_a_request_whose_user_cannot_be_read():
    class Broken:
        method, path, META = "POST", "/admin/\x00x/", {"REMOTE_ADDR": "192.0.2.1"}

        @property
        def user(self):
            raise RuntimeError("database is down")

    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    record.request = Broken()

    assert RequestContextFilter().filter(record) is True
    assert record.request_context == " [POST /admin/\\x00x/ user=? ip=192.0.2.1]"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_pages_have_no_inline_script_style_or_event_handler(client, demo, address):
    response = client.get(address)
    html = response.content.decode()

    assert response.status_code in (200, 404)
    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_STYLE.findall(html) == []
    assert EVENT_HANDLER.findall(html) == []
    assert "default-src 'self'" in response["Content-Security-Policy"]
