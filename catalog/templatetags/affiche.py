import json
import re

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import translate_url
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def alternate_url(context, language):
    """This page's address in ``language`` (the site's default language when empty), query
    string kept."""
    request = context["request"]
    return translate_url(request.get_full_path(), language or settings.LANGUAGE_CODE)


@register.simple_tag
def jsonld(data):
    """A ``<script type="application/ld+json">`` block, safe against ``</script>`` in text."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def colon():
    """``{% colon %}``: ": ", or " : " with a narrow no-break space in French."""
    from catalog.typography import colon as write

    return write()


@register.simple_tag
def semicolon():
    """``{% semicolon %}``: "; ", or " ; " with a narrow no-break space in French."""
    from catalog.typography import semicolon as write

    return write()


@register.filter
def long_date(day):
    """``{{ day|long_date }}``: "February 1, 2026" / "1er février 2026" (catalog.typography)."""
    from catalog.typography import long_date as write

    return write(day)


_RANGE = re.compile(r"\d+–\d+")


@register.filter
def unbroken_ranges(text):
    """``{{ line.span|unbroken_ranges }}``: "seasons 1–2" with each number range kept on one line
    (a browser may break after an en dash: "seasons 1–" / "2", issue 16). Escapes ``text``."""
    return mark_safe(_RANGE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', escape(str(text or ""))))


@register.filter
def website_label(url):
    """``https://www.example.org/`` as a reader says it: ``example.org`` (a path is kept)."""
    label = re.sub(r"^[a-z][a-z0-9+.-]*://", "", str(url or ""), flags=re.IGNORECASE)
    label = re.sub(r"^www\.", "", label, flags=re.IGNORECASE)
    return label.rstrip("/")


@register.filter
def display_title(title, language=None):
    return title.display_title(language)


@register.filter
def full_title(title, language=None):
    return title.full_title(language)


@register.filter
def distinction(title, distinctions):
    """What tells ``title`` apart from a namesake in the same list (``catalog.distinctions``)."""
    return (distinctions or {}).get(title.pk, "")


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The list's address at another page, filters kept."""
    query = context.get("query_without_page", "")
    return f"?{query}&page={page_number}" if query else f"?page={page_number}"


@register.simple_tag(takes_context=True)
def section(context, rendered):
    """``{% section s %}``: one block another app added to this page (catalog.extensions), its
    template rendered with the page's context plus the block's own data."""
    with context.push(**rendered.data):
        return get_template(rendered.template).template.render(context)


@register.simple_tag
def money(amount, currency):
    """``{% money plan.price plan.currency %}`` → "€9.90" / "9,90 €"."""
    from catalog.money import format_money

    return format_money(amount, currency)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` (or an image's ``url``) as a full address on this site, for tags read elsewhere."""
    return context["request"].build_absolute_uri(path) if path else ""


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # The captured text is template output, escaped already where it needs to be.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: renders its content once into ``name``, so that
    base.html can use a page's ``{% block title %}`` in <title>, OpenGraph and Twitter tags."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def item_list_jsonld(context, objects, page_type=""):
    """``{% item_list_jsonld titles %}``: a list page's JSON-LD (catalog.jsonld.item_list)."""
    from catalog.jsonld import item_list

    return jsonld(item_list(objects, context["request"], page_type))
