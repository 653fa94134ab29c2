"""Workflows that write several models: saving pasted credits, merging duplicates."""

from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import translation
from django.utils.translation import gettext as _

from catalog import audit
from catalog.text import normalize, unique_slug
from catalog.versioning import versioned_update

from .enums import CreditTarget
from .models import (
    Credit,
    Organization,
    OrganizationAlias,
    OrganizationLogo,
    Person,
    PersonAlias,
    PersonPortrait,
    PersonRelation,
    remember_slug,
)
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
    taken: list = field(default_factory=list)


def mergeable_fields(model) -> list[models.Field]:
    """The fields a merge asks about, from the model (what a person edits, ``audit``): the
    slug aside, since the removed record's slug becomes a former address of the kept one."""
    return [f for f in audit.audited_fields(model) if not f.many_to_many and f.name != "slug"]


@dataclass
class FieldChoice:
    """A field whose values differ between the two records: keep or take."""

    name: str
    label: str
    kept: str
    removed: str


def merge_choices(keep, other) -> list[FieldChoice]:
    """Every field whose stored values differ, the values as a person reads them."""
    choices = []
    for f in mergeable_fields(type(keep)):
        mine, theirs = getattr(keep, f.attname), getattr(other, f.attname)
        if mine == theirs or (mine in (None, "") and theirs in (None, "")):
            continue
        if f.is_relation:
            mine, theirs = getattr(keep, f.name), getattr(other, f.name)
        choices.append(FieldChoice(f.name, audit.label(f), audit.show(f, mine, None), audit.show(f, theirs, None)))
    return choices


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


def _move_aliases(keep, other, former_name: str) -> int:
    """``other``'s aliases move; its name (or ``keep``'s former name when the merge took
    ``other``'s) becomes an alias. No note is written on the alias: "seen in" is public."""
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
    for name in (other.name, former_name):
        if name not in existing:
            alias_model.objects.create(owner=keep, name=name)
            existing.add(name)
            moved += 1
    keep.aliases.filter(name=keep.name).delete()
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


def reverse_relations(model) -> list:
    """Every relation that points at ``model``, from its meta, hidden ones included (a
    ``related_name="+"`` such as a device's provider has no accessor but still protects). A
    many-to-many link counts once (not again as its through table's foreign key)."""
    found = [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and f.is_relation and not f.related_model._meta.abstract
    ]
    throughs = {f.through for f in found if f.many_to_many}
    return [f for f in found if f.many_to_many or f.related_model not in throughs]


def _handled(model) -> set:
    """Relations the merge moves with their own rules (credits, aliases, relations, image)."""
    fields = {Credit._meta.get_field("person" if model is Person else "organization")}
    fields.add((PersonAlias if model is Person else OrganizationAlias)._meta.get_field("owner"))
    if model is Person:
        fields |= {PersonRelation._meta.get_field("person"), PersonRelation._meta.get_field("other")}
        fields.add(PersonPortrait._meta.get_field("person"))
    else:
        fields.add(OrganizationLogo._meta.get_field("organization"))
    return fields


def _move_other_references(user, keep, other, where: dict) -> int:
    """Every other foreign key, one-to-one and many-to-many link to ``other`` (a festival's
    organiser, a platform's operator, a device's provider, presenting partners, former
    addresses…) moves to ``keep``, so that nothing is lost and nothing protects ``other``.
    Rows of a model the admin shows get a History entry."""
    moved = 0
    handled = _handled(type(keep))
    for rel in reverse_relations(type(keep)):
        if rel.field in handled:
            continue
        related_model = rel.related_model
        manager = related_model._base_manager
        if rel.many_to_many:
            through = rel.through
            source = through._meta.get_field(rel.field.m2m_reverse_field_name())
            target = through._meta.get_field(rel.field.m2m_field_name())
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
        rows = manager.filter(**{rel.field.name: other})
        if rel.one_to_one and manager.filter(**{rel.field.name: keep}).exists():
            continue  # ``keep`` has its own: ``other``'s goes with it
        before = audit.snapshot(rows)
        moved += versioned_update(rows, **{rel.field.name: keep})
        audit.record_snapshot_changes(user, related_model, before, where)
    return moved


def _blocking(exc: ProtectedError | RestrictedError) -> str:
    objs = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
    return ", ".join(sorted({f"{obj._meta.verbose_name} “{obj}”" for obj in objs}))


@transaction.atomic
def merge(keep, other, take=(), user=None) -> MergeSummary:
    """Merge ``other`` into ``keep`` and delete ``other``.

    Every credit (as person, organisation or affiliation), alias, relation and reference from
    other apps moves to ``keep``; ``other``'s name becomes an alias and its slug a former
    address of ``keep`` (``/people/<old slug>/`` answers 301). Field values are copied only
    for the fields named in ``take`` (the confirmation page's choices): nothing silently.
    With a ``user``, the History of ``keep``, of the removed record and of every moved row
    says so, with values. A person and an organisation cannot be merged.
    """
    if type(keep) is not type(other):
        raise MergeError(_("A person cannot be merged with an organisation."))
    if keep.pk == other.pk:
        raise MergeError(_("Choose two different records."))
    model = type(keep)
    take = set(take)
    unknown = take - {f.name for f in mergeable_fields(model)}
    if unknown:
        raise MergeError(_("These fields cannot be taken: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    summary = MergeSummary(kept=keep)
    is_person = isinstance(keep, Person)
    before = audit.values(keep)
    removed_values = audit.initial_values(other)
    removed_name, removed_slug, removed_pk = other.name, other.slug, other.pk
    where = audit.via("merge", removed_name, removed=removed_name, removed_slug=removed_slug, kept=keep.name)
    credit_field = "person" if is_person else "organization"
    credits_before = audit.snapshot(Credit.objects.filter(**{credit_field: other}))
    former_name = keep.name
    for f in mergeable_fields(model):
        if f.name in take:
            setattr(keep, f.attname, getattr(other, f.attname))
            summary.taken.append(f.name)
    try:
        summary.credits = _move_credits(keep, other, credit_field)
        if is_person:
            summary.relations = _move_relations(keep, other)
        image = "portrait" if is_person else "logo"
        if hasattr(other, image) and not hasattr(keep, image):
            picture = getattr(other, image)
            setattr(picture, credit_field, keep)
            picture.save()
        summary.aliases = _move_aliases(keep, other, former_name)
        summary.other_references = _move_other_references(user, keep, other, where)
        other.delete()
        keep.save()
        remember_slug(keep, removed_slug)
    except (ProtectedError, RestrictedError) as exc:
        raise MergeError(
            _("%(name)s is still used by: %(what)s; nothing was merged.")
            % {"name": removed_name, "what": _blocking(exc)}
        ) from exc
    except IntegrityError as exc:
        raise MergeError(
            _("The merge would break a rule of the data; nothing was merged. Check the two records and try again.")
        ) from exc
    other.pk = removed_pk
    after = audit.values(keep)
    changes = audit.compare(model, before, after)
    with translation.override(None):
        removed_row = {"name": str(model._meta.verbose_name), "object": removed_name}
    summary_row = [{"deleted": {**removed_row, "values": [list(c) for c in removed_values]}}]
    audit.record_many(
        user,
        [
            audit.Entry(keep, audit.CHANGE, changes, where, related=summary_row),
            audit.Entry(other, audit.DELETION, removed_values, where, repr=removed_name),
        ],
    )
    audit.record_snapshot_changes(user, Credit, credits_before, where)
    return summary
