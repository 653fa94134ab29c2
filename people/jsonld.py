"""schema.org JSON-LD: Person and Organization pages, and the credits part of a work."""

from catalog.jsonld import country_reference


def reference(record, request) -> dict:
    """A person or organisation as schema.org names it elsewhere: type, name and its page."""
    from .models import Person

    data = {
        "@type": "Person" if isinstance(record, Person) else "Organization",
        "name": record.name,
        "url": request.build_absolute_uri(record.get_absolute_url()),
    }
    return data


def title_parts(credits, request) -> dict:
    """director, actor (PerformanceRole with characterName), creator, producer… from the
    credits of the work and of its parts that the page read (``rollup.title_credits``)."""
    parts: dict[str, list] = {}
    seen = set()
    for credit in credits:
        prop = credit.role.schema_property
        if not prop:
            continue
        credited = credit.credited
        key = (prop, type(credited).__name__, credited.pk, credit.character_name)
        if key in seen:
            continue
        seen.add(key)
        ref = reference(credited, request)
        if credit.role.is_cast and credit.character_name:
            ref = {"@type": "PerformanceRole", prop: ref, "characterName": credit.character_name}
        parts.setdefault(prop, []).append(ref)
    return parts


def person_jsonld(person, request) -> dict:
    data = {"@context": "https://schema.org", **reference(person, request)}
    bio, _language = person.biography()
    if bio:
        data["description"] = bio
    aliases = [a.name for a in person.aliases.all()]
    if aliases:
        data["alternateName"] = aliases
    if person.birth_date:
        data["birthDate"] = person.birth_date.isoformat()
    if person.death_date:
        data["deathDate"] = person.death_date.isoformat()
    if person.nationality_id:
        data["nationality"] = country_reference(person.nationality)
    same_as = []
    if person.imdb_id:
        same_as.append(f"https://www.imdb.com/name/{person.imdb_id}/")
    if person.wikidata_id:
        same_as.append(f"https://www.wikidata.org/wiki/{person.wikidata_id}")
    if same_as:
        data["sameAs"] = same_as
    for relation in person.relations.all():
        prop = {"child_of": "parent", "spouse_of": "spouse", "sibling_of": "sibling"}.get(relation.kind, "relatedTo")
        data.setdefault(prop, []).append(reference(relation.other, request))
    for relation in person.relations_to.all():
        prop = {"child_of": "children", "spouse_of": "spouse", "sibling_of": "sibling"}.get(relation.kind, "relatedTo")
        data.setdefault(prop, []).append(reference(relation.person, request))
    return data


def organization_jsonld(organization, request) -> dict:
    data = {"@context": "https://schema.org", **reference(organization, request)}
    history, _language = organization.history()
    if history:
        data["description"] = history
    if organization.founded_year:
        data["foundingDate"] = str(organization.founded_year)
    if organization.website:
        data["sameAs"] = [organization.website]
    aliases = [a.name for a in organization.aliases.all()]
    if aliases:
        data["alternateName"] = aliases
    return data
