"""What the public reads is rendered once per change, not once per reader (ADR 0011).

A GET of a public page by someone not signed in is answered from the cache when nothing has
changed since it was rendered. "Nothing has changed" is read from the database on every request
— the newest audit event and the newest admin log entry: every write of the application leaves
an audit event (the permission matrix holds every view to it) and every admin edit a log entry,
so publishing, withdrawing or correcting anything makes the next reader's page new. The cached
copy also expires after SASAEAI_PUBLIC_CACHE_SECONDS, for writes made outside both (a restore,
the demo loader). The key is the path with its query and that version; the cache is each
process's own (Django's default in-memory cache) unless CACHES says otherwise.

Never cached: signed-in members (what they see is theirs), API calls (keys), htmx partials,
a request that brings messages to show, HEAD, and any response but a plain 200 without cookies.
The middleware sits last, so every other middleware still runs on a cached answer: security
headers, CSP, the session, the database's health.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest, HttpResponse

from sasaeai.audit.models import AuditEvent

SKIPPED_PREFIXES = ("/api/", "/admin/", "/accounts/", "/tasks/", "/static/")
PREFIX = "sasaeai-public:"


def content_version() -> str:
    """Changes whenever the application or the admin writes anything."""
    audit = AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    admin = LogEntry.objects.aggregate(m=Max("pk"))["m"] or 0
    return f"{audit}.{admin}"


def cacheable(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (request.method == "GET" and user is not None and not user.is_authenticated
            and not request.path.startswith(SKIPPED_PREFIXES)
            and "Authorization" not in request.headers
            and request.headers.get("HX-Request") != "true"
            and "messages" not in request.COOKIES)


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = getattr(settings, "SASAEAI_PUBLIC_CACHE_SECONDS", 0)
        if seconds <= 0 or not cacheable(request):
            return self.get_response(request)
        key = PREFIX + hashlib.sha256(
            f"{request.get_full_path()}\n{content_version()}".encode()).hexdigest()
        stored = cache.get(key)
        if stored is not None:
            status, headers, body = stored
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Sasaeai-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (response.status_code == 200 and not response.streaming and not response.cookies
                # A page that used its CSP nonce carries it: it cannot be served again.
                and not bool(getattr(request, "_csp_nonce", None))):
            headers = [(k, v) for k, v in response.items()
                       if k.lower() not in {"content-security-policy", "x-frame-options",
                                            "cache-control", "vary", "set-cookie"}]
            cache.set(key, (response.status_code, headers, response.content), seconds)
        return response
