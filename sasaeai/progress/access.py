"""Who may do what in a progress cycle. Views, the importer and the API all ask here.

- 事務局 (secretariat) of the municipality: sees everything, edits any entry on behalf of an
  organization while input is open, returns and accepts entries, moves the cycle on, answers
  opinions, confirms, publishes, restores and corrects (corrections only after 確定).
- 担当 (staff) of an organization: sees the cycle from 入力中 on; writes and submits its own
  organization's entries while input is open; sees the other organizations' entries once compiled.
- 委員 (committee): reads the cycle from 委員会審議 on; writes opinions and committee ratings during
  委員会審議.
- 閲覧 (viewer): reads every cycle of the municipality.
- Anyone (also anonymous): reads 公開 cycles of published plans.
What one may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from sasaeai.accounts.access import get_plan_for_user
from sasaeai.accounts.models import Membership
from sasaeai.plans.models import Plan
from sasaeai.progress.models import Cycle, Entry

S = Cycle.Status
OPEN_FOR_INPUT = {S.COLLECTING}
COMPILED = {S.COMPILING, S.REVIEWING, S.CONFIRMED, S.PUBLISHED}
COMMITTEE_VISIBLE = {S.REVIEWING, S.CONFIRMED, S.PUBLISHED}


@dataclass
class Standing:
    """A user's roles in one municipality."""

    secretariat: bool = False
    viewer: bool = False
    committee: bool = False
    staff_orgs: set[int] = field(default_factory=set)
    member: bool = False

    @classmethod
    def of(cls, user: Any, plan: Plan) -> Standing:
        standing = cls()
        if not getattr(user, "is_authenticated", False):
            return standing
        rows = Membership.objects.filter(
            user=user, organization__municipality_id=plan.municipality_id
        ).values_list("organization_id", "role")
        for org_id, role in rows:
            standing.member = True
            if role == Membership.Role.SECRETARIAT:
                standing.secretariat = True
            elif role == Membership.Role.STAFF:
                standing.staff_orgs.add(org_id)
            elif role == Membership.Role.COMMITTEE:
                standing.committee = True
            elif role == Membership.Role.VIEWER:
                standing.viewer = True
        return standing

    # Reading
    def can_view_cycle(self, cycle: Cycle) -> bool:
        if cycle.status == S.PUBLISHED and cycle.plan.status == Plan.Status.PUBLISHED:
            return True
        if self.secretariat or self.viewer:
            return True
        if self.staff_orgs and cycle.status != S.PREPARING:
            return True
        return self.committee and cycle.status in COMMITTEE_VISIBLE

    def can_view_entry(self, entry: Entry, cycle: Cycle) -> bool:
        if not self.can_view_cycle(cycle):
            return False
        if self.secretariat or self.viewer or self.committee:
            return True
        if entry.organization_id in self.staff_orgs:
            return True
        return cycle.status in COMPILED

    def sees_drafts(self, cycle: Cycle) -> bool:
        """Whether unsubmitted text and history are shown (never to the public)."""
        return self.member and (self.secretariat or self.viewer or bool(self.staff_orgs))

    # Writing
    def can_edit_entry(self, entry: Entry, cycle: Cycle) -> bool:
        if cycle.status not in OPEN_FOR_INPUT:
            return False
        if entry.status not in {Entry.Status.NOT_STARTED, Entry.Status.DRAFT,
                                Entry.Status.RETURNED}:
            return False
        return self.secretariat or entry.organization_id in self.staff_orgs

    def can_return_entry(self, entry: Entry, cycle: Cycle) -> bool:
        return (self.secretariat and cycle.status in {S.COLLECTING, S.COMPILING}
                and entry.status in {Entry.Status.SUBMITTED, Entry.Status.ACCEPTED})

    def can_accept_entry(self, entry: Entry, cycle: Cycle) -> bool:
        return (self.secretariat and cycle.status in {S.COLLECTING, S.COMPILING}
                and entry.status == Entry.Status.SUBMITTED)

    def can_rate(self, cycle: Cycle) -> bool:
        return self.committee and cycle.status == S.REVIEWING

    def can_write_opinion(self, cycle: Cycle) -> bool:
        return self.committee and cycle.status == S.REVIEWING

    def can_respond(self, cycle: Cycle) -> bool:
        return self.secretariat and cycle.status == S.REVIEWING

    def can_manage(self, cycle: Cycle | None = None) -> bool:
        return self.secretariat

    def can_restore(self, cycle: Cycle) -> bool:
        return self.secretariat and not cycle.is_frozen

    def can_correct(self, cycle: Cycle) -> bool:
        return self.secretariat and cycle.is_frozen


def get_cycle_for_user(user: Any, code: str, slug: str, pk: int) -> tuple[Cycle, Standing]:
    plan = get_plan_for_user(user, code, slug)
    cycle = get_object_or_404(Cycle.objects.select_related("rating_scale", "confirmed_by"),
                              plan=plan, pk=pk)
    cycle.plan = plan
    standing = Standing.of(user, plan)
    if not standing.can_view_cycle(cycle):
        raise Http404("評価サイクルが見つかりません。")
    return cycle, standing


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
    if not standing.can_view_entry(entry, cycle):
        raise Http404("進捗報告が見つかりません。")
    return entry, cycle, standing
