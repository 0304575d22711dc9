"""Pasting an indicator table (or uploading CSV / xlsx): a preview of every row as understood,
then all rows saved, or none.

Only the 事務局 imports. Between the preview and the confirmation the table's text waits in the
session under a one-time token; the confirmation reads it again and saves only if the result is
still the one shown (the plan may have changed in between).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sasaeai.accounts.access import get_plan_for_importer
from sasaeai.indicators import actions
from sasaeai.indicators.tables import (
    MAX_ROWS,
    MAX_TABLE_BYTES,
    TableError,
    parse_table,
    rows_from_file,
    rows_from_text,
)
from sasaeai.lib import previews
from sasaeai.lib.spreadsheets import SpreadsheetError
from sasaeai.plans.models import Plan

ERAS = [("", "見出しから判断する"), ("平成", "平成"), ("令和", "令和")]


class TableForm(forms.Form):
    text = forms.CharField(
        label="表の貼り付け", required=False, max_length=MAX_TABLE_BYTES,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="PDFやWordの表を見出しの行から選んでコピーし、そのまま貼り付けてください。",
    )
    file = forms.FileField(label="またはファイル（.csv / .xlsx）", required=False,
                           widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}))
    era = forms.ChoiceField(label="年号のない年（26年度など）の元号", choices=ERAS, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None and upload.size > MAX_TABLE_BYTES:
            raise ValidationError("ファイルが大きすぎます。2MBまでのファイルにしてください。")
        if not (data.get("text") or "").strip() and upload is None:
            raise ValidationError("表を貼り付けるか、ファイルを選んでください。")
        return data


def _rows(form: TableForm) -> list[list[str]]:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return rows_from_file(b"".join(upload.chunks()), str(upload.name or ""))
    rows = rows_from_text(form.cleaned_data["text"])
    if len(rows) > MAX_ROWS:
        raise TableError(f"行が多すぎます。{MAX_ROWS:,}行までにしてください。")
    return rows


def _plan_for_secretariat(user: Any, code: str, slug: str) -> Plan:
    return get_plan_for_importer(user, code, slug, message="指標の表を取り込めるのは事務局です。")


def _render(request: HttpRequest, plan: Plan, form: TableForm, *, status: int = 200,
            **extra: Any) -> HttpResponse:
    return render(request, "indicators/table_import.html", {
        "plan": plan, "municipality": plan.municipality, "is_member": True, "form": form,
        **extra}, status=status)


def _scope(plan: Plan) -> str:
    return f"indicators.table.{plan.pk}"


@require_http_methods(["GET", "POST"])
@login_required
def table_import(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = _plan_for_secretariat(request.user, code, slug)
    if request.method == "GET":
        return _render(request, plan, TableForm())
    form = TableForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, plan, form, status=400)
    try:
        rows = _rows(form)
    except (TableError, SpreadsheetError) as exc:
        form.add_error(None, str(exc))
        return _render(request, plan, form, status=400)
    era = form.cleaned_data.get("era") or ""
    table = parse_table(rows, era=era)
    changes = actions.plan_changes(plan, table) if not table.errors else []
    blocked = bool(table.errors) or any(c.blocked for c in changes)
    digest = actions.changes_digest(changes)
    token = ""
    previews.discard(request.session, _scope(plan))
    if not blocked and any(c.action != "変更なし" for c in changes):
        token = previews.stash(request.session, _scope(plan), digest=digest,
                               payload={"rows": rows, "era": era})
    return _render(request, plan, form, table=table, changes=changes, blocked=blocked,
                   token=token, digest=digest, status=400 if blocked else 200)


@require_POST
@login_required
def table_import_confirm(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    plan = _plan_for_secretariat(request.user, code, slug)
    pending = previews.claim(request.session, _scope(plan), request.POST.get("token", ""),
                             digest=request.POST.get("digest"))
    back = reverse("indicators:import", args=[code, slug])
    if pending is None:
        messages.error(request, "確認の期限が切れたか、別の表が読み取られました。もう一度貼り付けてください。")
        return redirect(back)
    table = parse_table(pending.payload["rows"], era=pending.payload["era"])
    try:
        changes = actions.import_indicator_table(by=request.user, plan=plan, table=table,
                                                 expected_digest=pending.digest)
    except actions.TableChanged:
        messages.error(request, "確認の後に指標が更新されたため、何も取り込みませんでした。"
                                "もう一度貼り付けて、内容を確かめてください。")
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
        return redirect(back)
    created = sum(1 for c in changes if c.action == "新規")
    added = sum(1 for c in changes if c.action == "追加")
    messages.success(request, f"指標{created}件を新しく登録し、{added}件に値を追加しました。")
    return redirect(reverse("indicators:table", args=[code, slug]))
