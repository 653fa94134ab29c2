"""Titles a list shows under one name ("Yvette Chauviré" twice among Numeridanse's suggestions)
get a few words that tell them apart: the year when the years differ, else the kind, else what
the other apps know (``extensions.title_distinctions``: the people app names the first credit,
"Choreography: Michel Fokine"). The other apps are asked about every title of the list, in one
query each (at most one row per title), whether or not it has namesakes: a page costs the same
number of queries whatever titles it shows (issue 17)."""

from collections import defaultdict

from . import extensions
from .text import normalize


def distinctions(titles) -> dict[int, str]:
    """{title pk: words that tell it apart} for the titles of ``titles`` that share their
    displayed name (in the page's language) with another one of the list."""
    titles = list(titles)
    groups = defaultdict(list)
    for title in titles:
        groups[normalize(title.display_title())].append(title)
    labels: dict[int, list[str]] = {}
    unresolved = []
    for group in groups.values():
        if len(group) < 2:
            continue
        years = {t.year for t in group}
        kinds = {t.kind for t in group}
        for title in group:
            parts = labels.setdefault(title.pk, [])
            if len(years) > 1 and title.year:
                parts.append(str(title.year))
            if len(kinds) > 1:
                parts.append(str(title.get_kind_display()))
        if len({tuple(labels[t.pk]) for t in group}) < len(group):
            unresolved.extend(group)
    if titles:
        wanted = {t.pk for t in unresolved}
        for entry in extensions.title_distinctions:
            for pk, text in entry.describe(titles).items():
                if text and pk in wanted:
                    labels[pk].append(text)
    return {pk: ", ".join(parts) for pk, parts in labels.items() if parts}
