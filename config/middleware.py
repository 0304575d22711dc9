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
