"""Text hygiene at the model layer: the text fields of every model of the four apps.

``CharField``, ``SlugField``, ``URLField``, ``EmailField`` (one line) and ``TextField``
(several lines) behave like Django's, plus:

- line ends are normalised: CRLF and a lone CR become LF (browsers post CRLF from a
  ``<textarea>``; spreadsheets write CRLF inside cells);
- control characters are refused with a message naming them: NUL and the other C0 controls
  (U+0000–U+001F), DEL and the C1 controls (U+007F–U+009F), lone surrogates and the
  non-characters U+FFFE/U+FFFF — none of them can be written in XML (Atom feeds, sitemaps),
  PostgreSQL refuses NUL, and none is typed on purpose. A multi-line text keeps tab and
  newline; a one-line field takes neither;
- the column's length (``max_length``) is checked as before.

The model field's ``clean`` does it (``to_python`` normalises, the validator refuses), so every
write path that validates its model — admin forms (``ModelForm`` runs ``full_clean``), the CSV
engine (``clean_fields``) and the services — refuses such text with one clear message. A
``TextField`` has no length in the database; ``max_length`` may still be given (the form and the
validator check it).

Their ``deconstruct`` names Django's class: the columns are Django's, so migrations neither
change nor import this module. ``tests/test_text_fields.py`` asserts that every text field of
the four apps carries ``PlainTextValidator``; ``clean_stored_text`` is the data migration that
cleans what was stored before.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# C0 controls, DEL, C1 controls, surrogates and U+FFFE/U+FFFF; tab and LF are told apart below.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
ONE_LINE_FORBIDDEN = re.compile(f"[{_CONTROLS}\t\n\r]")
MULTI_LINE_FORBIDDEN = re.compile(f"[{_CONTROLS}\r]")
NEWLINES = re.compile(r"\r\n?")


def normalise_newlines(value):
    """CRLF and lone CR → LF (other values unchanged)."""
    if isinstance(value, str) and "\r" in value:
        return NEWLINES.sub("\n", value)
    return value


def describe(char: str) -> str:
    names = {"\x00": "NUL", "\t": "tab", "\n": "line break", "\r": "carriage return", "\x1b": "ESC"}
    return f"U+{ord(char):04X}" + (f" ({names[char]})" if char in names else "")


@deconstructible
class PlainTextValidator:
    """Refuses control characters (see the module's docstring); ``multiline`` allows tab and LF."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        if not isinstance(value, str):
            return
        pattern = MULTI_LINE_FORBIDDEN if self.multiline else ONE_LINE_FORBIDDEN
        found = list(dict.fromkeys(pattern.findall(value)))
        if not found:
            return
        if not self.multiline and set(found) <= {"\n", "\r", "\t"}:
            raise ValidationError(
                _("Write this on one line: it holds %(chars)s."),
                code="multiline",
                params={"chars": ", ".join(describe(c) for c in found)},
            )
        raise ValidationError(
            ngettext(
                "Remove the control character %(chars)s (invisible, it cannot be shown or exported).",
                "Remove the control characters %(chars)s (invisible, they cannot be shown or exported).",
                len(found),
            ),
            code="control_characters",
            params={"chars": ", ".join(describe(c) for c in found[:5])},
        )

    def __eq__(self, other):
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline

    def __hash__(self):
        return hash((PlainTextValidator, self.multiline))


def clean_text(value: str, multiline: bool, max_length: int | None = None) -> str:
    """What the data migration keeps of a stored value: line ends normalised, forbidden
    characters removed (a line break or tab of a one-line field becomes a space), cut to
    ``max_length``."""
    value = normalise_newlines(value)
    if multiline:
        value = MULTI_LINE_FORBIDDEN.sub("", value)
    else:
        value = re.sub(r"[\t\n]+", " ", value)
        value = ONE_LINE_FORBIDDEN.sub("", value)
    return value[:max_length] if max_length else value


class PlainTextMixin:
    """The shared part of the fields below."""

    multiline = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(PlainTextValidator(multiline=self.multiline))

    def to_python(self, value):
        return normalise_newlines(super().to_python(value))

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        base = next(c for c in type(self).__mro__ if c.__module__ == "django.db.models.fields")
        return name, f"django.db.models.{base.__name__}", args, kwargs


class CharField(PlainTextMixin, models.CharField):
    pass


class SlugField(PlainTextMixin, models.SlugField):
    pass


class URLField(PlainTextMixin, models.URLField):
    pass


class EmailField(PlainTextMixin, models.EmailField):
    pass


class TextField(PlainTextMixin, models.TextField):
    multiline = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(self.max_length))


TEXT_FIELD_TYPES = (models.CharField, models.TextField)


def clean_stored_text(apps, schema_editor, app_label: str):
    """Data migration: clean every text value stored by ``app_label`` before these rules
    (``clean_text``), in batches; rows already clean are not written."""
    for model in apps.get_app_config(app_label).get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, TEXT_FIELD_TYPES) and not f.primary_key and not f.choices
        ]
        if not fields:
            continue
        names = [f.attname for f in fields]
        manager = model._base_manager.using(schema_editor.connection.alias)
        changed = []
        for pk, *values in manager.order_by("pk").values_list("pk", *names).iterator(chunk_size=2000):
            updates = {}
            for field, value in zip(fields, values, strict=True):
                if isinstance(value, str):
                    cleaned = clean_text(value, isinstance(field, models.TextField), field.max_length)
                    if cleaned != value:
                        updates[field.attname] = cleaned
            if updates:
                changed.append((pk, updates))
        for pk, updates in changed:
            manager.filter(pk=pk).update(**updates)


def internal(model_field):
    """Mark ``model_field`` as a note for staff (sources, inferences, where a spelling was
    seen): the admin shows it, no public page, feed, calendar or JSON-LD does.
    ``tests/test_internal_fields.py`` walks every public URL with each such field filled and
    asserts that none shows. The mark is an attribute, not a column option: no migration."""
    model_field.internal = True
    return model_field


def internal_fields(model) -> list:
    return [f for f in model._meta.get_fields() if getattr(f, "internal", False)]
