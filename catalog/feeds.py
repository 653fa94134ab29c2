"""What Affiche's Atom feeds share: an author (RFC 4287 §4.1.1) and an ``<updated>`` that says
when the feed's content last changed, even when it is empty (never the time of the request)."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import conditional_escape


class EscapedAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are HTML (``<summary type="html">``): a description is
    escaped unless it is marked safe, so that a venue named ``<img src=x onerror=…>`` reaches
    a feed reader as text, never as markup."""

    def add_item(self, title, link, description, *args, **kwargs):
        if description is not None:
            description = conditional_escape(description)
        super().add_item(title, link, description, *args, **kwargs)


#: ``<updated>`` of a feed that has never had an entry: a fixed instant, so that an empty feed
#: does not look new to a reader at every poll.
NEVER = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)


class StableAtom1Feed(EscapedAtom1Feed):
    """Escaped Atom whose ``<updated>`` is stable when the feed is empty."""

    def latest_post_date(self):
        if self.items:
            return super().latest_post_date()
        return self.feed.get("empty_updated") or NEVER


class AtomFeed(Feed):
    """An Atom feed whose alternate page is the list named ``page_url_name``."""

    feed_type = StableAtom1Feed
    page_url_name = ""
    author_name = "Affiche"

    def link(self):
        return reverse(self.page_url_name)

    def empty_updated(self, obj):
        """When the feed last changed if it has no entry now (subclasses may say better)."""
        return NEVER

    def feed_extra_kwargs(self, obj):
        return {"empty_updated": self.empty_updated(obj)}
