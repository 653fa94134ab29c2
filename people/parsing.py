"""Paste credits: turn a press kit's credits block into credits, with a preview first.

Accepted forms (English or French labels, any case and accents, see the role labels in the
admin):

- ``Label: Name, Name`` lines, also ``Label : Name`` (French spacing) and several labels on
  one line separated by `` / `` (``Production / Coproduction of the video work : Little Bear,
  Canal + / Participation : CNC``);
- ``Name (Character)`` under a cast role, ``Name (Company, Company)`` under other person
  roles, ``Name (ACRONYM)`` kept whole under organisation roles;
- a heading line (``Cast``, ``Cast of Season 2``, ``Presented in Association with:``)
  followed by one name per line, bullets and trailing commas ignored; under a cast heading
  ``Name — Character``, ``Name as Character``, ``Name<TAB>Character`` and the glued
  ``Ariane LabedZoé Monin`` of copied web pages.

Nothing is dropped silently: every non-blank line yields at least one row, and lines that
are not credits are rows with a problem (blocking) or a note saying why they are skipped.
``parse`` only reads the role vocabulary; ``resolve`` matches names (people.matching);
``people.services.save_pasted_credits`` writes, all or nothing.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.text import normalize

from .enums import CreditTarget
from .matching import match_names
from .models import Organization, Person, Role

#: Labels that are facts about the work, not credits: shown as skipped, with the reason.
NOT_CREDITS = {
    "original broadcast": gettext_noop("An original broadcast is a broadcast offer (where to watch), not a credit."),
    "premiere diffusion": gettext_noop("An original broadcast is a broadcast offer (where to watch), not a credit."),
    "duration": gettext_noop("The duration is a fact of the title, not a credit."),
    "duree": gettext_noop("The duration is a fact of the title, not a credit."),
    "runtime": gettext_noop("The duration is a fact of the title, not a credit."),
    "format": gettext_noop("The format is a fact of the title, not a credit."),
    "source": gettext_noop("A source line is not a credit."),
    "photo": gettext_noop("A photo credit belongs to the image, not to the work."),
}

_BULLET = re.compile(r"^[\s•·▪●◦*\-–—]+")
_GLUED = re.compile(r"(?<=[a-zà-öø-ÿ])(?=[A-ZÀ-ÖØ-Þ])")
_CAST_SEPARATORS = (" — ", " – ", " ... ", " … ", "\t", " as ", " dans le rôle de ", " : ")
_NOT_A_NAME = re.compile(r"[|;<>{}\[\]=@]|https?:|www\.")
MAX_NAME = 150


@dataclass
class Row:
    """One name read from the block (or one line that gave no name), for the preview."""

    line: int
    text: str
    label: str = ""
    role: Role | None = None
    name: str = ""
    character: str = ""
    affiliations: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: bool = False
    # Filled by resolve():
    kind: str = ""  # once resolved: CreditTarget.PERSON or CreditTarget.ORGANIZATION
    match: Person | Organization | None = None
    affiliation_matches: list = field(default_factory=list)  # (name, record or None)

    @property
    def is_credit(self) -> bool:
        return bool(self.name) and self.role is not None and not self.skipped and not self.problems

    @property
    def is_new(self) -> bool:
        return self.is_credit and self.match is None


def _split_top_level(text: str, sep: str) -> list[str] | None:
    """Split on ``sep`` outside parentheses; None if parentheses do not balance."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        return None
    parts.append("".join(current))
    return parts


def _label_colons(line: str) -> list[int]:
    """Positions of colons that end a label: outside parentheses, not in "9:00" or "https:"."""
    positions, depth = [], 0
    for i, ch in enumerate(line):
        depth += ch == "("
        depth -= ch == ")"
        if ch != ":" or depth:
            continue
        before, after = line[i - 1 : i], line[i + 1 : i + 3]
        if (before.isdigit() and after[:1].isdigit()) or after == "//":
            continue
        positions.append(i)
    return positions


def _segments(line: str) -> list[tuple[str, str]] | None:
    """[(label, values)] of a labelled line; None when the line has no label colon.

    ``A / B : x, y / C : z`` gives [("A / B", "x, y"), ("C", "z")]: between two colons the
    last `` / `` separates the values of one label from the next label.
    """
    colons = _label_colons(line)
    if not colons:
        return None
    pieces, start = [], 0
    for pos in colons:
        pieces.append(line[start:pos])
        start = pos + 1
    pieces.append(line[start:])
    labels, values = [pieces[0].strip()], []
    for middle in pieces[1:-1]:
        head, sep, tail = middle.rpartition(" / ")
        if not sep:
            head, tail = middle, ""
        values.append(head.strip())
        labels.append(tail.strip())
    values.append(pieces[-1].strip())
    return list(zip(labels, values, strict=True))


def _heading_candidates(line: str) -> list[str]:
    """A line without a colon may be a heading: "Cast", "Cast of Season 2" → "Cast"…"""
    words = line.rstrip(":").split()
    return [" ".join(words[:n]) for n in range(len(words), 0, -1)][:6]


def _name_problem(name: str) -> str:
    if not name:
        return _("Empty name.")
    if len(name) > MAX_NAME:
        return _("Too long for a name (%(n)s characters).") % {"n": len(name)}
    if _NOT_A_NAME.search(name) or not any(ch.isalpha() for ch in name):
        return _("Does not look like a name.")
    return ""


class Parser:
    def __init__(self, text: str):
        self.lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.rows: list[Row] = []
        self.roles: dict[str, Role] = {}

    def parse(self) -> list[Row]:
        candidates = []
        for raw in self.lines:
            line = _BULLET.sub("", raw).strip()
            for label, _values in _segments(line) or []:
                candidates.append(label)
            candidates += _heading_candidates(line)
        self.roles = Role.objects.for_labels(candidates)  # the one query of parsing
        current: tuple[str, Role | None] | None = None
        for number, raw in enumerate(self.lines, start=1):
            line = _BULLET.sub("", raw).strip()
            if not line:
                continue
            segments = _segments(line)
            if segments is None:
                heading = self._heading(line)
                if heading is not None:
                    current = heading
                    self.rows.append(Row(number, raw, label=heading[0], role=heading[1], notes=[_("Heading.")]))
                    self._mark_label(self.rows[-1])
                    continue
                if current is None:
                    self.rows.append(Row(number, raw, problems=[_("No label: write “Label: Name, Name”.")]))
                    continue
                self._values(number, raw, current[0], current[1], line, under_heading=True)
                continue
            for label, values in segments:
                role = self.roles.get(normalize(label))
                current = (label, role)
                if not values:
                    row = Row(number, raw, label=label, role=role, notes=[_("Heading.")])
                    self._mark_label(row)
                    self.rows.append(row)
                    continue
                self._values(number, raw, label, role, values, under_heading=False)
        return self.rows

    def _heading(self, line):
        for candidate in _heading_candidates(line):
            key = normalize(candidate)
            if key in self.roles:
                return candidate, self.roles[key]
            if key in NOT_CREDITS and candidate == line.rstrip(":").strip():
                return candidate, None
        return None

    def _mark_label(self, row: Row) -> None:
        """Problems or skip notes that come from the label itself."""
        if row.role is not None:
            return
        reason = NOT_CREDITS.get(normalize(row.label))
        if reason:
            row.skipped = True
            row.notes = [_(reason)]
        else:
            row.problems = [_("Unknown label “%(label)s”: add it to a role, or fix it.") % {"label": row.label}]

    def _values(self, number, raw, label, role, values, under_heading):
        if role is None:
            row = Row(number, raw, label=label, name=values)
            self._mark_label(row)
            self.rows.append(row)
            return
        parts = _split_top_level(values, ",")
        if parts is None:
            self.rows.append(
                Row(number, raw, label=label, role=role, name=values, problems=[_("Unbalanced parentheses.")])
            )
            return
        last = len(parts) - 1
        for index, part in enumerate(parts):
            part = part.strip().rstrip(".").strip()
            if not part and index == last and index > 0:
                continue  # "Newen Connect," — a trailing comma
            self.rows.append(self._row(number, raw, label, role, part, under_heading))

    def _row(self, number, raw, label, role, part, under_heading) -> Row:
        row = Row(number, raw, label=label, role=role)
        name, inner = part, None
        match = re.fullmatch(r"(.*?)\s*\((.*)\)", part)
        if match and role.target != CreditTarget.ORGANIZATION:
            name, inner = match.group(1).strip(), match.group(2).strip()
            if inner == "":
                row.problems.append(_("Empty parentheses."))
        elif ("(" in part or ")" in part) and not match:
            row.problems.append(_("Text after the parentheses: “%(text)s”.") % {"text": part})
        if role.is_cast:
            if inner is None:
                name, inner = self._split_cast(name, row, glued_ok=under_heading)
            row.character = inner or ""
        elif inner:
            affiliations = [a.strip() for a in inner.split(",")]
            if any(not a for a in affiliations):
                row.problems.append(_("Empty company name in parentheses."))
            row.affiliations = [a for a in affiliations if a]
        row.name = name
        problem = _name_problem(name)
        if problem:
            row.problems.append(problem)
        return row

    @staticmethod
    def _split_cast(text, row, glued_ok):
        for sep in _CAST_SEPARATORS:
            if sep in text:
                name, _sep, character = text.partition(sep)
                return name.strip(), character.strip()
        boundaries = [m.start() for m in _GLUED.finditer(text)]
        if glued_ok and len(boundaries) == 1:
            cut = boundaries[0]
            row.notes.append(_("Name and character were glued together; split before “%(c)s”.") % {"c": text[cut:]})
            return text[:cut].strip(), text[cut:].strip()
        return text, ""


def parse(text: str) -> list[Row]:
    """Rows of the preview, one per name (and one per line that gave no name)."""
    return Parser(text).parse()


def resolve(rows: list[Row]) -> list[Row]:
    """Match every name against existing people and organisations (aliases, accents, case):
    four queries whatever the number of names. A name matching two records is a problem."""
    credit_rows = [r for r in rows if r.is_credit]
    person_names = {r.name for r in credit_rows if r.role.target != CreditTarget.ORGANIZATION}
    org_names = {r.name for r in credit_rows if r.role.target != CreditTarget.PERSON}
    org_names |= {a for r in credit_rows for a in r.affiliations}
    people = match_names(Person, person_names)
    organizations = match_names(Organization, org_names)
    for row in credit_rows:
        target = row.role.target
        if target == CreditTarget.EITHER:
            only_organization = organizations.get(row.name) and not people.get(row.name)
            target = CreditTarget.ORGANIZATION if only_organization else CreditTarget.PERSON
        row.kind = CreditTarget.ORGANIZATION if target == CreditTarget.ORGANIZATION else CreditTarget.PERSON
        found = (organizations if row.kind == CreditTarget.ORGANIZATION else people)[row.name]
        if len(found) > 1:
            names = ", ".join(f"{r.name} ({r.slug})" for r in found)
            row.problems.append(_("Matches several records: %(names)s. Merge them first.") % {"names": names})
        else:
            row.match = found[0] if found else None
        for company in row.affiliations:
            hits = organizations[company]
            if len(hits) > 1:
                row.problems.append(_("“%(name)s” matches several organisations.") % {"name": company})
            row.affiliation_matches.append((company, hits[0] if len(hits) == 1 else None))
    return rows


def preview(text: str) -> list[Row]:
    return resolve(parse(text))
