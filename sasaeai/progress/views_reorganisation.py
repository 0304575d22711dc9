"""Retiring and merging organizations from 職員と組織 (progress/reorganisation.py): each form posts
here and comes back to the page with what was done, or why not."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from sasaeai.accounts.access import get_municipality_for_people_manager
from sasaeai.accounts.organizations import organization_in
from sasaeai.progress import reorganisation


def _back(code: str, pk: int) -> HttpResponse:
    return HttpResponseRedirect(reverse("people:people", args=[code]) + f"#org-{pk}")


@require_POST
@login_required
def retire(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    organization = organization_in(municipality, pk)
    try:
        reorganisation.retire(by=request.user, municipality=municipality,
                              organization=organization, seen=request.POST.get("seen", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"「{organization.name}」を廃止しました。過去の報告と記録は残ります。")
    return _back(code, pk)


@require_POST
@login_required
def merge(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    organization = organization_in(municipality, pk)
    into_pk = request.POST.get("into", "")
    if not into_pk:
        messages.error(request, "統合先の組織を選んでください。")
        return _back(code, pk)
    into = organization_in(municipality, into_pk)
    try:
        moved = reorganisation.merge(by=request.user, municipality=municipality,
                                     organization=organization, into=into,
                                     seen=request.POST.get("seen", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(code, pk)
    what = "・".join(f"{kind}{n}件" for kind, n in moved.items() if n) or "移すものはありませんでした"
    messages.success(request, f"「{organization.name}」を「{into.name}」に統合しました（{what}）。"
                              "提出済みの報告と締め切った評価サイクルは、元の組織名のまま残ります。")
    return _back(code, into.pk)
