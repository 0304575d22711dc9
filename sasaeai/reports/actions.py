"""Audited writes of the reports: asking for a committee packet.

Reports has no models, yet this write lives here rather than in progress/actions.py (where the
Packet row is): it queues the task that renders the packet, which lives in reports, and progress
may not import reports (docs/decisions/0013-reports-actions.md).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sasaeai.accounts.access import Standing
from sasaeai.audit.actions import record, snapshot
from sasaeai.progress.models import Cycle, Packet
from sasaeai.reports.tasks import build_packet


@transaction.atomic
def request_packet(*, by: Any, cycle: Cycle, include_unfinished: bool = True) -> Packet:
    """A new version of the cycle's packet, queued for the worker. Earlier versions are kept as
    they are. Reports not handed in are printed marked as such, or left out
    (`include_unfinished=False`); the cover says which."""
    if not Standing.of(by, cycle.plan).can_make_packet(cycle):
        raise PermissionDenied("委員会資料を作成できるのは事務局です。")
    # Locking the cycle numbers concurrent requests one after the other.
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
    last = cycle.packets.order_by("-version").values_list("version", flat=True).first()
    packet = Packet.objects.create(cycle=cycle, version=(last or 0) + 1, requested_by=by,
                                   message="作成の順番を待っています")
    record(by=by, action="reports.packet.request", obj=packet,
           after={**snapshot(packet), "include_unfinished": include_unfinished},
           municipality_code=cycle.plan.municipality.code)
    # The task is a row of the same database: it commits with the packet, or neither does.
    build_packet.enqueue(packet.pk, include_unfinished)
    packet.refresh_from_db()  # a worker that runs at once (the tests' one) has moved it on
    return packet
