"""Small pieces of the security settings that need code: the client address used by login
throttling, and the request context added to log records.

Neither trusts a header the client can write: the address is ``REMOTE_ADDR``, which is the
proxy's address behind a reverse proxy unless the proxy (not Django) rewrites it (see
docs/security.md, "Behind a proxy").
"""

import logging

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The address that django-axes counts failed logins against (``AXES_CLIENT_IP_CALLABLE``);
    None when there is none (a login made in code, e.g. ``Client.force_login`` in tests)."""
    return request.META.get("REMOTE_ADDR") or None


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (``AXES_LOCKOUT_CALLABLE``): 429, in the admin's
    look, saying how long the cool-off lasts."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "admin/locked_out.html", {"cooloff_minutes": minutes}, status=429)


class RequestContextFilter(logging.Filter):
    """Adds `` [GET /en/titles/ user=3 ip=203.0.113.9]`` to records that carry a request
    (Django's ``django.request`` and ``django.security`` records do). Only the method, path,
    user id and address: never a cookie, a header, the query string or the body."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        context = ""
        if request is not None and hasattr(request, "META"):
            user_id = _user_id(request)
            path = request.path.encode("unicode_escape").decode("ascii")[:300]
            context = f" [{request.method} {path} user={user_id} ip={client_ip(request)}]"
        record.request_context = context
        return True


def _user_id(request) -> str:
    """The logged-in user's id, "-" for a visitor, "?" when it cannot be read (e.g. the
    database is what failed): logging must never raise."""
    try:
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else "-"
    except Exception:
        return "?"
