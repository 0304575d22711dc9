"""Importing a pasted indicator table: a preview first, then every row saved or none."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.indicators import actions
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.indicators.tables import parse_table, rows_from_text
from sasaeai.indicators.tests.test_tables import OMITAMA, OTHER
from sasaeai.plans.models import Plan
from sasaeai.testing import World

pytestmark = pytest.mark.django_db


def omitama() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code="082368",
                                                           slug="dai3ji")


def test_omitamas_own_table_pasted_into_its_plan_changes_nothing():
    plan = omitama()
    changes = actions.plan_changes(plan, parse_table(rows_from_text(OMITAMA)))
    assert [c.action for c in changes] == ["変更なし"] * 10
    assert [c.element.number_label if c.element else None for c in changes] == [
        "1", "1", "1", "2", "2", "2", "3", "3", "3", None]


def test_a_table_becomes_indicators_with_every_figure_and_a_second_paste_adds_nothing(
        world: World):
    plan = world.published
    changes = actions.import_indicator_table(by=world.sato, plan=plan,
                                             table=parse_table(rows_from_text(OTHER)))
    assert [c.action for c in changes] == ["新規"] * 3
    deaths = Indicator.objects.get(plan=plan, name="孤立死の件数")
    assert (deaths.unit, deaths.polarity, deaths.polarity_inferred, deaths.source_text,
            deaths.source_kind) == ("件", "lower", True, "福祉課", "records")
    assert [(o.role, o.year, o.year_kind, o.value, o.status, o.verbatim)
            for o in deaths.observations.order_by("role", "year")] == [
        ("actual", 2014, "fiscal", Decimal("10.0000"), "estimated", "10件(推計)"),
        ("baseline", 2016, "fiscal", Decimal("12.0000"), "measured", "12件"),
    ]
    assert [(t.kind, t.value, t.year, t.verbatim) for t in deaths.targets.all()] == [
        ("at_most", Decimal("8.0000"), 2020, "8件以下")]
    salon = Indicator.objects.get(plan=plan, name="サロン参加者数")
    baseline = salon.observations.get(role="baseline")
    assert (baseline.year, baseline.year_end, baseline.value) == (2017, 2019, Decimal(2728))
    assert AuditEvent.objects.filter(action="indicators.indicator.import").count() == 3
    assert AuditEvent.objects.filter(action="indicators.figure.import").count() == 9
    again = actions.import_indicator_table(by=world.sato, plan=plan,
                                           table=parse_table(rows_from_text(OTHER)))
    assert [c.action for c in again] == ["変更なし"] * 3
    assert Observation.objects.filter(indicator__plan=plan).count() == 6


def test_a_later_table_adds_new_years_and_refuses_to_overwrite(world: World):
    plan = world.published
    actions.import_indicator_table(by=world.sato, plan=plan,
                                   table=parse_table(rows_from_text(OTHER)))
    later = "指標名\t令和5年度実績\n孤立死の件数\t9件\n"
    changes = actions.import_indicator_table(by=world.sato, plan=plan,
                                             table=parse_table(rows_from_text(later)))
    assert [(c.action, c.adds) for c in changes] == [("追加", ["現状値・実績値「9件」"])]
    wrong = "指標名\t令和5年度実績\n孤立死の件数\t7件\nサロン参加者数\t3,100人\n"
    table = parse_table(rows_from_text(wrong))
    changes = actions.plan_changes(plan, table)
    assert changes[0].conflicts == [
        "現状値・実績値「7件」が、登録済みの「9件」と違います。登録済みの値は上書きしません。"]
    with pytest.raises(ValidationError, match="エラーのある行が1行あるため、何も取り込みませんでした"):
        actions.import_indicator_table(by=world.sato, plan=plan, table=table)
    assert not Observation.objects.filter(indicator__name="サロン参加者数", year=2023).exists()


def test_a_row_that_cannot_be_read_saves_nothing_at_all(world: World):
    table = parse_table(rows_from_text(OTHER + "見守り件数\t件\tたくさん\t1件\t2件\t福祉課\n"))
    assert table.rows[-1].problems == ["「策定時（平成28年度）」：『たくさん』から数値を読み取れません"]
    with pytest.raises(ValidationError):
        actions.import_indicator_table(by=world.sato, plan=world.published, table=table)
    assert not Indicator.objects.filter(plan=world.published).exists()
    assert not Target.objects.filter(indicator__plan=world.published).exists()


@pytest.mark.parametrize("persona", ["担当課の田中", "委員の高橋", "閲覧の伊藤", "他市の職員"])
def test_only_the_secretariat_imports(world: World, persona):
    with pytest.raises(PermissionDenied):
        actions.import_indicator_table(by=world.personas()[persona], plan=world.published,
                                       table=parse_table(rows_from_text(OTHER)))


def test_the_page_previews_then_saves_on_confirmation(world: World):
    url = reverse("indicators:import", args=["479001", "dai3ji"])
    sato = Client()
    sato.force_login(world.sato)
    page = sato.get(reverse("indicators:table", args=["479001", "dai3ji"])).text
    assert "指標の表を貼り付けて取り込む" in page
    response = sato.post(url, {"text": OTHER})
    assert response.status_code == 200
    assert "3行を読み取りました" in response.text and "まだ何も保存していません" in response.text
    assert "「26年度現状値」→ 現状値・実績値" in response.text
    assert "10件(推計)<span class=\"muted\">／平成26年度（2014年度）／推計" in response.text
    assert not Indicator.objects.filter(plan=world.published).exists()
    confirm = sato.post(reverse("indicators:import_confirm", args=["479001", "dai3ji"]),
                        {"token": response.context["token"],
                         "digest": response.context["digest"]})
    assert confirm.status_code == 302
    assert Indicator.objects.filter(plan=world.published).count() == 3


def test_the_page_shows_each_problem_and_offers_nothing_to_save(world: World):
    sato = Client()
    sato.force_login(world.sato)
    url = reverse("indicators:import", args=["479001", "dai3ji"])
    response = sato.post(url, {"text": "指標\t基準値\t目標値\n相談件数\t100件\tたくさん\n"})
    assert response.status_code == 400
    assert "「目標値」：『たくさん』から数値を読み取れません" in response.text
    assert "この内容で取り込む" not in response.text
    response = sato.post(url, {"text": ""})
    assert "表を貼り付けるか、ファイルを選んでください。" in response.text
    response = sato.post(url, {"text": "指標 基準値\nサロン 5"})
    assert "タブ" in response.text


def test_a_stale_preview_saves_nothing(world: World):
    sato = Client()
    sato.force_login(world.sato)
    response = sato.post(reverse("indicators:import", args=["479001", "dai3ji"]),
                         {"text": OTHER})
    # Someone registers one of the indicators between the preview and the confirmation.
    actions.import_indicator_table(by=world.sato, plan=world.published,
                                   table=parse_table(rows_from_text(OTHER.split("孤立死")[0])))
    confirm = sato.post(reverse("indicators:import_confirm", args=["479001", "dai3ji"]),
                        {"token": response.context["token"],
                         "digest": response.context["digest"]}, follow=True)
    assert "確認の後に指標が更新されたため、何も取り込みませんでした" in confirm.text
    assert Indicator.objects.filter(plan=world.published).count() == 1


@pytest.mark.parametrize(("persona", "status"), [
    ("担当課の田中", 403), ("委員の高橋", 403), ("閲覧の伊藤", 403), ("他市の職員", 404),
    ("匿名の市民", 302),
])
def test_the_import_pages_refuse_everyone_else(world: World, persona, status):
    client = Client()
    user = world.personas()[persona]
    if user.is_authenticated:
        client.force_login(user)
    for name, method in (("indicators:import", "get"), ("indicators:import", "post"),
                         ("indicators:import_confirm", "post")):
        url = reverse(name, args=["479001", "dai4ji"])  # the draft: 他市 may not even see it
        response = getattr(client, method)(url, {"text": OTHER, "token": "x"})
        assert response.status_code == status, (persona, name, method)
    assert not Indicator.objects.filter(plan=world.draft).exists()


def test_the_command_prints_the_rows_as_understood_and_saves_only_without_dry_run(tmp_path):
    path = tmp_path / "omitama.txt"
    path.write_text(OMITAMA, encoding="utf-8")
    out = StringIO()
    call_command("import_indicators", str(path), "--plan", "082368/dai3ji", "--dry-run",
                 "--json", stdout=out)
    data = json.loads(out.getvalue())
    community = next(r for r in data["rows"] if r["name"] == "学区コミュニティ組織数")
    assert community["baseline"] == {
        "verbatim": "8組織", "value": "8", "unit": "組織", "year": 2015, "year_end": None,
        "year_kind": "calendar", "status": "measured", "target_kind": None, "footnotes": [],
        "note": "", "header": "前回 (平成27年)"}
    assert community["current"]["value"] == "9"
    assert (community["target"]["value"], community["target"]["target_kind"]) == ("12", "value")
    assert (community["source"], community["polarity"], community["problems"]) == (
        "市民協働課", "higher", [])
    assert {r["action"] for r in data["rows"]} == {"変更なし"}
    bad = tmp_path / "bad.csv"
    bad.write_text("指標,基準値\n相談件数,たくさん\n", encoding="utf-8")
    with pytest.raises(CommandError, match="エラーのある行が1行"):
        call_command("import_indicators", str(bad), "--plan", "082368/dai3ji", stdout=StringIO())
