"""The project's one name matcher: people and organisations by name or alias.

Every comparison goes through ``catalog.text.normalize`` and the indexed ``name_key``
columns of the records and their aliases, so "Zoe" finds "Zoé", "CECILE DUCROCQ" finds
"Cécile Ducrocq" and "Niels Tavernier" finds Nils through his alias, in two indexed
queries however many names are asked and however large the tables are.

Used by paste credits (``people.parsing``), duplicate detection (``duplicates``), search
(``NamedQuerySet.search`` for partial words) and the CSV import (``people.resources``).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery

from catalog.text import normalize

from .models import OrganizationAlias, Person, PersonAlias


def name_keys(name: str) -> list[str]:
    """The keys a name may be stored under: "Tavernier, Nils" is also "Nils Tavernier"."""
    keys = [normalize(name)]
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            keys.append(normalize(f"{first} {last}"))
    return [k for k in dict.fromkeys(keys) if k]


def match_names(model, names, fields: tuple[str, ...] = ()) -> dict[str, list]:
    """{name as given: [matching records]} for ``model`` (Person or Organization).

    Two queries: records whose own name matches, records with a matching alias. A name
    with one record is a match, with none is new, with two or more is ambiguous. ``fields``
    loads only those fields of the records (the CSV import needs no biography).
    """
    alias_model = PersonAlias if model is Person else OrganizationAlias
    wanted = {name: name_keys(name) for name in names}
    all_keys = {k for keys in wanted.values() for k in keys}
    by_key = defaultdict(dict)
    if all_keys:
        records = model.objects.filter(name_key__in=all_keys)
        aliases = alias_model.objects.filter(name_key__in=all_keys).select_related("owner")
        if fields:
            records = records.only(*fields)
            aliases = aliases.only("name_key", "owner", *(f"owner__{f}" for f in fields))
        for record in records:
            by_key[record.name_key][record.pk] = record
        for alias in aliases:
            by_key[alias.name_key][alias.owner_id] = alias.owner
    result = {}
    for name, keys in wanted.items():
        found = {}
        for key in keys:
            found.update(by_key.get(key, {}))
        result[name] = sorted(found.values(), key=lambda r: r.pk)
    return result


@dataclass
class DuplicatePair:
    first: object
    second: object
    reason: str


def duplicates(model, limit: int = 200) -> list[DuplicatePair]:
    """Likely duplicates of ``model``: records with the same normalised name, and records
    whose name is another record's alias. Three queries whatever the table size (grouping
    and the alias join happen in the database)."""
    alias_model = PersonAlias if model is Person else OrganizationAlias
    pairs: list[DuplicatePair] = []
    same_keys = list(
        model.objects.values("name_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name_key")
        .values_list("name_key", flat=True)[:limit]
    )
    groups = defaultdict(list)
    for record in model.objects.filter(name_key__in=same_keys).order_by("pk"):
        groups[record.name_key].append(record)
    for records in groups.values():
        first = records[0]
        pairs += [DuplicatePair(first, other, "same name") for other in records[1:]]
    other = model.objects.filter(name_key=OuterRef("name_key")).exclude(pk=OuterRef("owner_id")).values("pk")[:1]
    aliases = (
        alias_model.objects.annotate(other_pk=Subquery(other))
        .filter(other_pk__isnull=False)
        .select_related("owner")
        .order_by("owner__name_key")[:limit]
    )
    rows = list(aliases)
    others = model.objects.in_bulk({row.other_pk for row in rows})
    seen = {(p.first.pk, p.second.pk) for p in pairs}
    for row in rows:
        pair = (row.owner_id, row.other_pk)
        if pair in seen or pair[::-1] in seen:
            continue
        seen.add(pair)
        pairs.append(DuplicatePair(row.owner, others[row.other_pk], "alias"))
    return pairs
