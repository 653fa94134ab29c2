"""The people app's parts of the catalogue (catalog.extensions), registered from
``PeopleConfig.ready()``: the credits on the title page and in its JSON-LD, people and
organisations in search results, the credits inline and "Paste credits" on the title admin,
the CSV resources, the demo, the synthetic catalogue and the roles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog import extensions
from catalog.roles import ADD, ALL_ACTIONS, EDITOR, PROGRAMMER, READ, VIEWER
from catalog.text import search_terms

SEARCH_LIMIT = 20


def credits_jsonld(request, title, data):
    from .jsonld import title_parts

    return title_parts(data["credits"], request)


@extensions.section(
    extensions.title_sections,
    "people/includes/title_credits.html",
    slot="before_children",
    queries=2,
    jsonld=credits_jsonld,
)
def credits(request, title, children):
    """Credits by department, rolled up from seasons and episodes: two queries (credits with
    people, organisations, roles and titles joined; affiliations), shared with the JSON-LD."""
    from .rollup import title_credits, title_rollup

    found = title_credits(title)
    return {"credits": found, "departments": title_rollup(title, found)}


@extensions.section(extensions.search_sections, "people/includes/search_results.html", order=10, queries=2)
def people(request, q):
    """People and organisations matching ``q`` (name or alias): two queries."""
    from .models import Organization, Person

    if not search_terms(q):
        return {"searched": False}
    return {
        "searched": True,
        "people": list(Person.objects.search(q).for_listing()[:SEARCH_LIMIT]),
        "organizations": list(Organization.objects.search(q).for_listing()[:SEARCH_LIMIT]),
    }


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


def register():
    from . import demo, generate
    from .admin import CreditInline
    from .resources import CreditResource, OrganizationResource, PersonResource

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
