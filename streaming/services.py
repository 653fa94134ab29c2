"""Batch releases: the per-episode offers of a release plan, previewed then created at once."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.enums import TitleKind
from catalog.models import Title

from .models import Offer

_LINE = re.compile(r"^\s*(?P<numbers>[\d\s,&–-]+?)\s*[:=]?\s*(?P<date>\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class Batch:
    numbers: tuple[int, ...]
    starts: datetime.date


def parse_batches(text: str) -> list[Batch]:
    """Read one batch per line: ``1-2: 2026-02-01``, ``5, 6, 7: 2026-04-01``, ``3 & 4 2026-03-01``.

    Raises ValidationError listing every line it cannot read."""
    batches, errors = [], []
    for index, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _LINE.match(raw)
        numbers: list[int] = []
        starts = None
        if match:
            try:
                starts = datetime.date.fromisoformat(match["date"])
            except ValueError:
                starts = None
            for part in re.split(r"[,&]", match["numbers"]):
                part = part.strip()
                if not part:
                    continue
                bounds = re.split(r"\s*[–-]\s*", part)
                if len(bounds) == 2 and all(b.isdigit() for b in bounds) and int(bounds[0]) <= int(bounds[1]):
                    numbers.extend(range(int(bounds[0]), int(bounds[1]) + 1))
                elif len(bounds) == 1 and bounds[0].isdigit():
                    numbers.append(int(bounds[0]))
                else:
                    numbers = []
                    break
        if not match or starts is None or not numbers:
            errors.append(
                _("Line %(line)s (“%(text)s”): write the episode numbers, then the date, e.g. “1-2: 2026-02-01”.")
                % {"line": index, "text": raw.strip()}
            )
            continue
        batches.append(Batch(tuple(numbers), starts))
    if errors:
        raise ValidationError(errors)
    if not batches:
        raise ValidationError(_("Give at least one batch."))
    seen: dict[int, int] = {}
    for batch in batches:
        for number in batch.numbers:
            seen[number] = seen.get(number, 0) + 1
    repeated = sorted(n for n, count in seen.items() if count > 1)
    if repeated:
        raise ValidationError(
            _("Episodes listed twice: %(numbers)s.") % {"numbers": ", ".join(str(n) for n in repeated)}
        )
    return batches


def episodes_of(parent: Title) -> dict[int, Title]:
    """The episodes directly under a season or miniseries, by number (one query)."""
    return {
        e.number: e
        for e in Title.objects.filter(parent=parent, kind=TitleKind.EPISODE, number__isnull=False).order_by("number")
    }


def plan_batch_release(parent: Title, batches: list[Batch], *, platform, country, offer_type, **fields) -> list[Offer]:
    """The unsaved offers of a release plan: one per episode, available from its batch's date.

    ``fields`` are the other offer fields shared by every episode (exclusive, price, currency,
    quality, available_until, url). Raises ValidationError when an episode is missing, when
    the series has seasons (choose the season), or when an episode already has an offer of
    this type on this platform in this country."""
    if parent.kind not in (TitleKind.SERIES, TitleKind.SEASON):
        raise ValidationError(_("Choose a season, or a series whose episodes have no season."))
    episodes = episodes_of(parent)
    if not episodes:
        raise ValidationError(_("%(title)s has no episodes yet: add them first.") % {"title": parent})
    wanted = [n for batch in batches for n in batch.numbers]
    missing = [n for n in wanted if n not in episodes]
    if missing:
        raise ValidationError(
            _("No episode numbered %(numbers)s in %(title)s.")
            % {"numbers": ", ".join(str(n) for n in missing), "title": parent}
        )
    taken = set(
        Offer.objects.filter(
            title__in=[episodes[n] for n in wanted], platform=platform, country=country, offer_type=offer_type
        ).values_list("title__number", flat=True)
    )
    if taken:
        raise ValidationError(
            _("Episodes %(numbers)s already have this kind of offer on %(platform)s in this country.")
            % {"numbers": ", ".join(str(n) for n in sorted(taken)), "platform": platform}
        )
    offers = []
    for batch in batches:
        for number in batch.numbers:
            offer = Offer(
                title=episodes[number],
                platform=platform,
                country=country,
                offer_type=offer_type,
                available_from=batch.starts,
                **fields,
            )
            offer.full_clean(exclude=["title", "platform", "country"])
            offers.append(offer)
    return offers


@transaction.atomic
def create_batch_release(parent: Title, batches: list[Batch], **kwargs) -> list[Offer]:
    """Plan and save the offers of a release plan: all of them or none."""
    offers = plan_batch_release(parent, batches, **kwargs)
    for offer in offers:
        offer.save()
    return offers
