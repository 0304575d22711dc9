"""The 進捗のまとめ page with its exports (the same rows as the screen, as xlsx, PDF or CSV), and
the committee packets of a cycle."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from sasaeai.accounts.access import forbid_unless
from sasaeai.lib import opendata
from sasaeai.progress.access import (
    get_packet_for_user,
    get_packets_cycle_for_user,
    get_summary_cycle_for_user,
)
from sasaeai.progress.summaries import compile_summary, summary_context
from sasaeai.reports.summary import summary_csv, summary_pdf, summary_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@require_GET
def summary(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """The 進捗のまとめ page; `?export=xlsx` or `?export=pdf` gives the same rows as a file."""
    export = request.GET.get("export")
    cycle, standing = get_summary_cycle_for_user(request.user, code, slug, pk)
    if export not in {"xlsx", "pdf", "csv"}:
        return render(request, "progress/summary.html", summary_context(cycle, standing))
    compiled = compile_summary(cycle, public=not standing.member)
    name = quote(f"{cycle.plan.title}_{cycle.display_title}_進捗のまとめ")
    if export == "csv":
        return opendata.attachment(summary_csv(compiled),
                                   f"{cycle.plan.title}_{cycle.display_title}_進捗のまとめ.csv")
    if export == "xlsx":
        return download(summary_xlsx(compiled), XLSX, f"{name}.xlsx")
    return download(summary_pdf(compiled), "application/pdf", f"{name}.pdf")


@require_http_methods(["GET", "POST"])
@login_required
def packets(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """The committee packets of a cycle: every version, its progress while it is made, and the
    事務局's button that makes the next version."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from sasaeai.reports.actions import request_packet

    cycle, standing = get_packets_cycle_for_user(request.user, code, slug, pk)
    if request.method == "POST":
        forbid_unless(standing.can_make_packet(cycle), "委員会資料を作成できるのは事務局です。")
        packet = request_packet(by=request.user, cycle=cycle,
                                include_unfinished="leave_out_unfinished" not in request.POST)
        messages.success(request, f"委員会資料の第{packet.version}版の作成を始めました。")
        return redirect(request.path)
    versions = list(cycle.packets.defer("pdf").select_related("requested_by"))
    return render(request, "reports/packets.html", {
        "cycle": cycle, "plan": cycle.plan, "municipality": cycle.plan.municipality,
        "versions": versions, "working": any(p.working for p in versions),
        "can_make": standing.can_make_packet(cycle),
    })


@require_GET
@login_required
def packet_download(request: HttpRequest, code: str, slug: str, pk: int, version: int
                    ) -> HttpResponse:
    packet, cycle = get_packet_for_user(request.user, code, slug, pk, version)
    name = quote(f"{cycle.plan.title}_{cycle.display_title}_委員会資料_第{version}版")
    response = download(bytes(packet.pdf or b""), "application/pdf", f"{name}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
