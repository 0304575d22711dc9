"""The second factor is asked for before anything else (ADR 0010).

A signed-in user who needs one (`actions.needs_second_factor`) and has not given it in this
session reaches only the second-factor pages and sign-out: any other request is sent to
/accounts/two-factor/ (or to setting up an authenticator app, the first time) and comes back to
where it was going afterwards. The read API is left alone: it answers to API keys, not sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from sasaeai.accounts.actions import needs_second_factor

OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/login/", "/api/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not user.is_verified()  # type: ignore[attr-defined]
                and not request.path.startswith(OPEN_PREFIXES)
                and not request.path.startswith(settings.STATIC_URL)
                and needs_second_factor(user)):
            from django_otp import user_has_device

            name = "accounts:two_factor" if user_has_device(user) else "accounts:two_factor_setup"
            target = reverse(name)
            if request.method in {"GET", "HEAD"}:
                target += "?" + urlencode({"next": request.get_full_path()})
            response = HttpResponseRedirect(target)
            if request.headers.get("HX-Request") == "true":
                response["HX-Redirect"] = target  # a partial would land inside the page
            return response
        return self.get_response(request)
