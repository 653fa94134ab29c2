"""Credits grouped for pages: by department and role on a title (with its seasons' and
episodes' credits rolled up), by role and work on a person's or organisation's page."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import F, Max, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.enums import TitleKind
from catalog.models import Title
from catalog.text import number_ranges

from .models import Credit


def _plural_label(kind: str, numbers: list) -> str:
    text = number_ranges(numbers)
    if kind == TitleKind.SEASON:
        return ngettext("season %(n)s", "seasons %(n)s", len(numbers)) % {"n": text}
    return ngettext("episode %(n)s", "episodes %(n)s", len(numbers)) % {"n": text}


def span(root, titles) -> str:
    """Which parts of ``root`` the credits on ``titles`` cover: "" (the whole work),
    "episodes 1–2", "seasons 1–2", "season 1, episodes 3–4". Needs each title's parent."""
    if any(t.pk == root.pk for t in titles):
        return ""
    whole, partial = {}, {}
    for t in titles:
        if t.parent_id == root.pk:
            whole[t.pk] = t
        elif t.parent is not None:
            partial.setdefault(t.parent_id, (t.parent, []))[1].append(t.number)
    parts = []
    if whole:
        children = sorted(whole.values(), key=lambda c: c.number or 0)
        parts.append(_plural_label(children[0].kind, [c.number for c in children]))
    for parent, numbers in sorted(partial.values(), key=lambda p: p[0].number or 0):
        if parent.pk in whole:
            continue
        parts.append(
            _("%(season)s, %(episodes)s")
            % {"season": parent.label_without_series().lower(), "episodes": _plural_label(TitleKind.EPISODE, numbers)}
        )
    return "; ".join(parts)


class CreditsSummary:
    """What the ``credits`` of one line say: the characters played and the companies credited
    with them, each once, in the credits' order."""

    @property
    def characters(self) -> list[str]:
        return list(dict.fromkeys(c.character_name for c in self.credits if c.character_name))

    @property
    def affiliations(self) -> list:
        seen = {}
        for credit in self.credits:
            for org in credit.affiliations.all():
                seen.setdefault(org.pk, org)
        return list(seen.values())


@dataclass
class CreditLine(CreditsSummary):
    """One person or organisation in one role, whatever the number of credits behind it."""

    credited: object
    role: object
    credits: list = field(default_factory=list)
    span: str = ""

    @property
    def credited_as(self) -> str:
        names = {c.credited_as for c in self.credits if c.credited_as}
        return names.pop() if len(names) == 1 else ""

    @property
    def titles(self):
        return [c.title for c in self.credits]


@dataclass
class RoleGroup:
    role: object
    lines: list = field(default_factory=list)
    #: On a filmography: how many works the role has in all (more than ``lines`` when bounded).
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.lines)


@dataclass
class DepartmentGroup:
    department: object
    roles: list = field(default_factory=list)


#: How many people or organisations of each role a title page shows; the rest are on the title's
#: credits page (``people:title_credits``, one role a page, paginated).
TITLE_CREDITS_FIRST = 10
#: ``order`` and ``pk`` of a credit in one sortable number (``order`` is a small integer).
_ORDER_SHIFT = 10_000_000_000


def title_credits(title):
    """The credits shown on ``title``'s page: its own and its seasons' and episodes' (published
    ones; the page's own title may be a preview). A plain queryset: nothing loaded."""
    return Credit.objects.under(title).filter(Q(title=title) | Title.public_q("title__"))


class TitleCreditKey(NamedTuple):
    """One line of a title's credits as the database groups it: a role and whom it credits."""

    role_id: int
    person_id: int | None
    organization_id: int | None


def title_credit_keys(credits) -> list[TitleCreditKey]:
    """Every (role, person or organisation) of ``credits`` (``title_credits(title)``) in page
    order — departments, roles, then each line where its first credit comes in billing order —
    in one grouped query that loads no credit."""
    rows = (
        credits.order_by()
        .values("role_id", "person_id", "organization_id", "role__department__order", "role__order")
        .annotate(first=Min(F("order") * _ORDER_SHIFT + F("pk")))
    )
    rows = sorted(rows, key=lambda r: (r["role__department__order"], r["role__order"], r["first"]))
    return [TitleCreditKey(r["role_id"], r["person_id"], r["organization_id"]) for r in rows]


@dataclass
class TitleRef:
    """The part of a title a credit line's span needs (``span``): no model instance."""

    pk: int
    kind: str
    number: int | None
    parent_id: int | None = None
    parent: "TitleRef | None" = None

    label_without_series = Title.label_without_series


class Companies(list):
    """A credit's affiliations, read once for every line shown (``.all()`` as a relation)."""

    def all(self):
        return self


@dataclass
class CreditRow:
    """A credit as a title page shows it, read as plain values."""

    role: object
    credited: object
    title: TitleRef
    character: str
    character_full_name: str
    credited_as: str
    affiliations: Companies = field(default_factory=Companies)

    @property
    def character_name(self) -> str:
        return self.character_full_name or self.character


def title_credit_rows(credits, keys) -> list[CreditRow]:
    """The credits of the lines ``keys`` in billing order, read as values, with their roles,
    people, organisations and affiliations: five queries, whatever the number of credits."""
    from .models import Organization, Person, Role

    if not keys:
        return []
    wanted = set(keys)
    people = {k.person_id for k in keys if k.person_id}
    organizations = {k.organization_id for k in keys if k.organization_id}
    rows = (
        credits.filter(role_id__in={k.role_id for k in keys})
        .filter(Q(person_id__in=people) | Q(organization_id__in=organizations))
        .order_by("role__department__order", "role__order", "order", "pk")
        .values_list(
            "pk",
            "role_id",
            "person_id",
            "organization_id",
            "character",
            "character_full_name",
            "credited_as",
            "title_id",
            "title__kind",
            "title__number",
            "title__parent_id",
            "title__parent__kind",
            "title__parent__number",
        )
    )
    rows = [row for row in rows if row[1:4] in wanted]
    roles = Role.objects.select_related("department").in_bulk({row[1] for row in rows})
    credited = {("p", pk): record for pk, record in Person.objects.only("name", "slug").in_bulk(people).items()}
    credited |= {
        ("o", pk): record for pk, record in Organization.objects.only("name", "slug").in_bulk(organizations).items()
    }
    companies: dict[int, Companies] = {}
    through = Credit.affiliations.through.objects.filter(credit_id__in=[row[0] for row in rows])
    for link in through.select_related("organization").order_by("organization__name", "organization_id"):
        companies.setdefault(link.credit_id, Companies()).append(link.organization)
    parents: dict[int, TitleRef] = {}
    found = []
    for pk, role, person, organization, character, full_name, credited_as, *title in rows:
        title_id, kind, number, parent_id, parent_kind, parent_number = title
        parent = None
        if parent_id is not None:
            parent = parents.setdefault(parent_id, TitleRef(parent_id, parent_kind, parent_number))
        record = credited[("p", person) if person else ("o", organization)]
        found.append(
            CreditRow(
                role=roles[role],
                credited=record,
                title=TitleRef(title_id, kind, number, parent_id, parent),
                character=character,
                character_full_name=full_name,
                credited_as=credited_as,
                affiliations=companies.get(pk, Companies()),
            )
        )
    return found


def title_rollup(title, credits, totals: dict | None = None) -> list[DepartmentGroup]:
    """Departments → roles → one line per person or organisation, with what they did, from
    credit rows in billing order (``title_credit_rows``); ``totals`` ({role id: lines in all})
    says how many lines each role has beyond those given."""
    lines: dict[tuple, CreditLine] = {}
    for credit in credits:
        credited = credit.credited
        key = (credit.role.pk, type(credited).__name__, credited.pk)
        line = lines.setdefault(key, CreditLine(credited=credited, role=credit.role))
        line.credits.append(credit)
    departments: dict[int, DepartmentGroup] = {}
    for line in lines.values():
        line.span = span(title, line.titles)
        dept = departments.setdefault(line.role.department_id, DepartmentGroup(line.role.department))
        if not dept.roles or dept.roles[-1].role.pk != line.role.pk:
            dept.roles.append(RoleGroup(line.role))
        dept.roles[-1].lines.append(line)
    for dept in departments.values():
        for group in dept.roles:
            group.total = (totals or {}).get(group.role.pk, len(group.lines))
    return list(departments.values())


def bounded_title_rollup(title, first: int = TITLE_CREDITS_FIRST) -> tuple[list[DepartmentGroup], list[CreditRow]]:
    """The credits part of a title page: the first ``first`` lines of each role, each role with
    its number of lines (the rest on the title's credits page), and the credit rows behind
    them (for the JSON-LD). Six queries, the same for 1, 3 or 3,000 credits."""
    credits = title_credits(title)
    shown, counts = first_of_each_role(title_credit_keys(credits), first)
    rows = title_credit_rows(credits, shown)
    return title_rollup(title, rows, counts), rows


@dataclass
class WorkLine(CreditsSummary):
    """One work in a filmography: the top-level title and what the person did on it."""

    work: object
    credits: list = field(default_factory=list)
    span: str = ""
    shown_year: int | None = None

    @property
    def year(self):
        if self.shown_year is not None:
            return self.shown_year
        years = [c.title.year for c in self.credits if c.title.year] or [self.work.year]
        return min(y for y in years if y) if any(years) else None


#: How many works of each role a person's or an organisation's page shows; the rest are on the
#: role's own page (``people:person_credits``/``people:organization_credits``, paginated).
FILMOGRAPHY_FIRST = 10


@dataclass
class FilmographyLine:
    """One (role, work) pair of a filmography as the database groups it: no credit loaded."""

    role_id: int
    work_id: int
    year: int | None
    sort_title: str
    role_order: tuple


def filmography_lines(credits) -> list[FilmographyLine]:
    """Every (role, top-level work) pair of ``credits`` (a plain queryset of one person's or
    organisation's credits), in page order — roles in department order, then the newest work
    first — in one grouped query that loads no credit, title or name (``Title.top_level``)."""
    rows = (
        credits.order_by()
        .values("role_id", "title__top_level_id", "role__department__order", "role__order", "role__name_en")
        .annotate(
            first_year=Min("title__year"),
            work_year=Max("title__top_level__year"),
            sort=Max("title__top_level__sort_title"),
        )
    )
    lines = [
        FilmographyLine(
            role_id=row["role_id"],
            work_id=row["title__top_level_id"],
            year=row["first_year"] or row["work_year"],
            sort_title=row["sort"] or "",
            role_order=(row["role__department__order"], row["role__order"], row["role__name_en"], row["role_id"]),
        )
        for row in rows
    ]
    lines.sort(key=lambda line: (line.role_order, -(line.year or 0), line.sort_title, line.work_id))
    return lines


def filmography(credits, lines: list[FilmographyLine]) -> list[RoleGroup]:
    """Roles → one line per top-level work (not one per episode) for the given ``lines`` (from
    ``filmography_lines``), in their order: one query for the credits of these works with their
    roles, titles, parents and works joined, one for their affiliations, one for the works'
    names — whatever the number of works, seasons or episodes."""
    wanted = {(line.role_id, line.work_id) for line in lines}
    found: dict[tuple, list] = {}
    if wanted:
        shown = (
            credits.filter(
                role__in={role for role, _work in wanted}, title__top_level__in={work for _role, work in wanted}
            )
            .select_related("role__department", "title__parent", "title__top_level", "person", "organization")
            .prefetch_related("affiliations", "title__top_level__localized_titles")
            .order_by("title__year", "pk")
        )
        for credit in shown:
            key = (credit.role_id, credit.title.top_level_id)
            if key in wanted:
                found.setdefault(key, []).append(credit)
    groups: dict[int, RoleGroup] = {}
    for line in lines:
        credits_of_line = found.get((line.role_id, line.work_id))
        if not credits_of_line:
            continue  # written between the two queries
        first = credits_of_line[0]
        group = groups.setdefault(line.role_id, RoleGroup(first.role))
        work = first.title.top_level
        group.lines.append(
            WorkLine(work, credits_of_line, span=span(work, [c.title for c in credits_of_line]), shown_year=line.year)
        )
    return list(groups.values())


def first_of_each_role(lines, first: int = FILMOGRAPHY_FIRST):
    """(the first ``first`` items of each role, {role id: number of items in that role}): the
    lines of a filmography, or the credit keys of a title page (anything with a ``role_id``)."""
    counts: dict[int, int] = {}
    shown = []
    for line in lines:
        counts[line.role_id] = counts.get(line.role_id, 0) + 1
        if counts[line.role_id] <= first:
            shown.append(line)
    return shown, counts
