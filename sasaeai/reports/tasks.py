"""Background work of the reports: the committee packet, made by the database task worker
(`sasaeai db_worker`), its progress written where the page that asked for it can show it."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from sasaeai.progress.models import Packet
from sasaeai.reports.packet import render_packet


@task
def build_packet(packet_id: int, include_unfinished: bool = True) -> None:
    packet = Packet.objects.select_related("cycle__plan__municipality",
                                           "cycle__rating_scale").get(pk=packet_id)
    rows = Packet.objects.filter(pk=packet_id)
    rows.update(status=Packet.Status.RUNNING, progress=5, message="作成を始めました")

    def report(percent: int, message: str) -> None:
        rows.update(progress=min(99, percent), message=message[:300])

    try:
        pdf, pages = render_packet(packet.cycle, version=packet.version, report=report,
                                   include_unfinished=include_unfinished)
    except Exception as exc:
        rows.update(status=Packet.Status.FAILED, finished_at=timezone.now(),
                    message=f"作成できませんでした（{type(exc).__name__}）。もう一度作成してください。")
        raise
    rows.update(status=Packet.Status.DONE, progress=100, message="完成しました", pdf=pdf,
                pages=pages, finished_at=timezone.now())
