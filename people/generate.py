"""The people part of ``generate_catalog``: people with accents and aliases, companies, and
credits that follow real distributions (a few people with thousands of credits, most with a
handful). Credits are drawn title by title, so the uniqueness rules hold without a set of
every credit in memory."""

from catalog.enums import TitleKind
from catalog.generate import KIND_CODES, Run, insert, slug_picker
from catalog.text import normalize

from .enums import CreditTarget, OrganizationKind
from .models import Credit, Organization, OrganizationAlias, Person, PersonAlias, Role

FIRST_NAMES = [
    "Zoé", "Cécile", "Éloïse", "Hélène", "Noël", "José", "Søren", "Łukasz", "Chloé", "Agnès", "Benoît", "Léa",
    "Ana", "Björn", "Clémence", "Dorothée", "Émile", "François", "Gaëlle", "Inès", "Jérôme", "Kenji", "Loïc",
    "María", "Nils", "Océane", "Pál", "Quentin", "Renée", "Sébastien", "Thaïs", "Ulrich", "Valérie", "Wanda",
    "Xavier", "Yasmine", "Zoltán", "Amélie", "Bruno", "Camille", "David", "Elena", "Farid", "Grace", "Hugo",
]  # fmt: skip
LAST_NAMES = [
    "Ducrocq", "Tavernier", "Lefèvre", "Müller", "García", "Nowak", "Øster", "Brontë", "Dupré", "Fæhn",
    "Kowalczyk", "Moreau", "Núñez", "O'Brien", "Petit", "Quérel", "Rousseau", "Sørensen", "Thévenin", "Urbain",
    "Vázquez", "Weiß", "Yamada", "Zeller", "Abécassis", "Bérénger", "Chevalier", "Delacroix", "Ébrard",
    "Fontaine", "Girard", "Hébert", "Isaac", "Jaouën", "Kim", "Laurent", "Marchand", "Nguyen", "Olivier",
]  # fmt: skip
NATIONALITIES = ["FR", "US", "GB", "DE", "ES", "IT", "JP", "BE", "CA", "PL", "SE", "KR"]
COMPANY_WORDS = ["Films", "Productions", "Pictures", "Studio", "Atelier", "Images", "Média", "Compagnie"]
COMPANY_NAMES = ["Lumière", "Arcadia", "Bleu Nuit", "Cinéfrance", "Hélios", "Northwind", "Opéra", "Rivage"]

#: Credits per title, relative: a film has more than one of its episodes.
WEIGHTS = {TitleKind.FILM: 14, TitleKind.SHORT: 5, TitleKind.SERIES: 8, TitleKind.SEASON: 3}
PARENT_KINDS = {TitleKind.SERIES, TitleKind.SEASON}
WEIGHTS |= {TitleKind.EPISODE: 6, TitleKind.PERFORMANCE: 12, TitleKind.LIVE: 10}


def person_name(rng) -> str:
    last = rng.choice(LAST_NAMES)
    if rng.random() < 0.15:
        last = f"{last}-{rng.choice(LAST_NAMES)}"
    return f"{rng.choice(FIRST_NAMES)} {last}"


def generate(run: Run):
    rng = run.rng
    pick_person_slug, pick_organization_slug = slug_picker(Person), slug_picker(Organization)
    aliases: list[tuple[int, str]] = []

    def people():
        for index in range(run.sizes["people"]):
            name = person_name(rng)
            first, last = name.split(" ", 1)
            if rng.random() < 0.1:
                aliases.append((index, f"{first[0]}. {last}" if rng.random() < 0.5 else normalize(name).title()))
            yield Person(
                name=name,
                sort_name=f"{last}, {first}",
                slug=pick_person_slug(name),
                name_key=normalize(name),
                nationality_id=rng.choice(NATIONALITIES) if rng.random() < 0.6 else None,
            )

    first_person = len(run.person_ids)
    insert(Person, people(), run.person_ids)
    insert(
        PersonAlias,
        (
            PersonAlias(owner_id=run.person_ids[first_person + i], name=name, name_key=normalize(name))
            for i, name in aliases
        ),
    )
    organizations = max(run.sizes["people"] // 50, 10)

    def companies():
        for _ in range(organizations):
            name = f"{rng.choice(COMPANY_NAMES)} {rng.choice(COMPANY_WORDS)} {rng.randint(1, 999)}"
            yield Organization(
                name=name,
                slug=pick_organization_slug(name),
                name_key=normalize(name),
                kind=OrganizationKind.PRODUCTION,
                country_id=rng.choice(NATIONALITIES),
            )

    first_organization = len(run.organization_ids)
    insert(Organization, companies(), run.organization_ids)
    insert(
        OrganizationAlias,
        (
            OrganizationAlias(owner_id=pk, name=f"{name} SAS", name_key=normalize(f"{name} SAS"))
            for pk, name in Organization.objects.filter(pk__in=run.organization_ids[first_organization::5]).values_list(
                "pk", "name"
            )
        ),
    )
    run.say(f"  {run.sizes['people']} people, {organizations} organisations")
    insert(Credit, credits(run, run.person_ids[first_person:], run.organization_ids[first_organization:]))
    run.say(f"  {Credit.objects.count()} credits in all")


def credits(run: Run, person_ids, organization_ids):
    """About ``run.sizes["credits"]`` credits over the generated titles. A person is drawn as
    ``ids[int(n * u²)]``: the first few people get thousands of credits, the long tail a few."""
    rng = run.rng
    roles = list(Role.objects.values_list("pk", "target", "is_cast"))
    person_roles = [r for r in roles if r[1] != CreditTarget.ORGANIZATION]
    company_roles = [r for r in roles if r[1] != CreditTarget.PERSON] or person_roles
    weights = [WEIGHTS[KIND_CODES[k]] for k in run.title_kinds]
    scale = run.sizes["credits"] / max(sum(weights), 1)
    n_people, n_companies = len(person_ids), len(organization_ids)
    # A series keeps its cast and crew: most credits of its seasons and episodes come from a
    # pool drawn once per series (what makes a series page roll up to a readable list).
    index_of = {pk: i for i, pk in enumerate(run.title_ids) if KIND_CODES[run.title_kinds[i]] in PARENT_KINDS}
    pools: dict[int, list[tuple[int, int, str]]] = {}  # series → (role, person, character)

    def series_of(index: int) -> int | None:
        while run.title_parents[index]:
            index = index_of[run.title_parents[index]]
        return index if KIND_CODES[run.title_kinds[index]] == TitleKind.SERIES else None

    def pool(series: int) -> list[tuple[int, int, str]]:
        if series not in pools and n_people:
            pools[series] = []
            for role, _target, is_cast in (rng.choice(person_roles) for _ in range(30)):
                person = person_ids[int(n_people * rng.random() ** 2)]
                pools[series].append((role, person, rng.choice(FIRST_NAMES) if is_cast else ""))
        return pools.get(series, [])

    for index, title_id in enumerate(run.title_ids):
        wanted = int(weights[index] * scale + rng.random())
        seen = set()
        series = series_of(index)
        for order in range(wanted):
            if series is not None and rng.random() < 0.85 and pool(series):
                role, person, character = rng.choice(pools[series])
                if ("p", person, role) not in seen:
                    seen.add(("p", person, role))
                    yield Credit(
                        title_id=title_id,
                        person_id=person,
                        role_id=role,
                        character=character,
                        character_key=normalize(character),
                        order=order,
                    )
                continue
            if n_companies and rng.random() < 0.06:
                role, _target, _cast = rng.choice(company_roles)
                organization = organization_ids[int(n_companies * rng.random() ** 2)]
                key = ("o", organization, role)
                if key not in seen:
                    seen.add(key)
                    yield Credit(title_id=title_id, organization_id=organization, role_id=role, order=order)
                continue
            if not n_people:
                continue
            role, _target, is_cast = rng.choice(person_roles)
            person = person_ids[int(n_people * rng.random() ** 2)]
            key = ("p", person, role)
            if key not in seen:
                seen.add(key)
                character = f"{rng.choice(FIRST_NAMES)}" if is_cast else ""
                yield Credit(
                    title_id=title_id,
                    person_id=person,
                    role_id=role,
                    character=character,
                    character_key=normalize(character),
                    order=order,
                )
