"""Attributed statements: a quotation or a claim, with who said it and where (issue 16, defect 5).

A press release says things about a work ("Les couloirs autour de la scène…", explains the
Opéra national de Paris) or about a platform ("POP s'impose comme la plateforme de
référence…"). They are not facts of the record: the public pages show them as quotations,
with their speaker and source. ``Statement`` is the shared shape; ``TitleStatement`` (here) and
``streaming.PlatformStatement`` attach it; ``StatementsColumn`` is their CSV column.
"""

import datetime
import json

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import fields
from .csvio import ExportItems, JsonObject, RelatedColumn, grouped


class Statement(models.Model):
    text = fields.TextField(_("statement"), help_text=_("As written, without the quotation marks."))
    language = models.ForeignKey(
        "catalog.Language",
        verbose_name=_("language"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    speaker = fields.CharField(
        _("said by"), max_length=200, help_text=_("Who said or wrote it, e.g. Opéra national de Paris.")
    )
    source = fields.CharField(_("source"), max_length=200, blank=True, help_text=_("Where it was published."))
    stated_on = models.DateField(_("stated on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"


class StatementsColumn(RelatedColumn):
    """``statements``: a JSON list, one object per statement, in order:
    ``[{"text": "…", "speaker": "…", "language": "fr", "source": "…", "stated_on": "2026-01-28"}]``.
    JSON because a quotation holds any character (commas, colons, bars, line breaks)."""

    keys = ("text", "speaker", "language", "source", "stated_on")

    def __init__(self, model, owner_field):
        self.model = model
        self.owner_field = owner_field
        self.prefetch = ("statements",)
        self._languages = None  # the language codes, read once per import

    def parse(self, cell, row, resource):
        if not cell.strip():
            return ()
        try:
            items = json.loads(cell)
        except ValueError as exc:
            raise ValidationError(
                _('Write the statements as a JSON list, e.g. [{"text": "…", "speaker": "…"}] (%(error)s).')
                % {"error": exc}
            ) from exc
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ValidationError(_("Write the statements as a JSON list of objects with “text” and “speaker”."))
        parsed = []
        for item in items:
            unknown = set(item) - set(self.keys)
            if unknown:
                raise ValidationError(
                    _("Unknown key(s) in a statement: %(keys)s; expected %(expected)s.")
                    % {"keys": ", ".join(sorted(unknown)), "expected": ", ".join(self.keys)}
                )
            values = tuple(str(item.get(key) or "").strip() for key in self.keys)
            self._check(*values)
            parsed.append(values)
        return tuple(parsed)

    def _check(self, text, speaker, language, source, stated_on):
        if not text or not speaker:
            raise ValidationError(_("Each statement needs its “text” and its “speaker”."))
        if len(speaker) > 200 or len(source) > 200:
            raise ValidationError(_("A statement's “speaker” and “source” hold at most 200 characters."))
        if language:
            if self._languages is None:
                from .models import Language

                self._languages = set(Language.objects.values_list("code", flat=True))
            if language not in self._languages:
                raise ValidationError(
                    _("Unknown language “%(code)s” in a statement: write an ISO 639 code, e.g. fr or en.")
                    % {"code": language}
                )
        if stated_on:
            try:
                datetime.date.fromisoformat(stated_on)
            except ValueError as exc:
                raise ValidationError(
                    _("Write a statement's “stated_on” as YYYY-MM-DD, e.g. 2026-01-28 (got “%(value)s”).")
                    % {"value": stated_on}
                ) from exc

    def current(self, instance):
        if instance.pk is None:
            return ()
        return tuple(
            (s.text, s.speaker, s.language_id or "", s.source, s.stated_on.isoformat() if s.stated_on else "")
            for s in instance.statements.all()
        )

    def render(self, instance):
        return self.cell(self.current(instance))

    def cell(self, statements) -> str:
        items = [dict(zip(self.keys, values, strict=True)) for values in statements]
        return json.dumps([{k: v for k, v in item.items() if v} for item in items], ensure_ascii=False) if items else ""

    def export_items(self, model):
        item = JsonObject(
            text="text", speaker="speaker", language="language_id", source="source", stated_on="stated_on"
        )
        return ExportItems(
            self.model._default_manager.all(), f"{self.owner_field}_id", item, ["order", "pk"], ", ", ("[", "]")
        )

    def export_values(self, model, pks):
        rows = self.model._default_manager.filter(**{f"{self.owner_field}_id__in": pks}).values_list(
            f"{self.owner_field}_id", "text", "speaker", "language_id", "source", "stated_on"
        )
        found = grouped(
            (owner, text, speaker, language or "", source, stated_on.isoformat() if stated_on else "")
            for owner, text, speaker, language, source, stated_on in rows
        )
        return {pk: self.cell(statements) for pk, statements in found.items()}

    def write(self, items):
        if not items:
            return
        self.model.objects.filter(**{f"{self.owner_field}__in": [owner.pk for owner, _v in items]}).delete()
        self.model.objects.bulk_create(
            [
                self.model(
                    **{self.owner_field: owner},
                    text=text,
                    speaker=speaker,
                    language_id=language or None,
                    source=source,
                    stated_on=stated_on or None,
                    order=order,
                )
                for owner, statements in items
                for order, (text, speaker, language, source, stated_on) in enumerate(statements)
            ]
        )
