"""schema.org JSON-LD: Offer and WatchAction for works (the title page's "where to watch" part), and the
platform page's Service with its plans as offers."""

from catalog.enums import TitleKind
from catalog.jsonld import SCHEMA_TYPES, country_reference
from people.jsonld import reference

from .availability import status_of
from .enums import Availability, BillingPeriod, OfferType
from .models import today

#: schema.org ItemAvailability of an offer, from its window.
AVAILABILITY = {
    Availability.AVAILABLE: "https://schema.org/InStock",
    Availability.COMING: "https://schema.org/PreOrder",
    Availability.ENDED: "https://schema.org/Discontinued",
}
BILLING_DURATIONS = {BillingPeriod.MONTH: "P1M", BillingPeriod.YEAR: "P1Y"}
#: schema.org's businessFunction-like wording for each type, kept as ``category``.
OFFER_CATEGORIES = {
    OfferType.SUBSCRIPTION: "subscription",
    OfferType.RENT: "rental",
    OfferType.BUY: "purchase",
    OfferType.FREE: "free",
    OfferType.ADS: "free with ads",
    OfferType.LIVE: "live",
    OfferType.BROADCAST: "broadcast",
}


def item_reference(item, request) -> dict:
    """A season or episode offered on its own, named without a query ("Episode 3")."""
    reference = {
        "@type": SCHEMA_TYPES[item.kind],
        "name": item.original_title or item.label_without_series(),
        "url": request.build_absolute_uri(item.get_absolute_url()),
    }
    if item.number:
        reference["episodeNumber" if item.kind == TitleKind.EPISODE else "seasonNumber"] = item.number
    return reference


def offer_jsonld(offer, request, title=None) -> dict:
    data = {
        "@type": "Offer",
        "category": OFFER_CATEGORIES.get(offer.offer_type, offer.offer_type),
        "eligibleRegion": country_reference(offer.country),
        "seller": {
            "@type": "Organization",
            "name": offer.platform.name,
            "url": request.build_absolute_uri(offer.platform.get_absolute_url()),
        },
    }
    if offer.price is not None:
        data["price"] = f"{offer.price:.2f}"
        data["priceCurrency"] = offer.currency
    elif offer.offer_type == OfferType.SUBSCRIPTION and (plan := offer.platform.cheapest_plan()) and plan.currency:
        # Included in a subscription: the plan's price, per period (schema.org UnitPriceSpecification).
        data["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "price": f"{plan.price:.2f}",
            "priceCurrency": plan.currency,
            "billingDuration": BILLING_DURATIONS.get(plan.period, "P1M"),
        }
    data["availability"] = AVAILABILITY[status_of(offer, today())]
    if offer.available_from:
        data["availabilityStarts"] = offer.available_from.isoformat()
    if offer.available_until:
        data["availabilityEnds"] = offer.available_until.isoformat()
    if offer.url:
        data["url"] = offer.url
    if title is not None and offer.title_id != title.pk:
        data["itemOffered"] = item_reference(offer.title, request)
    return data


def title_parts(title, offers, request) -> dict:
    """Offers that apply to ``title`` (its own, its season's or series', its episodes' with
    ``itemOffered``) and a WatchAction per offer with a link, from the offers the page read
    (``availability.offers_for_title``)."""
    if not offers:
        return {}
    parts = {"offers": [offer_jsonld(o, request, title) for o in offers]}
    actions = [
        {
            "@type": "WatchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": o.url},
            "expectsAcceptanceOf": offer_jsonld(o, request, title),
        }
        for o in offers
        if o.url and o.offer_type != OfferType.BROADCAST
    ]
    if actions:
        parts["potentialAction"] = actions
    return parts


def platform_jsonld(platform, request) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": platform.name,
        "url": request.build_absolute_uri(platform.get_absolute_url()),
        "serviceType": platform.get_kind_display(),
    }
    if platform.website:
        data["sameAs"] = platform.website
    if platform.operator:
        data["provider"] = reference(platform.operator, request)
    countries = [country_reference(c) for c in platform.countries.all()]
    if countries:
        data["areaServed"] = countries
    offers = []
    for plan in platform.plans.all():
        # A plan the platform lists is one it sells now (plans it stopped are deleted).
        offer = {
            "@type": "Offer",
            "name": plan.name,
            "category": plan.kind,
            "availability": "https://schema.org/InStock",
        }
        if plan.price is not None:
            offer["price"] = f"{plan.price:.2f}"
            offer["priceCurrency"] = plan.currency
            duration = BILLING_DURATIONS.get(plan.period)
            if duration:
                offer["priceSpecification"] = {
                    "@type": "UnitPriceSpecification",
                    "price": f"{plan.price:.2f}",
                    "priceCurrency": plan.currency,
                    "billingDuration": duration,
                }
        offers.append(offer)
    if offers:
        data["offers"] = offers
    return data
