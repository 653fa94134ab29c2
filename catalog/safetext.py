"""Text that staff type into one-line fields (names, titles, slugs, labels) must read as what
it is: bidirectional control characters (e.g. U+202E RIGHT-TO-LEFT OVERRIDE, which makes
"harmless‮gpj.exe" display as "harmlessexe.jpg") are refused there. Multi-line texts
(synopses, biographies) may need them for right-to-left languages and are left alone.
NUL bytes are refused everywhere by Django's own form fields. The admin forms check with
``catalog.admin_base.PlainTextFormMixin``."""

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def has_bidi_controls(text: str) -> bool:
    return any(char in BIDI_CONTROLS for char in text)
