"""What the public may see of each model is defined once (sasaeai.lib.projection) and read the
same way by the pages, the plan file and the API; the municipality's members see everything
they saw before."""

import pytest
from django.test import Client

from sasaeai.exchange.planjson import export_plan
from sasaeai.indicators import actions as indicator_actions
from sasaeai.indicators.models import Indicator, JudgementOverride
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_states
from sasaeai.progress.models import Cycle, Entry
from sasaeai.testing import AreaFactory, PlanFactory, World, build_review

pytestmark = pytest.mark.django_db


def overridden_twice(world: World) -> Indicator:
    indicator = Indicator.objects.create(plan=world.published, name="見守り活動の参加者数",
                                         unit="人")
    for category, reason in (("flat", "仮の判定"), ("improving", "活動の記録を確認したため")):
        indicator_actions.override_judgement(by=world.sato, indicator=indicator,
                                             category=category, reason=reason)
    indicator_actions.override_judgement(by=world.sato, indicator=indicator, year=2023,
                                         category="worsening", reason="令和5年度の値による")
    return indicator


def test_it_shows_the_public_only_the_override_in_force_for_each_year(world: World):
    indicator = overridden_twice(world)
    in_force = JudgementOverride.objects.filter(indicator=indicator).public()
    assert sorted((o.year or 0, o.reason) for o in in_force) == [
        (0, "活動の記録を確認したため"), (2023, "令和5年度の値による")]
    document = export_plan(world.published, public=True)
    overrides = document["indicators"][0]["judgement_overrides"]
    assert [o["reason"] for o in overrides] == ["活動の記録を確認したため", "令和5年度の値による"]
    assert all("by_label" not in o for o in overrides)
    full = export_plan(world.published)["indicators"][0]["judgement_overrides"]
    assert [o["by_label"] for o in full] == ["事務局の佐藤"] * 3


def test_it_names_who_overrode_a_judgement_to_members_only(world: World):
    indicator = overridden_twice(world)
    url = f"/479001/dai3ji/indicators/{indicator.pk}/"
    anonymous = Client().get(url).content.decode()
    assert "活動の記録を確認したため" in anonymous and "事務局の佐藤" not in anonymous
    ito = Client()
    ito.force_login(world.ito)  # 閲覧の伊藤, a member: the name and the whole history
    member = ito.get(url).content.decode()
    assert "事務局の佐藤" in member and "仮の判定" in member


def test_a_public_copy_keeps_the_row_and_empties_its_private_fields(world: World):
    review = build_review(world)
    entry = review.entry(review.watch, review.dept)
    entry.return_comment = "数値を確認してください。"
    entry.updated_by = world.sato
    shown = entry.for_reader(public=True)
    assert (shown.pk, shown.return_comment, shown.updated_by) == (entry.pk, "", None)
    assert entry.return_comment == "数値を確認してください。"  # the loaded row is untouched
    assert entry.for_reader(public=False) is entry
    with pytest.raises(ValueError, match="公開用の写し"):
        shown.save()


def test_it_cuts_links_to_unpublished_plans_for_the_public(world: World):
    draft_predecessor = PlanFactory.create(municipality=world.home, slug="dai2ji",
                                           title="第2次ささえ市地域福祉計画",
                                           status=Plan.Status.DRAFT)
    world.published.predecessor = draft_predecessor
    world.published.save()
    district = PlanFactory.create(municipality=world.home, slug="chiku", kind=Plan.Kind.DISTRICT,
                                  title="東地区福祉活動計画", status=Plan.Status.PUBLISHED,
                                  parent=world.draft,
                                  area=AreaFactory.create(municipality=world.home))
    assert world.published.for_reader(public=True).predecessor is None
    assert world.published.for_reader(public=False).predecessor == draft_predecessor
    assert district.for_reader(public=True).parent is None
    assert list(world.published.successors.visible(public=True)) == []
    assert export_plan(world.published, public=True)["plan"]["predecessor"] is None
    page = Client().get("/479001/dai3ji/").content.decode()
    assert "第2次ささえ市地域福祉計画" not in page
    sato = Client()
    sato.force_login(world.sato)
    assert "第2次ささえ市地域福祉計画" in sato.get("/479001/dai3ji/").content.decode()


def test_the_public_reads_every_entry_of_a_published_cycle_but_no_return_reason(world: World):
    review = build_review(world)
    review.submit(Entry.objects.filter(cycle=review.cycle))
    cycle = review.refresh()

    def move(to: str) -> Cycle:
        return actions.move_cycle(by=world.sato, cycle=cycle, to=to,
                                  expected_version=cycle.version)

    cycle = move(Cycle.Status.COMPILING)
    returned = review.entry(review.watch, review.dept)
    actions.return_entry(by=world.sato, entry=returned, comment="件数の根拠を添えてください。",
                         expected_version=returned.version)
    actions_states.waive_entries(by=world.sato, cycle=cycle, entry_ids=[returned.pk],
                                 reason="期限までに再提出がなかったため")
    for step in (Cycle.Status.REVIEWING, Cycle.Status.CONFIRMED, Cycle.Status.PUBLISHED):
        cycle = move(step)
    public = Entry.objects.filter(cycle__plan=world.published).public()
    assert set(public) == set(Entry.objects.filter(cycle=cycle))
    body = Client().get(f"/api/plans/479001/dai3ji/cycles/{cycle.pk}").json()
    assert len(body["entries"]) == 4
    assert "件数の根拠" not in str(body)
    entry_page = Client().get(returned.get_absolute_url()).content.decode()
    assert "差戻し" in entry_page and "件数の根拠" not in entry_page
    assert "期限までに再提出がなかったため" in entry_page
    sato = Client()
    sato.force_login(world.sato)
    assert "件数の根拠" in sato.get(returned.get_absolute_url()).content.decode()
