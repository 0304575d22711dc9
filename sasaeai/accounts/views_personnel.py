"""人事異動ファイル (issue #16): the 事務局 downloads the workbook, uploads it filled in, reads the
preview of every row and confirms; the file waits in the session under a one-time token between
the two (lib/previews.py), and is read again at confirmation (refused if it now reads
differently). The rules are in personnel.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sasaeai.accounts import personnel
from sasaeai.accounts.access import get_municipality_for_people_manager
from sasaeai.accounts.models import ScheduledChange
from sasaeai.accounts.personnel_template import template_bytes
from sasaeai.lib import previews
from sasaeai.tenancy.models import Municipality

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label="人事異動ファイル（.xlsx または .csv）", error_messages={
        "required": "ファイルを選んでください。", "empty": "ファイルが空です。"})

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > personnel.MAX_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます。2MBまでのファイルにしてください。")
        return upload


def _scope(municipality: Municipality) -> str:
    return f"accounts.personnel.{municipality.pk}"


def _page(request: HttpRequest, municipality: Municipality, form: UploadForm, *,
          reading: personnel.Reading | None = None, token: str = "",
          status: int = 200) -> HttpResponse:
    response = render(request, "accounts/personnel.html", {
        "municipality": municipality, "form": form, "reading": reading, "token": token,
        "scheduled": ScheduledChange.objects.filter(municipality=municipality,
                                                    applied_at__isnull=True)
                     .select_related("organization"),
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def personnel_upload(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    if request.method == "GET":
        return _page(request, municipality, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    previews.discard(request.session, _scope(municipality))
    if not form.is_valid():
        return _page(request, municipality, form, status=400)
    upload = form.cleaned_data["file"]
    name, data = str(upload.name or ""), b"".join(upload.chunks())
    reading = personnel.read(municipality, name, data)
    if reading.errors:
        return _page(request, municipality, form, reading=reading, status=400)
    token = previews.stash(request.session, _scope(municipality), digest=reading.digest,
                           payload={"name": name, "data": previews.pack(data)})
    return _page(request, municipality, UploadForm(), reading=reading, token=token)


@require_POST
@login_required
def personnel_confirm(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    back = reverse("people:personnel", args=[code])
    pending = previews.claim(request.session, _scope(municipality), request.POST.get("token", ""))
    if pending is None:
        messages.error(request, "確認の期限が切れたか、別のファイルが読み取られました。もう一度ファイルを選んでください。")
        return HttpResponseRedirect(back)
    name = pending.payload["name"]
    reading = personnel.read(municipality, name, previews.unpack(pending.payload["data"]))
    if not pending.shows(reading.digest):
        messages.error(request, "確認の後に職員や組織が変わったため、何も反映しませんでした。もう一度ファイルを選んでください。")
        return HttpResponseRedirect(back)
    try:
        done = personnel.apply(by=request.user, municipality=municipality, reading=reading,
                               source=name)
    except ValidationError as exc:
        messages.error(request, "何も反映しませんでした：" + " ".join(exc.messages[:3]))
        return HttpResponseRedirect(back)
    messages.success(request, f"人事異動を反映しました（すぐに反映{done.now}件・予約{done.scheduled}件）。")
    return HttpResponseRedirect(reverse("people:people", args=[code]))


@require_GET
@login_required
def personnel_template(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    response = HttpResponse(template_bytes(municipality), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"人事異動_{municipality.name}.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response
