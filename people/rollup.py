"""Credits grouped for pages: by department and role on a title (with its seasons' and
episodes' credits rolled up), by role and work on a person's or organisation's page."""

from dataclasses import dataclass, field

from django.db.models import Q, prefetch_related_objects
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


@dataclass
class DepartmentGroup:
    department: object
    roles: list = field(default_factory=list)


def title_credits(title) -> list[Credit]:
    """The credits of ``title`` and of its seasons and episodes: two queries. The title page
    reads them once for its credits and its JSON-LD (people.hooks)."""
    # Credits of published seasons and episodes roll up; the page's own title may be a preview.
    shown = Credit.objects.under(title).filter(Q(title=title) | Title.public_q("title__"))
    return list(shown.for_title_page())


def title_rollup(title, credits) -> list[DepartmentGroup]:
    """Departments → roles → one line per person or organisation, with what they did, from
    ``title_credits(title)``."""
    lines: dict[tuple, CreditLine] = {}
    for credit in credits:
        key = (credit.role_id, "p" if credit.person_id else "o", credit.person_id or credit.organization_id)
        line = lines.setdefault(key, CreditLine(credited=credit.credited, role=credit.role))
        line.credits.append(credit)
    departments: dict[int, DepartmentGroup] = {}
    for line in lines.values():
        line.span = span(title, line.titles)
        dept = departments.setdefault(line.role.department_id, DepartmentGroup(line.role.department))
        if not dept.roles or dept.roles[-1].role.pk != line.role.pk:
            dept.roles.append(RoleGroup(line.role))
        dept.roles[-1].lines.append(line)
    return list(departments.values())


@dataclass
class WorkLine(CreditsSummary):
    """One work in a filmography: the top-level title and what the person did on it."""

    work: object
    credits: list = field(default_factory=list)
    span: str = ""

    @property
    def year(self):
        years = [c.title.year for c in self.credits if c.title.year] or [self.work.year]
        return min(y for y in years if y) if any(years) else None


def filmography(credits) -> list[RoleGroup]:
    """Roles → one line per top-level work (not one per episode), newest first. The credits
    must come from ``Credit.objects.for_filmography()`` (with or without names)."""
    groups: dict[int, RoleGroup] = {}
    works: dict[tuple, WorkLine] = {}
    for credit in credits:
        work = credit.title.root()
        group = groups.setdefault(credit.role_id, RoleGroup(credit.role))
        key = (credit.role_id, work.pk)
        if key not in works:
            works[key] = WorkLine(work)
            group.lines.append(works[key])
        works[key].credits.append(credit)
    # The works' own names, in one query unless the credits came with them: on every instance a
    # line shows (credits on two episodes of a series reach it through two instances).
    prefetch_related_objects([line.work for line in works.values()], "localized_titles")
    for group in groups.values():
        for line in group.lines:
            line.span = span(line.work, [c.title for c in line.credits])
        group.lines.sort(key=lambda w: (-(w.year or 0), w.work.sort_title))
    return list(groups.values())
