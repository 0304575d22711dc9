"""What every page needs to know about the signed-in user: their standing in the municipality
the page is about (set by the access helpers that fetched it), so that templates ask
`standing.member`, `standing.secretariat`, `standing.can_import_plans`… instead of each view
passing flags of its own. A view that passes `standing` itself (the progress pages) wins."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sasaeai.accounts.access import current_standing


def access(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: pages that never ask cost no query, and the view has fetched its objects (and so
    # named the municipality) by the time the template asks.
    standing = SimpleLazyObject(lambda: current_standing(user)[1])
    return {"standing": standing, "is_member": SimpleLazyObject(lambda: standing.member)}
