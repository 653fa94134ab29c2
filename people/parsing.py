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
  ``Ariane LabedZoé Monin`` of copied web pages;
- a label without a colon at the start of a line or after `` / ``: ``Avec Sandrine Bonnaire
  (Mona), Macha Méril (Madame Landier)``, ``Réalisation Agnès Varda / Production : Ciné-Tamaris``;
  a `` / `` followed by no label separates two names (``Production : Arte France / ZDF``);
- ``Distribution``, cast in French press kits and distributor in English ones: read as the
  cast when its names carry characters or look like people's names, else as the distributor,
  with a warning either way.

What the parser had to guess is a warning on the row (shown in the preview, not blocking): the
French/English sense of a label, a label read without a colon under a heading, whether a new
name under a role given to people or organisations is one or the other, and a new organisation
whose name looks like a person's (a cast line that lost its label).

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

#: Labels whose sense depends on the language of the press kit: (role slug when the names look
#: like a cast, role slug otherwise). An editor who adds the label to a role overrides this.
AMBIGUOUS_LABELS = {"distribution": ("actor", "distributor")}

#: Words that say a name is an organisation's ("Les Films du Losange", "Opéra national de
#: Paris"), compared as ``normalize``d words.
COMPANY_WORDS = frozenset(
    [
        "films",
        "film",
        "filmproduktion",
        "productions",
        "production",
        "producciones",
        "produzioni",
        "produktion",
        "prod",
        "prods",
        "pictures",
        "picture",
        "studio",
        "studios",
        "entertainment",
        "media",
        "medias",
        "distribution",
        "distributions",
        "cinema",
        "cinemas",
        "cine",
        "tv",
        "television",
        "channel",
        "group",
        "groupe",
        "company",
        "compagnie",
        "cie",
        "ballet",
        "opera",
        "orchestra",
        "orchestre",
        "philharmonie",
        "philharmonic",
        "theatre",
        "theater",
        "festival",
        "foundation",
        "fondation",
        "association",
        "institute",
        "institut",
        "centre",
        "center",
        "ministry",
        "ministere",
        "region",
        "departement",
        "commission",
        "council",
        "conseil",
        "city",
        "ville",
        "sa",
        "sas",
        "sarl",
        "ltd",
        "llc",
        "inc",
        "gmbh",
        "bv",
        "corp",
        "plc",
        "srl",
        "spa",
        "ag",
        "records",
        "music",
        "musique",
        "arts",
        "label",
        "network",
        "networks",
        "agency",
        "agence",
        "connect",
        "society",
        "societe",
        "club",
        "ensemble",
        "fund",
        "fonds",
        "bank",
        "banque",
        "university",
        "universite",
        "ecole",
        "school",
        "museum",
        "musee",
        "broadcasting",
        "radio",
        "france",
        "international",
        "world",
        "global",
        "canal",
        "arte",
        "national",
        "nationale",
        "office",
        "bureau",
        "collective",
        "collectif",
        "factory",
        "house",
        "lab",
        "labs",
        "works",
        "audiovisuel",
        "audiovisual",
        "animation",
        "cooperative",
        "the",
        "culture",
        "communication",
        "danse",
        "dance",
    ]
)
#: Lower-case words inside people's names ("Hortense de Gromard", "Gert Van Berckelaer").
NAME_PARTICLES = frozenset(
    [
        "de",
        "du",
        "des",
        "d",
        "van",
        "von",
        "der",
        "den",
        "le",
        "la",
        "di",
        "da",
        "del",
        "della",
        "dos",
        "das",
        "do",
        "ter",
        "ten",
        "bin",
        "ben",
        "el",
        "al",
        "y",
        "e",
    ]
)

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
    warnings: list[str] = field(default_factory=list)  # guesses to check; they do not block
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


def _split_slashes(text: str) -> list[str]:
    """``text`` cut at every `` / `` outside parentheses, pieces stripped."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text.startswith(" / ", i):
            parts.append(text[start:i].strip())
            start = i + 3
            i += 3
            continue
        i += 1
    parts.append(text[start:].strip())
    return parts


def _heading_candidates(line: str) -> list[str]:
    """The labels a line may start with, longest first: "Cast of Season 2" → "Cast of Season 2",
    "Cast of Season", "Cast of", "Cast" (at most six words)."""
    words = line.rstrip(":").split()[:6]
    return [" ".join(words[:n]) for n in range(len(words), 0, -1)]


def _name_words(name: str) -> list[str]:
    """The words of ``name`` without a trailing parenthesis ("Macha Méril (Madame Landier)")."""
    return re.sub(r"\s*\(.*\)\s*$", "", name).split()


def looks_like_person(name: str) -> bool:
    """Whether ``name`` reads as a person's name: two to five words, at least two of them
    capitalised, the others particles ("de", "van"), no digit, no "&" or "+", no acronym, no
    word of an organisation's name ("Films", "Productions", "Opéra"). A guess, used only to
    warn."""
    words = _name_words(name)
    if not 2 <= len(words) <= 5 or re.search(r"[\d&+@/]", " ".join(words)):
        return False
    if set(normalize(" ".join(words)).split()) & COMPANY_WORDS:
        return False
    capitalised = 0
    for word in words:
        core = re.sub(r"^[dlDL][’']", "", word)  # d'Ormesson
        letters = [ch for ch in core if ch.isalpha()]
        if not letters:
            return False
        if core.isupper() and len(letters) <= 4:
            return False  # an acronym: "CNC", "ZDF"
        if letters[0].isupper():
            capitalised += 1
        elif normalize(word) not in NAME_PARTICLES:
            return False
    return capitalised >= 2


def _names_look_like_cast(values: str) -> bool:
    """Names of a cast: a character in parentheses, or every name a person's."""
    names = [part.strip() for part in (_split_top_level(values, ",") or [values]) if part.strip()]
    return bool(names) and ("(" in values or all(looks_like_person(n) for n in names))


@dataclass
class _Segment:
    """A label and its names, as read from one line. ``label`` None: names under the current
    heading. ``colon``: the label was followed by a colon (else it was read from the words that
    start the line or follow a `` / ``)."""

    label: str | None
    values: str
    colon: bool = True


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
        self.by_slug: dict[str, Role] = {}  # roles of AMBIGUOUS_LABELS, when the block uses one

    def parse(self) -> list[Row]:
        candidates = []
        for raw in self.lines:
            line = _BULLET.sub("", raw).strip()
            for label, _values in _segments(line) or []:
                candidates.append(label)
            for piece in re.split(r" / |:", line):
                candidates += _heading_candidates(piece.strip())
        self.roles = Role.objects.for_labels(candidates)  # the one query of parsing
        keys = {normalize(c) for c in candidates}
        ambiguous = {key: slugs for key, slugs in AMBIGUOUS_LABELS.items() if key in keys and key not in self.roles}
        if ambiguous:  # only for a block that uses such a label
            wanted = {slug for slugs in ambiguous.values() for slug in slugs}
            self.by_slug = {role.slug: role for role in Role.objects.filter(slug__in=wanted)}
        current: tuple[str, Role | None] | None = None
        heading_open = False  # the last label was a heading: names may follow, one per line
        for number, raw in enumerate(self.lines, start=1):
            line = _BULLET.sub("", raw).strip()
            if not line:
                continue
            for segment in self._line_segments(line):
                if segment.label is None:
                    if current is None:
                        self.rows.append(Row(number, raw, problems=[_("No label: write “Label: Name, Name”.")]))
                        continue
                    self._values(number, raw, current[0], current[1], segment.values, under_heading=True)
                    continue
                role, warning = self._role(segment)
                if not segment.colon and heading_open and segment.values and current is not None:
                    warning = _(
                        "Read “%(label)s” as a new label (no colon). If this line is a name under “%(heading)s”, "
                        "write it as “%(heading)s: %(line)s”."
                    ) % {"label": segment.label, "heading": current[0], "line": line}
                current = (segment.label, role)
                if not segment.values:
                    row = Row(number, raw, label=segment.label, role=role, notes=[_("Heading.")])
                    self._mark_label(row)
                    self.rows.append(row)
                    heading_open = True
                    continue
                heading_open = False
                first = len(self.rows)
                self._values(number, raw, segment.label, role, segment.values, under_heading=False)
                if warning and len(self.rows) > first:
                    self.rows[first].warnings.append(warning)
        return self.rows

    def _label_at_start(self, text: str) -> tuple[str, str] | None:
        """(label, rest) when ``text`` starts with a known label (the longest), else None."""
        for candidate in _heading_candidates(text):
            key = normalize(candidate)
            if key in self.roles or key in NOT_CREDITS or (key in AMBIGUOUS_LABELS and self.by_slug):
                return candidate, text[len(candidate) :].strip().lstrip(":").strip()
        return None

    def _line_segments(self, line: str) -> list[_Segment]:
        """The labels of one line with their names, in order (see ``_Segment``). After the
        names of a label, each `` / `` chunk starts a new label or adds one more name."""
        colon_segments = _segments(line)
        if colon_segments is None:
            first, *chunks = _split_slashes(line)
            start = self._label_at_start(first)
            if start is None:
                segments = [_Segment(None, first, colon=False)]
            else:
                label, values = start
                if values and (values.startswith("(") or not any(ch.isalpha() for ch in values)):
                    values = ""  # "Cast of Season 2", "Cast (in order of appearance)": a heading
                segments = [_Segment(label, values, colon=False)]
            for chunk in chunks:
                self._add_chunk(segments, chunk)
            return segments
        segments = []
        for label, values in colon_segments:
            first, *chunks = _split_slashes(values)
            segments.append(_Segment(label, first))
            for chunk in chunks:
                self._add_chunk(segments, chunk)
        return segments

    def _add_chunk(self, segments: list[_Segment], chunk: str) -> None:
        start = self._label_at_start(chunk)
        if start is not None and start[1]:
            segments.append(_Segment(start[0], start[1], colon=False))
        elif chunk:
            previous = segments[-1]
            previous.values = f"{previous.values}, {chunk}" if previous.values else chunk

    def _role(self, segment: _Segment) -> tuple[Role | None, str]:
        """The role of a segment's label, and a warning when the label's sense was guessed."""
        key = normalize(segment.label)
        if key in self.roles or key not in AMBIGUOUS_LABELS:
            return self.roles.get(key), ""
        cast_slug, other_slug = AMBIGUOUS_LABELS[key]
        if _names_look_like_cast(segment.values) and cast_slug in self.by_slug:
            return self.by_slug[cast_slug], _("“%(label)s” read as the cast (its French sense): check the role.") % {
                "label": segment.label
            }
        role = self.by_slug.get(other_slug)
        if role is None:
            return None, ""
        return role, _("“%(label)s” read as the distributor (its English sense): check the role.") % {
            "label": segment.label
        }

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
    four queries whatever the number of names. A name matching two records is a problem; a
    guess (person or organisation for a new name, a new organisation named like a person) is a
    warning."""
    credit_rows = [r for r in rows if r.is_credit]
    person_names = {r.name for r in credit_rows if r.role.target != CreditTarget.ORGANIZATION}
    org_names = {r.name for r in credit_rows if r.role.target != CreditTarget.PERSON}
    org_names |= {a for r in credit_rows for a in r.affiliations}
    people = match_names(Person, person_names)
    organizations = match_names(Organization, org_names)
    for row in credit_rows:
        row.kind = _kind(row, people, organizations)
        found = (organizations if row.kind == CreditTarget.ORGANIZATION else people)[row.name]
        if len(found) > 1:
            names = ", ".join(f"{r.name} ({r.slug})" for r in found)
            row.problems.append(_("Matches several records: %(names)s. Merge them first.") % {"names": names})
        else:
            row.match = found[0] if found else None
        if row.kind == CreditTarget.ORGANIZATION and not found and looks_like_person(row.name):
            row.warnings.append(
                _(
                    "“%(name)s” would become a new organisation but looks like a person's name: check the label "
                    "(a cast line needs its own label, e.g. “Avec”)."
                )
                % {"name": row.name}
            )
        for company in row.affiliations:
            hits = organizations[company]
            if len(hits) > 1:
                row.problems.append(_("“%(name)s” matches several organisations.") % {"name": company})
            elif not hits and looks_like_person(company):
                row.warnings.append(
                    _(
                        "“%(name)s” would become a new organisation but looks like a person's name: check the "
                        "parentheses (a character needs a cast role)."
                    )
                    % {"name": company}
                )
            row.affiliation_matches.append((company, hits[0] if len(hits) == 1 else None))
    return rows


def _kind(row: Row, people, organizations) -> str:
    """Person or organisation for ``row``: the role's target, else (a role given to either) the
    existing record the name matches, else a guess from the name, with a warning."""
    target = row.role.target
    if target != CreditTarget.EITHER:
        return CreditTarget.ORGANIZATION if target == CreditTarget.ORGANIZATION else CreditTarget.PERSON
    if people.get(row.name):
        return CreditTarget.PERSON
    if organizations.get(row.name):
        return CreditTarget.ORGANIZATION
    if looks_like_person(row.name):
        kind, message = (
            CreditTarget.PERSON,
            _(
                "“%(name)s” is new: guessed to be a person (“%(role)s” can be a person or an organisation). "
                "Check it, or create the record first."
            ),
        )
    else:
        kind, message = (
            CreditTarget.ORGANIZATION,
            _(
                "“%(name)s” is new: guessed to be an organisation (“%(role)s” can be a person or an organisation). "
                "Check it, or create the record first."
            ),
        )
    row.warnings.append(message % {"name": row.name, "role": row.role.name})
    return kind


def preview(text: str) -> list[Row]:
    return resolve(parse(text))
