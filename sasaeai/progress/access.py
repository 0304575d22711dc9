"""Fetch a cycle's objects for a user, through the user's standing (sasaeai.accounts.access,
which holds every rule). What one may not see answers 404, as if it did not exist."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from sasaeai.accounts.access import Standing, forbid_unless, get_plan_for_user, hide_unless
from sasaeai.progress.models import Cycle, Entry, EntryVersion, FigureRequest, Opinion, Packet
from sasaeai.tenancy.models import Organization


def get_cycle_for_user(user: Any, code: str, slug: str, pk: int) -> tuple[Cycle, Standing]:
    plan = get_plan_for_user(user, code, slug)
    cycle = get_object_or_404(Cycle.objects.select_related("rating_scale", "confirmed_by"),
                              plan=plan, pk=pk)
    cycle.plan = plan
    standing = Standing.of(user, plan)
    hide_unless(standing.can_view_cycle(cycle), "評価サイクルが見つかりません。")
    return cycle, standing


def get_summary_cycle_for_user(user: Any, code: str, slug: str, pk: int
                               ) -> tuple[Cycle, Standing]:
    """The cycle whose summary the user may read: once compiled, or always for the 事務局 and
    閲覧 (who follow the cycle while it is being written)."""
    cycle, standing = get_cycle_for_user(user, code, slug, pk)
    hide_unless(standing.can_view_summary(cycle), "進捗のまとめが見つかりません。")
    return cycle, standing


def get_packets_cycle_for_user(user: Any, code: str, slug: str, pk: int
                               ) -> tuple[Cycle, Standing]:
    """The cycle whose committee packets the user may read."""
    cycle, standing = get_cycle_for_user(user, code, slug, pk)
    hide_unless(standing.can_view_packets(cycle), "委員会資料が見つかりません。")
    return cycle, standing


def get_packet_for_user(user: Any, code: str, slug: str, pk: int, version: int
                        ) -> tuple[Packet, Cycle]:
    cycle, _standing = get_packets_cycle_for_user(user, code, slug, pk)
    packet = get_object_or_404(Packet, cycle=cycle, version=version, status=Packet.Status.DONE)
    return packet, cycle


def get_entry_for_user(
    user: Any, code: str, slug: str, cycle_pk: int, pk: int
) -> tuple[Entry, Cycle, Standing]:
    cycle, standing = get_cycle_for_user(user, code, slug, cycle_pk)
    entry = get_object_or_404(
        Entry.objects.select_related("initiative__element", "element", "organization",
                                     "prefilled_from"),
        cycle=cycle, pk=pk,
    )
    entry.cycle = cycle
    hide_unless(standing.can_view_entry(entry, cycle), "進捗報告が見つかりません。")
    return entry, cycle, standing


def get_entry_version_for_user(
    user: Any, code: str, slug: str, cycle_pk: int, pk: int, number: int
) -> tuple[EntryVersion, Entry, Cycle, Standing]:
    """One earlier version of a report: only for those who see drafts and history."""
    entry, cycle, standing = get_entry_for_user(user, code, slug, cycle_pk, pk)
    hide_unless(standing.can_view_history(cycle), "この版は見つかりません。")
    version = get_object_or_404(EntryVersion, entry=entry, number=number)
    return version, entry, cycle, standing


def get_opinion_for_user(user: Any, code: str, slug: str, pk: int, opinion_pk: int
                         ) -> tuple[Opinion, Cycle, Standing]:
    cycle, standing = get_cycle_for_user(user, code, slug, pk)
    opinion = get_object_or_404(Opinion, cycle=cycle, pk=opinion_pk)
    opinion.cycle = cycle
    return opinion, cycle, standing


def get_workbook_target_for_user(
    user: Any, code: str, slug: str, pk: int, org_pk: int
) -> tuple[Cycle, Standing, Organization]:
    """The cycle and organization of a 照会, if this user may exchange that organization's
    reports: 404 for what the user may not see, 403 for what they see but may not handle."""
    cycle, standing = get_cycle_for_user(user, code, slug, pk)
    organization = get_object_or_404(Organization, municipality_id=cycle.plan.municipality_id,
                                     pk=org_pk)
    forbid_unless(standing.can_exchange_workbook(cycle, organization.pk),
                  "この組織の照会ファイルを扱えるのは、事務局とその組織の担当です。")
    hide_unless(cycle.entries.filter(organization=organization).exists(),
                "この組織の報告はこの評価サイクルにありません。")
    return cycle, standing, organization


def get_figure_for_user(user: Any, code: str, slug: str, cycle_pk: int, pk: int
                        ) -> tuple[FigureRequest, Cycle, Standing]:
    """An indicator figure asked in a cycle, seen as a report of its organisation is."""
    cycle, standing = get_cycle_for_user(user, code, slug, cycle_pk)
    figure = get_object_or_404(
        FigureRequest.objects.select_related("indicator", "organization"), cycle=cycle, pk=pk)
    figure.cycle = cycle
    figure.indicator.plan = cycle.plan
    hide_unless(standing.can_view_figure(figure, cycle), "実績値の照会が見つかりません。")
    return figure, cycle, standing
