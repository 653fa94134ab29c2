"""What Affiche's Atom feeds share (the feeds themselves live in screenings/ and streaming/)."""

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


class AtomFeed(Feed):
    """An Atom feed whose alternate page is the list named ``page_url_name``."""

    feed_type = EscapedAtom1Feed
    page_url_name = ""

    def link(self):
        return reverse(self.page_url_name)
