"""Pagination that costs the same at any catalogue size: bounded pages for public lists
(titles, people, screenings) and estimated counts for admin changelists.

A visitor pages through at most ``MAX_PAGES`` pages of any list; past that, filters and search
narrow it down. So the count never reads more than ``MAX_PAGES × page size + 1`` rows and the
deepest ``OFFSET`` a visitor can reach stays the same whatever the size of the catalogue
(docs/performance.md). ``?page=`` keeps working: a page number beyond the bound of a longer list
redirects to the last page that is shown; an unknown page of a short list is a 404 as before.
"""

from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.core.paginator import InvalidPage, Paginator
from django.db import connections
from django.http import Http404, HttpResponseRedirect

MAX_PAGES = 100


class BoundedPaginator(Paginator):
    """Counts at most ``max_pages`` pages of rows: ``count`` is exact below the bound, and
    ``is_capped`` says when the list is longer than what is shown."""

    max_pages = MAX_PAGES

    @cached_property
    def _bounded_count(self) -> tuple[int, bool]:
        limit = self.per_page * self.max_pages
        if hasattr(self.object_list, "values_list"):
            # COUNT(*) over a LIMITed subquery of primary keys: no annotations, no prefetches,
            # no ORDER BY (any limit + 1 rows tell whether the list is longer than the bound).
            found = self.object_list.values_list("pk", flat=True).order_by()[: limit + 1].count()
        else:
            found = len(self.object_list[: limit + 1])
        return min(found, limit), found > limit

    @property
    def count(self) -> int:
        return self._bounded_count[0]

    @property
    def is_capped(self) -> bool:
        return self._bounded_count[1]


class BoundedPaginationMixin:
    """For a ``ListView``/``FilterView``: bounded pages, and a redirect to the last page shown
    for a page number beyond the bound (an old link, a hand-edited URL)."""

    paginator_class = BoundedPaginator

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except _BeyondBound as beyond:
            params = request.GET.copy()
            params[self.page_kwarg] = beyond.last_page
            return HttpResponseRedirect(f"?{params.urlencode()}")

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=self.get_allow_empty())
        page = self.request.GET.get(self.page_kwarg) or 1
        try:
            number = int(page)
        except ValueError as exc:
            raise Http404(f"Page {page!r} is not a number.") from exc
        if number > paginator.num_pages and paginator.is_capped:
            raise _BeyondBound(paginator.num_pages)
        try:
            page = paginator.page(number)
        except InvalidPage as exc:
            raise Http404(str(exc)) from exc
        return paginator, page, page.object_list, page.has_other_pages()


class _BeyondBound(Exception):
    def __init__(self, last_page: int):
        super().__init__(last_page)
        self.last_page = last_page


def estimate_sql(model, using: str) -> str:
    """SQL for the table's size as the database estimates it, without reading the table:
    PostgreSQL's planner statistics (``reltuples``), SQLite's highest rowid (exact until rows
    are deleted)."""
    # Identifiers from the model's own metadata, quoted; no user input.
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        return f"SELECT reltuples::bigint FROM pg_class WHERE oid = '{table}'::regclass"  # noqa: S608
    return f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) FROM {table}"  # noqa: S608


class AdminPaginator(Paginator):
    """For admin changelists over large tables (``ModelAdmin.paginator``).

    The count is exact up to ``exact_limit`` rows (a COUNT over a LIMITed subquery); past
    that, an unfiltered list shows the database's estimate of the table's size and a filtered
    one stops at the limit, so no request counts a million rows. A page is read as
    ``pk IN (the page's primary keys, by the index of the ordering)``, so a deep page skips
    keys, not joined rows: still one query."""

    exact_limit = 100_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return len(queryset)
        # One query whatever the size: the bounded exact count and the estimate side by side.
        try:
            sql, params = queryset.values("pk").order_by()[: self.exact_limit + 1].query.sql_with_params()
        except EmptyResultSet:
            # A filter that no row can match, known before asking the database
            # (``?id=99999999999999999999``: beyond the column's range).
            return 0
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM ({sql}) bounded), ({estimate_sql(queryset.model, queryset.db)})",  # noqa: S608
                params,
            )
            found, estimate = cursor.fetchone()
        if found <= self.exact_limit or queryset.query.has_filters():
            return found
        if estimate is None or estimate <= self.exact_limit:
            # No statistics yet (a table never analysed): count once, exactly.
            return queryset.count()
        return int(estimate)

    def page(self, number):
        page = super().page(number)
        if hasattr(page.object_list, "query") and page.start_index() > 1:
            bottom = (page.number - 1) * self.per_page
            keys = self.object_list.values("pk")[bottom : bottom + self.per_page]
            page.object_list = self.object_list.filter(pk__in=keys)
        return page
