"""Refuse a request body larger than any upload the site accepts, before anything reads it.

Django parses a multipart body (streaming files to disk) the first time anything touches
`request.POST`, and the CSRF check does so before any view runs: a 200 MB upload would be read
whole before the view's own size check could refuse it. This middleware sits before the CSRF
check and answers 413 from the declared length alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.SASAEAI_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            page = render_to_string("413.html", {"limit_mb": limit // 1024 // 1024})
            response = HttpResponse(page, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class StaffSessionMiddleware:
    """What a signed-in member sees is theirs: never stored by a browser or proxy cache
    (`Cache-Control: private, no-store`). And a session ends after SASAEAI_SESSION_ABSOLUTE
    seconds from sign-in however active it is (the idle limit is SESSION_COOKIE_AGE, renewed on
    each request)."""

    KEY = "sasaeai_signed_in_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.contrib.auth import logout
        from django.shortcuts import redirect

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(self.KEY)
            now = int(time.time())
            if started is None:
                request.session[self.KEY] = now
            elif now - int(started) > settings.SASAEAI_SESSION_ABSOLUTE:
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        response = self.get_response(request)
        if user is not None and user.is_authenticated and not response.has_header(
                "Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
