"""Updating a plan from a document: matched by what is printed, never deleting, previewed first."""

import copy

import pytest
from django.core.exceptions import PermissionDenied

from sasaeai.audit.models import AuditEvent
from sasaeai.exchange.planjson import export_plan
from sasaeai.exchange.planupdate import Change, PlanChanged, update_plan
from sasaeai.indicators.models import Indicator, Target
from sasaeai.plans.models import Plan, PlanElement
from sasaeai.testing import World

pytestmark = pytest.mark.django_db


def omitama() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code="082368",
                                                           slug="dai3ji")


@pytest.mark.parametrize("plan_id", range(8))
def test_a_plan_updated_from_its_own_file_does_not_change(plan_id):
    plans = list(Plan.objects.select_related("municipality").order_by("id"))
    plan = plans[plan_id]
    before = export_plan(plan)
    result = update_plan(by=None, plan=plan, doc=before)
    assert result.changes == []
    assert export_plan(Plan.objects.get(pk=plan.pk)) == before


def edited() -> dict:
    document = copy.deepcopy(export_plan(omitama()))
    document["elements"][0]["title"] = "地域で共に支えあう あたたかな心づくり（改）"
    drill = next(i for i in document["indicators"] if i["name"].startswith("地域の防災訓練"))
    drill["targets"][0].update(value="25", verbatim="25.0%")
    added = copy.deepcopy(drill)
    added.update(name="地区の防災訓練の実施回数", unit="回", source_kind="records",
                 source_text="防災管理課", targets=[], observations=[added["observations"][0]])
    added["observations"][0].update(value="12", verbatim="12回")
    document["indicators"].append(added)
    document["indicators"] = [i for i in document["indicators"]
                              if i["name"] != "学区コミュニティ組織数"]
    return document


def test_the_preview_lists_each_change_and_changes_nothing():
    plan = omitama()
    result = update_plan(by=None, plan=plan, doc=edited(), dry_run=True)
    assert Change("変更", "項目「1」",
                  "名称：「地域で共に支えあう あたたかな心づくり」→「地域で共に支えあう あたたかな心づくり（改）」"
                  ) in result.changes
    assert Change("変更", "指標「地域の防災訓練に参加していると回答した割合」の目標値「25.0%」",
                  "目標値：「20」→「25」、表記どおり：「20.0%」→「25.0%」") in result.changes
    assert Change("追加", "指標「地区の防災訓練の実施回数」") in result.changes
    assert Change("削除しない", "指標「学区コミュニティ組織数」",
                  "ワークブックにありませんが、削除していません。") in result.changes
    assert (result.count("追加"), result.count("変更"), result.count("削除しない")) == (2, 2, 1)
    assert PlanElement.objects.get(plan=plan, number_label="1", parent=None).title == (
        "地域で共に支えあう あたたかな心づくり")
    assert not Indicator.objects.filter(name="地区の防災訓練の実施回数").exists()


def test_applying_saves_what_was_previewed_with_an_audit_trail(world: World):
    plan = omitama()
    preview = update_plan(by=None, plan=plan, doc=edited(), dry_run=True)
    done = update_plan(by=None, plan=plan, doc=edited(), expected_digest=preview.digest())
    assert done.changes == preview.changes
    assert Target.objects.get(indicator__plan=plan, indicator__name__startswith="地域の防災訓練",
                              year=2025).verbatim == "25.0%"
    assert Indicator.objects.filter(plan=plan, name="学区コミュニティ組織数").exists()  # kept
    events = AuditEvent.objects.filter(action="exchange.plan.update")
    assert events.count() == 4  # 2 changes, the new indicator and its value
    change = events.get(object_type="indicators.Target")
    assert change.before is not None and change.before["verbatim"] == "20.0%"


def test_a_preview_that_no_longer_holds_is_refused():
    plan = omitama()
    preview = update_plan(by=None, plan=plan, doc=edited(), dry_run=True)
    element = PlanElement.objects.get(plan=plan, number_label="1", parent=None)
    element.title = "別の人が直した名前"
    element.save()
    with pytest.raises(PlanChanged):
        update_plan(by=None, plan=plan, doc=edited(), expected_digest=preview.digest())
    assert not Indicator.objects.filter(name="地区の防災訓練の実施回数").exists()


@pytest.mark.parametrize("persona", ["担当課の田中", "委員の高橋", "閲覧の伊藤", "他市の職員"])
def test_only_the_secretariat_updates_a_plan(world: World, persona):
    with pytest.raises(PermissionDenied):
        update_plan(by=world.personas()[persona], plan=world.published,
                    doc=export_plan(world.published))
