"""Text that staff type into one-line fields (names, titles, slugs, labels) must read as what
it is: bidirectional control characters (e.g. U+202E RIGHT-TO-LEFT OVERRIDE, which makes
"harmless‮gpj.exe" display as "harmlessexe.jpg") are refused there. Multi-line texts
(synopses, biographies) may need them for right-to-left languages and are left alone.
NUL bytes are refused everywhere by Django's own form fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def has_bidi_controls(text: str) -> bool:
    return any(char in BIDI_CONTROLS for char in text)


class PlainTextFormMixin:
    """Mixed into every staff form of the admin (``catalog.versioning.staff_form``)."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            single_line = isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea)
            if single_line and isinstance(value, str) and has_bidi_controls(value):
                self.add_error(
                    name, _("Remove the invisible text-direction characters (such as U+202E) from this field.")
                )
        return cleaned
