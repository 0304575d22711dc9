from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from sasaeai.notices import actions
from sasaeai.notices.models import Notice


@require_POST
@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """「既読にする」 on the task page: one's own notices only (anyone else's is not found)."""
    notice = get_object_or_404(Notice.objects.for_user(request.user), pk=pk)
    actions.mark_read(by=request.user, notice=notice)
    return redirect(reverse("tasks:mine") + "#notices")
