"""Display helpers for plans, offers and releases (prices, windows). The streaming blocks on the
catalogue's pages are in streaming.hooks."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.money import format_money
from streaming.availability import AVAILABLE, COMING, date_label
from streaming.enums import BillingPeriod, OfferType

register = template.Library()


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


register.filter("plan_price_text", plan_price)


@register.simple_tag(takes_context=True)
def platform_jsonld(context, platform):
    from catalog.templatetags.affiche import jsonld
    from streaming.jsonld import platform_jsonld as build

    return jsonld(build(platform, context["request"]))


@register.filter
def with_quality(releases) -> bool:
    """Whether any of ``releases`` states its picture quality (else the column is left out)."""
    return any(release.offer.quality for release in releases)


@register.filter
def with_link(releases) -> bool:
    """Whether any of ``releases`` links to the platform's page of the title."""
    return any(release.offer.url for release in releases)
