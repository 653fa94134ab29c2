"""Workflows that write several models: saving pasted credits, merging duplicates."""

from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from catalog.text import normalize, unique_slug
from catalog.versioning import versioned_update

from .enums import CreditTarget
from .models import Credit, Organization, OrganizationAlias, Person, PersonAlias, PersonRelation
from .parsing import Row


class PasteError(Exception):
    pass


class MergeError(Exception):
    pass


@dataclass
class PasteResult:
    created_credits: int = 0
    existing_credits: int = 0
    created_people: list = field(default_factory=list)
    created_organizations: list = field(default_factory=list)
    #: The credits created, and those already there that gained companies: {credit: [added]}.
    credits: list = field(default_factory=list)
    affiliated: dict = field(default_factory=dict)


def _create(model, name: str):
    slug = unique_slug(name, lambda s: model.objects.filter(slug__iexact=s).exists())
    return model.objects.create(name=name, slug=slug)


@transaction.atomic
def save_pasted_credits(title, rows: list[Row]) -> PasteResult:
    """Save the credits of a resolved preview on ``title``: all of them or none.

    Refuses when any row has a problem. A name new to the database is created once even if
    it appears under several labels (Cécile Ducrocq directs, creates and writes). A credit
    that already exists is kept as it is and counted.
    """
    blocking = [r for r in rows if r.problems]
    if blocking:
        raise PasteError(_("%(n)s line(s) have problems; nothing was saved.") % {"n": len(blocking)})
    result = PasteResult()
    new_records: dict[tuple[str, str], models.Model] = {}

    def record_for(kind, name, match):
        if match is not None:
            return match
        key = (kind, normalize(name))
        if key not in new_records:
            model = Person if kind == CreditTarget.PERSON else Organization
            new_records[key] = _create(model, name)
            (result.created_people if kind == CreditTarget.PERSON else result.created_organizations).append(
                new_records[key]
            )
        return new_records[key]

    positions: dict[int, int] = {}
    for row in rows:
        if not row.is_credit:
            continue
        credited = record_for(row.kind, row.name, row.match)
        positions[row.role.pk] = positions.get(row.role.pk, 0) + 1
        lookup = {"title": title, "role": row.role}
        if row.kind == CreditTarget.PERSON:
            lookup |= {"person": credited, "character": row.character}
        else:
            lookup |= {"organization": credited}
        credit, created = Credit.objects.get_or_create(**lookup, defaults={"order": positions[row.role.pk]})
        if created:
            result.created_credits += 1
            result.credits.append(credit)
        else:
            result.existing_credits += 1
        companies = [record_for("organization", name, match) for name, match in row.affiliation_matches]
        if companies:
            if not created:
                known = set(credit.affiliations.values_list("pk", flat=True))
                added = [c for c in companies if c.pk not in known]
                if added:
                    result.affiliated.setdefault(credit, []).extend(added)
            credit.affiliations.add(*companies)
    return result


@dataclass
class MergeSummary:
    kept: models.Model
    credits: int = 0
    aliases: int = 0
    relations: int = 0
    other_references: int = 0


def merge_counts(other) -> dict[str, int]:
    """What a merge would move from ``other`` (shown on the confirmation page)."""
    counts = {"credits": other.credits.count(), "aliases": other.aliases.count()}
    if isinstance(other, Person):
        counts["relations"] = other.relations.count() + other.relations_to.count()
    else:
        counts["affiliations"] = other.affiliated_credits.count()
    return counts


def _move_credits(keep, other, field_name: str) -> int:
    moved = 0
    for credit in Credit.objects.filter(**{field_name: other}).prefetch_related("affiliations"):
        twin = Credit.objects.filter(
            title_id=credit.title_id, role_id=credit.role_id, character=credit.character, **{field_name: keep}
        ).first()
        if twin is None:
            setattr(credit, field_name, keep)
            if not credit.credited_as and normalize(other.name) != normalize(keep.name):
                credit.credited_as = other.name  # the name the work credited
            credit.save()
        else:
            # The kept record already has this credit: keep what the duplicate knew.
            twin.affiliations.add(*credit.affiliations.all())
            for attr in ("character_full_name", "credited_as"):
                if not getattr(twin, attr) and getattr(credit, attr):
                    setattr(twin, attr, getattr(credit, attr))
            twin.save()
            credit.delete()
        moved += 1
    return moved


def _move_aliases(keep, other) -> int:
    alias_model = PersonAlias if isinstance(keep, Person) else OrganizationAlias
    existing = set(keep.aliases.values_list("name", flat=True)) | {keep.name}
    moved = 0
    for alias in list(other.aliases.all()):
        if alias.name in existing:
            alias.delete()
        else:
            alias.owner = keep
            alias.save()
            existing.add(alias.name)
        moved += 1
    if other.name not in existing:
        alias_model.objects.create(owner=keep, name=other.name, seen_in=_("merged record %(slug)s") % other.__dict__)
        moved += 1
    return moved


def _move_relations(keep, other) -> int:
    moved = 0
    for relation in list(PersonRelation.objects.filter(models.Q(person=other) | models.Q(other=other))):
        person = keep if relation.person_id == other.pk else relation.person
        related = keep if relation.other_id == other.pk else relation.other
        duplicate = PersonRelation.objects.filter(person=person, kind=relation.kind, other=related).exists()
        if person.pk == related.pk or duplicate:
            relation.delete()
        else:
            relation.person, relation.other = person, related
            relation.save()
        moved += 1
    return moved


def _move_other_references(keep, other, handled: set[str]) -> int:
    """Foreign keys and many-to-many links from other apps (a festival's organiser, a
    platform's operator, presenting partners…) move too, so that nothing is lost."""
    moved = 0
    for rel in other._meta.related_objects:
        accessor = rel.get_accessor_name()
        if accessor in handled or rel.related_model._meta.abstract:
            continue
        if rel.one_to_one:
            related = getattr(other, accessor, None) if hasattr(other, accessor) else None
            if related is not None and not hasattr(keep, accessor):
                setattr(related, rel.field.name, keep)
                related.save()
                moved += 1
            continue
        if rel.many_to_many:
            through = rel.through
            source = next(f for f in through._meta.fields if f.related_model is type(other))
            target = next(f for f in through._meta.fields if f.is_relation and f is not source)
            for link in through.objects.filter(**{source.name: other}):
                exists = through.objects.filter(
                    **{source.name: keep, target.name: getattr(link, target.attname)}
                ).exists()
                if exists:
                    link.delete()
                else:
                    versioned_update(through.objects.filter(pk=link.pk), **{source.name: keep})
                moved += 1
            continue
        moved += versioned_update(
            rel.related_model._base_manager.filter(**{rel.field.name: other}), **{rel.field.name: keep}
        )
    return moved


@transaction.atomic
def merge(keep, other) -> MergeSummary:
    """Merge ``other`` into ``keep`` and delete ``other``.

    Every credit (as person, organisation or affiliation), alias, relation and reference from
    other apps moves to ``keep``; ``other``'s name becomes an alias; blank fields of ``keep``
    are filled from ``other``. A person and an organisation cannot be merged.
    """
    if type(keep) is not type(other):
        raise MergeError(_("A person cannot be merged with an organisation."))
    if keep.pk == other.pk:
        raise MergeError(_("Choose two different records."))
    summary = MergeSummary(kept=keep)
    is_person = isinstance(keep, Person)
    summary.credits = _move_credits(keep, other, "person" if is_person else "organization")
    summary.aliases = _move_aliases(keep, other)
    handled = {"credits", "aliases", "relations", "relations_to", "portrait", "logo"}
    if is_person:
        summary.relations = _move_relations(keep, other)
    for attr in [f.attname for f in keep._meta.concrete_fields if f.attname not in ("id", "slug", "name", "name_key")]:
        if getattr(keep, attr) in (None, "") and getattr(other, attr) not in (None, ""):
            setattr(keep, attr, getattr(other, attr))
    image = "portrait" if is_person else "logo"
    if hasattr(other, image) and not hasattr(keep, image):
        picture = getattr(other, image)
        setattr(picture, "person" if is_person else "organization", keep)
        picture.save()
    try:
        summary.other_references = _move_other_references(keep, other, handled)
        keep.save()
        other.delete()
    except IntegrityError as exc:
        raise MergeError(_("The merge would break a rule of the data: %(error)s") % {"error": exc}) from exc
    return summary
