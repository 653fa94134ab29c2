"""The people app's parts of the catalogue (catalog.extensions), registered from
``PeopleConfig.ready()``: the credits on the title page and in its JSON-LD, people and
organisations in search results, the credits inline and "Paste credits" on the title admin,
the CSV resources, the demo, the synthetic catalogue and the roles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog import extensions
from catalog.roles import ALL_ACTIONS, EDITOR, PROGRAMMER, READ, VIEWER
from catalog.text import search_terms

SEARCH_LIMIT = 20


def title_credits_section(request, title, children):
    """Credits by department, rolled up from seasons and episodes: two queries (credits with
    people, organisations, roles and titles joined; affiliations), shared with the JSON-LD."""
    from .rollup import title_credits, title_rollup

    credits = title_credits(title)
    return {"credits": credits, "departments": title_rollup(title, credits)}


def title_credits_jsonld(request, title, data):
    from .jsonld import title_parts

    return title_parts(data["credits"], request)


def people_search_section(request, q):
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


def register():
    from . import demo, generate
    from .admin import CreditInline
    from .resources import CreditResource, OrganizationResource, PersonResource

    extensions.title_sections.register(
        extensions.Section(
            name="credits",
            template="people/includes/title_credits.html",
            context=title_credits_section,
            jsonld=title_credits_jsonld,
            slot="before_children",
            queries=2,
        )
    )
    extensions.search_sections.register(
        extensions.Section(
            name="people",
            template="people/includes/search_results.html",
            context=people_search_section,
            order=10,
            queries=2,
        )
    )
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
    extensions.csv_resources.register(extensions.CsvResource("people", PersonResource, order=20))
    extensions.csv_resources.register(extensions.CsvResource("organizations", OrganizationResource, order=21))
    extensions.csv_resources.register(extensions.CsvResource("credits", CreditResource, order=22))
    extensions.demo_loaders.register(extensions.DataStep("people", demo.load, order=20))
    extensions.catalogue_generators.register(
        extensions.DataStep("people", generate.generate, order=20, sizes={"people": 100_000, "credits": 1_000_000})
    )
    extensions.role_permissions.register(
        extensions.RolePermissions("people", {EDITOR: ALL_ACTIONS, PROGRAMMER: READ, VIEWER: READ}, order=20)
    )
