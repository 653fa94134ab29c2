"""What Affiche's Atom feeds share (the feeds themselves live in screenings/ and streaming/)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed


class AtomFeed(Feed):
    """An Atom feed whose alternate page is the list named ``page_url_name``."""

    feed_type = Atom1Feed
    page_url_name = ""

    def link(self):
        return reverse(self.page_url_name)
