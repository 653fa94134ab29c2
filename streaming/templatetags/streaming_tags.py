"""Streaming fragments for other apps' pages. Each runs a fixed number of queries."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.money import format_money
from streaming.availability import AVAILABLE, COMING, date_label, releases, where_to_watch
from streaming.enums import BillingPeriod, OfferType
from streaming.models import Offer, Platform, today

register = template.Library()

#: How many releases the home page shows in "new" and in "coming soon".
HOME_LIMIT = 8


@register.simple_tag
def plan_price(plan) -> str:
    """ "€9.90 a month", "9,90 € par mois", "€29", "Free for 3 months", "Price not published"."""
    if plan.price is None:
        return _("Price not published")
    if plan.price == 0:
        if plan.duration_months:
            return ngettext("Free for %(n)s month", "Free for %(n)s months", plan.duration_months) % {
                "n": plan.duration_months
            }
        return _("Free")
    amount = format_money(plan.price, plan.currency)
    if plan.period == BillingPeriod.MONTH:
        return _("%(amount)s a month") % {"amount": amount}
    if plan.period == BillingPeriod.YEAR:
        return _("%(amount)s a year") % {"amount": amount}
    return amount


@register.simple_tag
def discounted_price(plan) -> str:
    price = plan.discounted_price
    return format_money(price, plan.currency) if price is not None else ""


@register.simple_tag
def offer_price(offer) -> str:
    """The price a visitor pays for this offer, or what it is included in."""
    if offer.price is not None:
        return _("Free") if offer.price == 0 else format_money(offer.price, offer.currency)
    if offer.offer_type == OfferType.SUBSCRIPTION:
        cheapest = offer.platform.cheapest_plan()
        if cheapest is not None and cheapest.currency:
            return _("With a subscription (from %(price)s)") % {"price": plan_price(cheapest)}
        return _("With a subscription")
    if offer.offer_type in (OfferType.FREE, OfferType.ADS):
        return _("Free")
    return ""


@register.simple_tag
def release_window(release) -> str:
    """ "Available since 1 February 2026", "From 1 March 2026", "Until 31 May 2026", "7 September 2021"."""
    offer = release.offer
    if offer.offer_type == OfferType.BROADCAST and offer.available_from:
        return _("Broadcast on %(date)s") % {"date": date_label(offer.available_from)}
    if offer.live_at:
        text = _("Live on %(date)s") % {"date": date_label(offer.live_at.date())}
        if offer.replay_days:
            text += " · " + ngettext("replay for %(n)s day", "replay for %(n)s days", offer.replay_days) % {
                "n": offer.replay_days
            }
        return text
    parts = []
    if release.status == COMING:
        parts.append(_("From %(date)s") % {"date": date_label(offer.available_from)})
    elif release.status == AVAILABLE and offer.available_from:
        parts.append(_("Available since %(date)s") % {"date": date_label(offer.available_from)})
    elif release.status == AVAILABLE:
        parts.append(_("Available"))
    if offer.available_until:
        parts.append(_("until %(date)s") % {"date": date_label(offer.last_day)})
    return ", ".join(parts)


@register.inclusion_tag("streaming/includes/where_to_watch.html", takes_context=True)
def where_to_watch_section(context, title):
    """Where to watch ``title``: two queries (offers, then the platforms' plans), none if
    there are no offers beyond the first."""
    return {"title": title, "watch": where_to_watch(title), "LANGUAGE_CODE": context.get("LANGUAGE_CODE")}


@register.inclusion_tag("streaming/includes/home.html")
def streaming_home():
    """New on streaming (last 30 days) and coming soon: 2 × (1 offers query + 3 for the
    titles' names of title, parent and grandparent)."""
    on = today()
    offers = Offer.objects.for_display()
    new = releases(list(offers.new(30, on)[: HOME_LIMIT * 4]), on)[:HOME_LIMIT]
    coming = releases(list(offers.coming_soon(on)[: HOME_LIMIT * 4]), on)[:HOME_LIMIT]
    return {"new": new, "coming": coming}


@register.inclusion_tag("streaming/includes/search_results.html")
def platform_results(query):
    """Platforms whose name matches ``query``: one query."""
    platforms = list(Platform.objects.search(query).select_related("operator")[:20]) if query.strip() else []
    return {"platforms": platforms, "q": query}


register.filter("plan_price_text", plan_price)


@register.simple_tag(takes_context=True)
def platform_jsonld(context, platform):
    from catalog.templatetags.affiche import jsonld
    from streaming.jsonld import platform_jsonld as build

    return jsonld(build(platform, context["request"]))
