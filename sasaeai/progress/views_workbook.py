"""The Excel round trip (照会) pages: download, upload with a preview, and confirm.

Who: the 事務局 for any organization of the municipality, a 担当 for their own organization.
Nothing is stored between the preview and the confirmation except the uploaded bytes, kept in
the session under a one-time token: the confirmation parses the same bytes again against the
entries as they are then, and applies only if the changes are still the ones shown. The
confirmation offers two buttons on the same token: 「取り込んで提出する」 (import and hand in, one
POST, all or nothing) and 「下書きとして取り込む」.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sasaeai.accounts.access import Standing
from sasaeai.lib import previews
from sasaeai.progress import actions, actions_workbook
from sasaeai.progress.access import get_workbook_target_for_user
from sasaeai.progress.models import Cycle
from sasaeai.progress.workbook import (
    MAX_UPLOAD_BYTES,
    XLSX_TYPE,
    Preview,
    build_workbook,
    parse_workbook,
)
from sasaeai.tenancy.models import Organization


class UploadForm(forms.Form):
    file = forms.FileField(
        label="照会ファイル（.xlsx または .csv）",
        error_messages={"required": "アップロードするファイルを選んでください。",
                        "empty": "ファイルが空です。",
                        "invalid": "ファイルを受け取れませんでした。もう一度選んでください。"},
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml"
                      ".sheet,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"ファイルが大きすぎます。{MAX_UPLOAD_BYTES // 1024 // 1024}MBまでのファイルにしてください。"
            )
        return upload


def get_workbook_target(
    user: Any, code: str, slug: str, pk: int, org_pk: int
) -> tuple[Cycle, Standing, Organization]:
    """The cycle and organization of a 照会, if this user may exchange that organization's
    entries: 404 for what the user may not see, 403 for what the user may see but not handle."""
    return get_workbook_target_for_user(user, code, slug, pk, org_pk)


def _scope(cycle: Cycle, organization: Organization) -> str:
    return f"progress.workbook.{cycle.pk}.{organization.pk}"


def _stash(request: HttpRequest, cycle: Cycle, organization: Organization, preview: Preview,
           name: str, data: bytes) -> str:
    """A token for confirming this preview, or "" when there is nothing it could apply."""
    if not preview.can_apply:
        return ""
    return previews.stash(request.session, _scope(cycle, organization), digest=preview.digest(),
                          payload={"name": name, "data": previews.pack(data)})


def _filename(cycle: Cycle, organization: Organization) -> str:
    name = f"{cycle.display_title}_{organization.name}_照会.xlsx"
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)


def _context(cycle: Cycle, standing: Standing, organization: Organization,
             **extra: Any) -> dict[str, Any]:
    plan = cycle.plan
    return {"plan": plan, "municipality": plan.municipality, "cycle": cycle,
            "standing": standing, "is_member": standing.member, "organization": organization,
            "open_for_input": cycle.is_open_for_input,
            "max_mb": MAX_UPLOAD_BYTES // 1024 // 1024, **extra}


def _render(request: HttpRequest, cycle: Cycle, standing: Standing, organization: Organization,
            *, form: UploadForm | None = None, preview: Preview | None = None,
            token: str = "", alert: str = "", status: int = 200) -> HttpResponse:
    return render(request, "progress/workbook.html", _context(
        cycle, standing, organization, form=form or UploadForm(), preview=preview,
        token=token, digest=preview.digest() if preview else "", alert=alert,
    ), status=status)


@require_GET
@login_required
def workbook_download(request: HttpRequest, code: str, slug: str, pk: int, org_pk: int
                      ) -> HttpResponse:
    cycle, _standing, organization = get_workbook_target(request.user, code, slug, pk, org_pk)
    response = HttpResponse(build_workbook(cycle, organization), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(cycle, organization))
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def workbook_upload(request: HttpRequest, code: str, slug: str, pk: int, org_pk: int
                    ) -> HttpResponse:
    cycle, standing, organization = get_workbook_target(request.user, code, slug, pk, org_pk)
    if request.method == "GET":
        return _render(request, cycle, standing, organization)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, cycle, standing, organization, form=form, status=400)
    upload = form.cleaned_data["file"]
    data = b"".join(upload.chunks())
    name = str(upload.name or "")[:200]
    preview = parse_workbook(cycle, organization, data, filename=name)
    previews.discard(request.session, _scope(cycle, organization))
    token = _stash(request, cycle, organization, preview, name, data)
    return _render(request, cycle, standing, organization, preview=preview, token=token,
                   status=400 if preview.has_errors else 200)


@require_POST
@login_required
def workbook_apply(request: HttpRequest, code: str, slug: str, pk: int, org_pk: int
                   ) -> HttpResponse:
    cycle, standing, organization = get_workbook_target(request.user, code, slug, pk, org_pk)
    upload_url = reverse("progress:workbook_upload", args=[code, slug, cycle.pk, organization.pk])
    pending = previews.claim(request.session, _scope(cycle, organization),
                             request.POST.get("token", ""), digest=request.POST.get("digest"))
    if pending is None:
        messages.error(request, "確認の期限が切れたか、別のファイルがアップロードされました。"
                                "もう一度ファイルをアップロードしてください。")
        return redirect(upload_url)
    name, data = pending.payload["name"], previews.unpack(pending.payload["data"])
    preview = parse_workbook(cycle, organization, data, filename=name)
    if preview.has_errors or not pending.shows(preview.digest()):
        # The entries changed since the preview: show what the file would do now, to be
        # confirmed afresh (the token just claimed is spent).
        return _render(request, cycle, standing, organization, preview=preview,
                       token=_stash(request, cycle, organization, preview, name, data),
                       alert="確認の後に報告が更新されたため、取り込む内容が変わりました。"
                             "まだ何も取り込んでいません。下の内容を確かめてください。",
                       status=409)
    submit = request.POST.get("then") == "submit"
    apply = actions_workbook.import_and_submit_workbook if submit else actions.apply_workbook
    try:
        saved = apply(by=request.user, cycle=cycle, organization=organization, preview=preview)
    except actions.EntryConflict:
        return _render(request, cycle, standing, organization, preview=preview, status=409,
                       alert="取り込みの途中で他の人が報告を更新したため、何も取り込みませんでした。"
                             "もう一度アップロードしてください。")
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
        return redirect(upload_url)
    if saved and submit:
        messages.success(request, f"{organization.name}の報告{len(saved)}件をExcelから取り込み、"
                                  "提出しました。")
    elif saved:
        messages.success(request, f"{organization.name}の報告{len(saved)}件をExcelから取り込みました。"
                                  "提出は画面から行ってください。")
    else:
        messages.info(request, "変更はありませんでした。")
    return redirect(cycle.get_absolute_url())
