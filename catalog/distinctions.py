"""Titles a list shows under one name ("Yvette Chauviré" twice among Numeridanse's suggestions)
get a few words that tell them apart: the year when the years differ, else the kind, else what
the other apps know (``extensions.title_distinctions``: the people app names the first credit,
"Choreography: Michel Fokine"). Only the ambiguous titles are looked at, so a list without
namesakes costs nothing."""

from collections import defaultdict

from . import extensions
from .text import normalize


def distinctions(titles) -> dict[int, str]:
    """{title pk: words that tell it apart} for the titles of ``titles`` that share their
    displayed name (in the page's language) with another one of the list."""
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
    if unresolved:
        for entry in extensions.title_distinctions:
            for pk, text in entry.describe(unresolved).items():
                if text:
                    labels[pk].append(text)
    return {pk: ", ".join(parts) for pk, parts in labels.items() if parts}
