"""The people app's parts of the catalogue (catalog.extensions), registered from
``PeopleConfig.ready()``: the credits on the title page and in its JSON-LD, people and
organisations in search results, the credits inline and "Paste credits" on the title admin,
the CSV resources, the demo, the synthetic catalogue and the roles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog import extensions
from catalog.roles import ADD, ALL_ACTIONS, EDITOR, PROGRAMMER, READ, VIEWER
from catalog.text import normalize, search_terms

SEARCH_LIMIT = 20


def credits_jsonld(request, title, data):
    from .jsonld import title_parts

    return title_parts(data["credits"], request)


@extensions.section(
    extensions.title_sections,
    "people/includes/title_credits.html",
    slot="before_children",
    queries=6,
    jsonld=credits_jsonld,
)
def credits(request, title, children):
    """Credits by department, rolled up from seasons and episodes, the first of each role
    (``rollup.TITLE_CREDITS_FIRST``; the rest on the title's credits page): six queries (the
    lines grouped in the database; the credits of the lines shown as values; their roles,
    people, organisations and affiliations), shared with the JSON-LD."""
    from .rollup import bounded_title_rollup

    departments, rows = bounded_title_rollup(title)
    url = reverse("people:title_credits", kwargs={"slug": title.slug})
    return {"credits": rows, "departments": departments, "credits_url": url}


@extensions.section(extensions.search_sections, "people/includes/search_results.html", order=10, queries=6)
def people(request, q):
    """People and organisations matching ``q`` (name or alias), and the characters people play
    ("Ariane Labed as Zoé Monin in The Opera"): two queries, one for the characters and one per
    level of title their names are read for (at most three), whatever the number found."""
    from .models import Credit, Organization, Person

    if not search_terms(q):
        return {"searched": False}
    return {
        "searched": True,
        "people": list(Person.objects.search(q).for_listing()[:SEARCH_LIMIT]),
        "organizations": list(Organization.objects.search(q).for_listing()[:SEARCH_LIMIT]),
        "characters": characters_played(Credit.objects.characters(q)[: SEARCH_LIMIT * 3]),
    }


def characters_played(credits) -> list[dict]:
    """One row per person, character and work: the seasons of a series where the same actor
    plays the same character make one "… as Zoé Monin in The Opera"."""
    rows = {}
    for credit in credits:
        work = credit.title.root()
        key = (credit.person_id, normalize(credit.character_name), work.pk)
        rows.setdefault(key, {"person": credit.person, "character": credit.character_name, "title": work})
    return list(rows.values())[:SEARCH_LIMIT]


def first_credits(titles) -> dict[int, str]:
    """ "Choreography: Michel Fokine": each title's first credited person (department, role and
    billing order), to tell apart two titles of one name (catalog.distinctions). One query, at
    most one row per title (a correlated subquery on the credits' title index)."""
    from types import SimpleNamespace

    from django.db.models import OuterRef, Subquery

    from catalog.language import localized
    from catalog.models import Title
    from catalog.typography import colon

    from .models import Credit

    first = Credit.objects.filter(title=OuterRef("pk"), person__isnull=False).order_by(
        "role__department__order", "role__order", "order", "pk"
    )
    parts = {"name_en": "role__name_en", "name_fr": "role__name_fr", "person": "person__name", "as": "credited_as"}
    rows = (
        Title.objects.filter(pk__in=[t.pk for t in titles])
        .annotate(**{f"first_{key}": Subquery(first.values(path)[:1]) for key, path in parts.items()})
        .values("pk", *[f"first_{key}" for key in parts])
    )
    found = {}
    for row in rows:
        person = row["first_as"] or row["first_person"]
        if person:
            role = localized(SimpleNamespace(name_en=row["first_name_en"], name_fr=row["first_name_fr"]), "name")
            found[row["pk"]] = f"{role}{colon()}{person}"
    return found


extensions.title_distinctions.register(extensions.TitleDistinction("first-credit", first_credits, order=10))


def can_paste_credits(request) -> bool:
    """The paste view's own rule (people.admin ``CreditAdmin.paste_view``)."""
    return request.user.has_perm("people.add_credit")


#: What each staff role may do with this app's records (catalog.roles).
ROLES = {EDITOR: ALL_ACTIONS, PROGRAMMER: READ, VIEWER: READ}
#: A Programmer adds the people, organisations and credits of a film they programme (with the
#: parts of their add pages), and changes or deletes no existing one.
MODEL_ROLES = {
    PROGRAMMER: dict.fromkeys(
        [
            "person",
            "personalias",
            "personrelation",
            "personportrait",
            "organization",
            "organizationalias",
            "organizationlogo",
            "credit",
        ],
        ADD,
    )
}


def character_index():
    """The substring index of the characters people play (``Credit.character_key``), for the
    search page's "… as Zoé Monin in The Opera" (catalog.textsearch)."""
    from catalog.textsearch import TextIndex

    return TextIndex(
        "characters",
        table="people_credit",
        column="character_key",
        migration=("people", "0012_character_text_index"),
        pg_index="credit_character_key_trgm",
        fts="people_credit_character_fts",
    )


def register():
    from . import demo, generate
    from .admin import CreditInline
    from .resources import CreditResource, OrganizationResource, PersonResource

    extensions.text_indexes.register(character_index())
    extensions.title_admin_parts.register(
        extensions.TitleAdminPart(
            name="paste-credits",
            inlines=(CreditInline,),
            link_label=_("Paste credits"),
            link=lambda title: reverse("admin:people_credit_paste", args=[title.pk]),
            permission=can_paste_credits,
            order=10,
        )
    )
    extensions.public_pages.register(extensions.PublicPage("people:person_list", order=10))
    extensions.public_pages.register(extensions.PublicPage("people:organization_list", order=15))
    csv = [("people", PersonResource), ("organizations", OrganizationResource), ("credits", CreditResource)]
    parts = {"demo": demo.load, "generate": generate.generate, "sizes": {"people": 100_000, "credits": 1_000_000}}
    extensions.register_data("people", order=20, csv=csv, roles=ROLES, model_roles=MODEL_ROLES, **parts)
