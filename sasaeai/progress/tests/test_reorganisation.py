"""機構改革 (issue #16): 小美玉市 merges 防災管理課 into a new 危機管理課. Its 担当, the indicators
whose figure it reports, the 取組 and items it reports on and its reports not yet handed in to
the 令和6年度 cycle (入力中) move; a report it already handed in stays under 防災管理課, as it was
reported; 防災管理課 is retired, names 危機管理課, and is offered for no new work. An
organization with work left cannot simply be retired (the page says what work); an empty one
can; the city itself can be neither retired nor merged."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts import invitations
from sasaeai.accounts.forms_people import InviteForm
from sasaeai.accounts.models import Membership, User
from sasaeai.audit.models import AuditEvent
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import Plan
from sasaeai.plans.reporting import reporting_organizations
from sasaeai.progress import actions, reorganisation
from sasaeai.progress.models import Cycle, Entry
from sasaeai.tenancy.models import Municipality, Organization

pytestmark = pytest.mark.django_db
CODE = "082368"


def sato() -> User:
    return User.objects.get(username="omitama-jimukyoku")


@pytest.fixture
def collecting() -> Cycle:
    plan = Plan.objects.get(municipality__code=CODE, slug="dai3ji")
    cycle = actions.create_cycle(by=sato(), plan=plan, fiscal_year=2024)
    return actions.move_cycle(by=sato(), cycle=cycle, to=Cycle.Status.COLLECTING,
                              expected_version=cycle.version)


def test_bousai_is_merged_into_kikikanri_and_what_it_handed_in_keeps_its_name(collecting):
    omitama = Municipality.objects.get(code=CODE)
    bousai = Organization.objects.get(municipality=omitama, name="防災管理課")
    kiki = Organization.objects.create(municipality=omitama, name="危機管理課", kind="department")
    Indicator.objects.filter(plan__municipality=omitama).update(reporting_organization=bousai)
    entries = list(Entry.objects.filter(cycle=collecting, organization=bousai).order_by("pk"))
    if not entries:  # the demo's 防災管理課 reports nothing in this cycle: give it two reports
        template = Entry.objects.filter(cycle=collecting).order_by("pk")[:2]
        Entry.objects.filter(pk__in=[e.pk for e in template]).update(organization=bousai)
        entries = list(Entry.objects.filter(cycle=collecting, organization=bousai).order_by("pk"))
    handed_in = entries[0]
    Entry.objects.filter(pk=handed_in.pk).update(status=Entry.Status.SUBMITTED)
    before = reorganisation.work_of(bousai)
    assert any(w.startswith("所属している人") for w in before)

    with pytest.raises(Exception) as refused:
        reorganisation.retire(by=sato(), municipality=omitama, organization=bousai,
                              seen="防災管理課")
    assert "まだ仕事があるため廃止できません" in str(refused.value)

    moved = reorganisation.merge(by=sato(), municipality=omitama, organization=bousai, into=kiki,
                                 seen="防災管理課")
    assert moved["所属"] == 1 and moved["指標"] >= 1
    assert Membership.objects.get(user__username="omitama-tanto").organization == kiki
    assert not Indicator.objects.filter(reporting_organization=bousai).exists()
    assert Entry.objects.get(pk=handed_in.pk).organization == bousai  # as it was reported
    assert all(Entry.objects.get(pk=e.pk).organization == kiki for e in entries[1:])
    bousai.refresh_from_db()
    assert bousai.is_retired and bousai.merged_into == kiki
    assert reorganisation.work_of(bousai) == ["入力中の評価サイクルの報告（1件）"]
    event = AuditEvent.objects.get(action="tenancy.organization.merge", object_id=str(bousai.pk))
    assert (event.after or {})["merged_into"] == "危機管理課"

    assert bousai not in InviteForm(omitama).fields["organization"].queryset  # type: ignore[attr-defined]
    assert bousai not in reporting_organizations(omitama)  # no new reporting either
    with pytest.raises(Exception) as no_work:
        invitations.invite(by=sato(), organization=bousai, email="x@example.jp", role="staff")
    assert "廃止されています" in str(no_work.value)


def test_an_empty_organization_is_retired_from_the_page_and_the_city_cannot_be():
    omitama = Municipality.objects.get(code=CODE)
    empty = Organization.objects.create(municipality=omitama, name="旧企画課", kind="department")
    city = Organization.objects.get(municipality=omitama, kind=Organization.Kind.CITY)
    client = Client()
    client.force_login(sato())
    page = client.get(reverse("people:people", args=[CODE])).content.decode()
    assert reverse("reorganisation:retire", args=[CODE, empty.pk]) in page
    client.post(reverse("reorganisation:retire", args=[CODE, empty.pk]), {"seen": "旧企画課"})
    empty.refresh_from_db()
    assert empty.is_retired
    assert "廃止" in client.get(reverse("people:people", args=[CODE])).content.decode()

    refused = client.post(reverse("reorganisation:merge", args=[CODE, city.pk]),
                          {"seen": city.name, "into": empty.pk}, follow=True)
    assert "統合先は、この自治体の廃止されていない別の組織から選んでください" in refused.content.decode()
    refused = client.post(reverse("reorganisation:retire", args=[CODE, city.pk]),
                          {"seen": city.name}, follow=True)
    assert "廃止できません" in refused.content.decode()
    city.refresh_from_db()
    assert not city.is_retired


def test_only_the_secretariat_merges():
    omitama = Municipality.objects.get(code=CODE)
    bousai = Organization.objects.get(municipality=omitama, name="防災管理課")
    client = Client()
    client.force_login(User.objects.get(username="omitama-tanto"))
    response = client.post(reverse("reorganisation:merge", args=[CODE, bousai.pk]),
                           {"seen": "防災管理課", "into": bousai.pk})
    assert response.status_code == 403
    bousai.refresh_from_db()
    assert not bousai.is_retired
