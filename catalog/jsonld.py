"""schema.org JSON-LD for works. The title page's sections add their parts (credits, offers):
see ``Section.jsonld`` in catalog.extensions."""

from django.urls import reverse

from .enums import TitleKind

SCHEMA_TYPES = {
    TitleKind.FILM: "Movie",
    TitleKind.SHORT: "Movie",
    TitleKind.SERIES: "TVSeries",
    TitleKind.SEASON: "CreativeWorkSeason",
    TitleKind.EPISODE: "Episode",
    TitleKind.PERFORMANCE: "Movie",
    TitleKind.LIVE: "Event",
    TitleKind.VIDEO: "CreativeWork",  # a VideoObject is a file (Google asks its upload date, thumbnail)
    TitleKind.TRAILER: "CreativeWork",
}


def country_reference(country) -> dict:
    """schema.org Country: its English name, the ISO 3166 code as ``identifier``."""
    return {"@type": "Country", "name": country.name_en, "identifier": country.code}


def title_reference(title, request) -> dict:
    return {
        "@type": SCHEMA_TYPES[title.kind],
        "name": title.display_title(),
        "url": request.build_absolute_uri(title.get_absolute_url()),
    }


def title_jsonld(title, request, children=(), sections=None, children_total=None) -> dict:
    """The work's JSON-LD; ``sections`` (``build_sections`` of the title page) add their parts.
    ``children`` are the seasons or episodes the page shows, ``children_total`` how many there are."""
    data = {"@context": "https://schema.org", **title_reference(title, request)}
    if title.original_title and title.original_title != data["name"]:
        data["alternateName"] = title.original_title
    synopsis, _language = title.synopsis()
    if synopsis:
        data["description"] = synopsis
    if title.year:
        data["datePublished"] = str(title.year)
    if title.original_language_id:
        data["inLanguage"] = title.original_language_id
    genres = [g.name_en for g in title.genres.all()]
    if genres:
        data["genre"] = genres
    countries = [country_reference(c) for c in title.countries.all()]
    if countries:
        data["countryOfOrigin"] = countries
    if title.runtime_minutes and title.kind not in (TitleKind.SERIES, TitleKind.SEASON):
        data["duration"] = f"PT{title.runtime_minutes}M"
    ratings = [r.value for r in title.ratings.all()]
    if ratings:
        data["contentRating"] = ratings[0] if len(ratings) == 1 else ratings
    same_as = [e.url for e in title.external_ids.all() if e.url]
    if same_as:
        data["sameAs"] = same_as
    poster = title.poster()
    if poster:
        data["image"] = request.build_absolute_uri(poster.image.url)
    if title.kind in (TitleKind.SEASON, TitleKind.EPISODE) and title.number:
        key = "seasonNumber" if title.kind == TitleKind.SEASON else "episodeNumber"
        data[key] = title.number
    parent = title.parent
    if parent is not None:
        if title.kind == TitleKind.EPISODE and parent.kind == TitleKind.SEASON:
            data["partOfSeason"] = title_reference(parent, request)
            if parent.parent is not None:
                data["partOfSeries"] = title_reference(parent.parent, request)
        else:
            data["partOfSeries"] = title_reference(parent, request)
    kids = list(children)
    if title.kind in (TitleKind.SERIES, TitleKind.SEASON):
        if title.known_episode_count:
            data["numberOfEpisodes"] = title.known_episode_count
        seasons = [c for c in kids if c.kind == TitleKind.SEASON]
        episodes = [c for c in kids if c.kind == TitleKind.EPISODE]
        if seasons:
            data["numberOfSeasons"] = children_total or len(seasons)
            data["containsSeason"] = [title_reference(s, request) | {"seasonNumber": s.number} for s in seasons]
        if episodes:
            data["episode"] = [title_reference(e, request) | {"episodeNumber": e.number} for e in episodes]
    for slot in (sections or {}).values():
        for rendered in slot:
            if rendered.section.jsonld is not None:
                data.update(rendered.section.jsonld(request, title, rendered.data))
    return data


def website_jsonld(request) -> dict:
    """The home page's WebSite, with the site search as a SearchAction."""
    search = request.build_absolute_uri(reverse("catalog:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": "Affiche",
        "url": request.build_absolute_uri(reverse("catalog:home")),
        "inLanguage": request.LANGUAGE_CODE,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def item_list(objects, request, page_type="") -> dict:
    """A list page's records as a schema.org ItemList (in a ``page_type`` such as
    SearchResultsPage when given): position, name and address of each."""
    items = [
        {
            "@type": "ListItem",
            "position": position,
            "name": obj.display_title() if hasattr(obj, "display_title") else str(obj),
            "url": request.build_absolute_uri(obj.get_absolute_url()),
        }
        for position, obj in enumerate(objects, start=1)
    ]
    data = {"@type": "ItemList", "numberOfItems": len(items), "itemListElement": items}
    if page_type:
        return {"@context": "https://schema.org", "@type": page_type, "mainEntity": data}
    return {"@context": "https://schema.org", **data}
