from django import template

from catalog.text import search_terms
from people.models import Organization, Person
from people.rollup import title_rollup

register = template.Library()

SEARCH_LIMIT = 20


@register.inclusion_tag("people/includes/title_credits.html")
def title_credits(title):
    """Credits by department, rolled up from seasons and episodes: two queries (credits with
    people, organisations, roles and titles joined; affiliations), shared with the JSON-LD."""
    return {"title": title, "departments": title_rollup(title)}


@register.inclusion_tag("people/includes/search_results.html")
def people_search(q):
    """People and organisations matching ``q`` (name or alias): two queries."""
    if not search_terms(q):
        return {"q": q, "searched": False}
    return {
        "q": q,
        "searched": True,
        "people": list(Person.objects.search(q).for_listing()[:SEARCH_LIMIT]),
        "organizations": list(Organization.objects.search(q).for_listing()[:SEARCH_LIMIT]),
    }
