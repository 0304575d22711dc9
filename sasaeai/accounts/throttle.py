"""The address a sign-in comes from, for django-axes (ADR 0010).

Behind a reverse proxy every request arrives from the proxy's address; the client's is in
X-Forwarded-For. Only as many entries as there are proxies we run are trusted
(`SASAEAI_PROXY_COUNT`, 0 by default: no proxy, REMOTE_ADDR is the client). Anything further
left was written by the client and could be forged to dodge the lockout.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    count = getattr(settings, "SASAEAI_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-count] if len(hops) >= count else remote
