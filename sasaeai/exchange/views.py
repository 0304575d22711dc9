"""Plans in and out through the browser: the plan file (JSON) and the plan workbook (Excel) of any
plan one may see, the empty workbook, and the 事務局's upload that creates a plan or updates one.

Reading rules: the 事務局 gets everything; anyone else who may see the plan gets what the public
site shows (published cycles only, no return comments or names). Uploads: nothing is saved until
the 事務局 confirms the preview; the bytes wait in the session under a one-time token, and the
confirmation applies only if the result is still the one shown.
"""

from __future__ import annotations

import json
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

from sasaeai.accounts.access import Standing, get_municipality_for_importer, get_plan_for_user
from sasaeai.exchange import workbook
from sasaeai.exchange.planimport import TOO_DEEP, PlanImportError, import_plan
from sasaeai.exchange.planjson import export_plan
from sasaeai.exchange.planupdate import PlanChanged, update_plan
from sasaeai.lib import previews
from sasaeai.lib.spreadsheets import SpreadsheetError, decode_text
from sasaeai.plans.models import RESERVED_SLUGS, Plan
from sasaeai.tenancy.models import Municipality

MAX_JSON_BYTES = 20 * 1024 * 1024


def _filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text)


def _full(user: Any, plan: Plan) -> bool:
    return Standing.of(user, plan).can_export_full_plan(plan)


@require_GET
def plan_json(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, code, slug)
    document = export_plan(plan, public=not _full(request.user, plan))
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(f"{plan.title}.json"))
    return response


@require_GET
def plan_workbook(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, code, slug)
    document = export_plan(plan, public=not _full(request.user, plan), cycles=False)
    response = HttpResponse(workbook.build_plan_workbook(document),
                            content_type=workbook.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(f"{plan.title}_ワークブック.xlsx"))
    return response


def _secretariat_municipality(user: Any, code: str) -> Municipality:
    return get_municipality_for_importer(user, code)


@require_GET
@login_required
def workbook_template(request: HttpRequest, code: str) -> HttpResponse:
    _secretariat_municipality(request.user, code)
    response = HttpResponse(workbook.build_plan_workbook(None), content_type=workbook.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "計画のワークブック_ひな形.xlsx")
    return response


class UploadForm(forms.Form):
    file = forms.FileField(
        label="計画のワークブック（.xlsx）または計画ファイル（.json）",
        error_messages={"required": "ファイルを選んでください。", "empty": "ファイルが空です。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.json"}))
    target = forms.ChoiceField(label="取り込み先", choices=[], widget=forms.RadioSelect)
    slug = forms.SlugField(label="新しい計画のURL名", required=False, max_length=60,
                           help_text="半角英数字とハイフン（例：dai4ji）。既存の計画を更新するときは不要です。",
                           error_messages={"invalid": "URL名は半角英数字・ハイフン・下線にしてください。"})

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [("new", "新しい計画として登録する")] + [
            (str(p.pk), f"「{p.title}」を更新する") for p in
            Plan.objects.filter(municipality=municipality).order_by("-start_fy", "title")]
        field.initial = "new"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None and upload.size > max(MAX_JSON_BYTES, workbook.MAX_UPLOAD_BYTES):
            raise ValidationError("ファイルが大きすぎます。")
        if data.get("target") == "new" and data.get("slug") in RESERVED_SLUGS:
            self.add_error("slug", f"「{data['slug']}」は使えないURL名です。")
        return data


def _document(municipality: Municipality, name: str, data: bytes) -> tuple[Any, list[str]]:
    """The plan document in an upload (a workbook or a plan file), or the problems found."""
    place = {"code": municipality.code, "name": municipality.name,
             "prefecture": municipality.prefecture}
    if name.lower().endswith(".json"):
        if len(data) > MAX_JSON_BYTES:
            return None, ["ファイルが大きすぎます（20MBまで）。"]
        try:
            return json.loads(decode_text(data)), []
        except (SpreadsheetError, json.JSONDecodeError) as exc:
            return None, [f"計画ファイル（JSON）として読めません（{exc}）。"]
        except RecursionError:
            return None, [TOO_DEEP]
    if len(data) > workbook.MAX_UPLOAD_BYTES:
        return None, ["ファイルが大きすぎます（5MBまで）。"]
    result = workbook.parse_plan_workbook(data, municipality=place)
    return result.doc, result.errors


def _scope(municipality: Municipality) -> str:
    return f"exchange.upload.{municipality.pk}"


def _render(request: HttpRequest, municipality: Municipality, form: UploadForm, *,
            status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "exchange/plan_import.html", {
        "municipality": municipality, "form": form, "is_member": True, **extra}, status=status)


def _preview(by: Any, municipality: Municipality, document: Any, target: str, slug: str,
             expected: str | None = None, dry_run: bool = True) -> dict[str, Any]:
    """What the upload does (dry run) or did: raises PlanImportError / PlanChanged."""
    if target == "new":
        imported = import_plan(by=by, municipality=municipality, doc=document, slug=slug,
                               dry_run=dry_run)
        assert imported is not None  # noqa: S101
        return {"mode": "new", "counts": imported.counts, "created": imported.created,
                "plan": imported.plan, "digest": ""}
    plan = Plan.objects.select_related("municipality").get(municipality=municipality,
                                                           pk=int(target))
    updated = update_plan(by=by, plan=plan, doc=document, dry_run=dry_run,
                          expected_digest=expected)
    return {"mode": "update", "changes": updated.changes, "plan": plan,
            "digest": updated.digest(), "added": updated.count("追加"),
            "changed": updated.count("変更") + updated.count("差し替え"),
            "kept": updated.count("削除しない")}


@require_http_methods(["GET", "POST"])
@login_required
def plan_import(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _secretariat_municipality(request.user, code)
    if request.method == "GET":
        return _render(request, municipality, UploadForm(municipality=municipality))
    form = UploadForm(request.POST, request.FILES, municipality=municipality)
    if not form.is_valid():
        return _render(request, municipality, form, status=400)
    upload = form.cleaned_data["file"]
    name, data = str(upload.name or ""), b"".join(upload.chunks())
    document, errors = _document(municipality, name, data)
    target, slug = form.cleaned_data["target"], form.cleaned_data.get("slug") or ""
    previews.discard(request.session, _scope(municipality))
    if not errors:
        try:
            preview = _preview(request.user, municipality, document, target, slug)
        except PlanImportError as exc:
            errors = exc.errors
    if errors:
        return _render(request, municipality, form, errors=errors, status=400)
    token = ""
    if preview["mode"] == "new" or preview["changes"]:
        token = previews.stash(request.session, _scope(municipality), digest=preview["digest"],
                               payload={"name": name, "data": previews.pack(data),
                                        "target": target, "slug": slug})
    return _render(request, municipality, form, preview=preview, token=token,
                   digest=preview["digest"])


@require_POST
@login_required
def plan_import_confirm(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _secretariat_municipality(request.user, code)
    pending = previews.claim(request.session, _scope(municipality), request.POST.get("token", ""),
                             digest=request.POST.get("digest"))
    back = reverse("exchange:import", args=[code])
    if pending is None:
        messages.error(request, "確認の期限が切れたか、別のファイルが読み取られました。もう一度ファイルを選んでください。")
        return redirect(back)
    stored = pending.payload
    document, errors = _document(municipality, stored["name"], previews.unpack(stored["data"]))
    try:
        if errors:
            raise PlanImportError(errors)
        # A new plan has no digest: what it creates is checked again by the import itself.
        done = _preview(request.user, municipality, document, stored["target"], stored["slug"],
                        expected=pending.digest or None, dry_run=False)
    except PlanChanged:
        messages.error(request, "確認の後に計画が更新されたため、何も変更しませんでした。もう一度ファイルを選んでください。")
        return redirect(back)
    except PlanImportError as exc:
        messages.error(request, "取り込めませんでした：" + " ".join(exc.errors[:3]))
        return redirect(back)
    plan = done["plan"]
    if done["mode"] == "new":
        messages.success(request, f"「{plan.title}」を登録しました。")
    else:
        messages.success(request, f"「{plan.title}」を更新しました（追加{done['added']}件・"
                                  f"変更{done['changed']}件）。")
    return redirect(plan.get_absolute_url())
