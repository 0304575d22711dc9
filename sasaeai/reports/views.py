"""Exports of the progress summary: the same rows as the screen, as xlsx or PDF."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sasaeai.progress import views as progress_views
from sasaeai.reports.summary import summary_pdf, summary_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@require_GET
def summary(request: HttpRequest, code: str, slug: str, pk: int) -> HttpResponse:
    """The 進捗のまとめ page; `?export=xlsx` or `?export=pdf` gives the same rows as a file."""
    export = request.GET.get("export")
    if export not in {"xlsx", "pdf"}:
        return progress_views.summary(request, code, slug, pk)
    cycle, _standing = progress_views.get_summary_cycle(request, code, slug, pk)
    groups = progress_views.summary_groups(cycle)
    has_ratings = cycle.rating_scale is not None
    name = quote(f"{cycle.plan.title}_{cycle.display_title}_進捗のまとめ")
    if export == "xlsx":
        return download(summary_xlsx(cycle, groups, has_ratings=has_ratings), XLSX,
                        f"{name}.xlsx")
    opinions = list(cycle.opinions.select_related("entry__initiative", "entry__organization"))
    return download(summary_pdf(cycle, groups, has_ratings=has_ratings, opinions=opinions),
                    "application/pdf", f"{name}.pdf")
