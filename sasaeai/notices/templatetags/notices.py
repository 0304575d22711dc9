from __future__ import annotations

from typing import Any

from django import template

from sasaeai.notices.models import Notice

register = template.Library()
SHOWN = 30


@register.inclusion_tag("notices/includes/list.html", takes_context=True)
def notice_list(context: dict[str, Any]) -> dict[str, Any]:
    """The signed-in person's notices, unread first (the newest 30, and how many are unread)."""
    mine = Notice.objects.for_user(context["request"].user)
    return {"notices": list(mine.for_page()[:SHOWN]), "unread": mine.unread().count(),
            "csrf_token": context.get("csrf_token")}
