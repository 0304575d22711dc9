"""小美玉市の事務局の佐藤さんが、第3次地域福祉計画の成果指標「学区コミュニティ組織数」を
ブラウザで直す。

名前と単位を直し、令和11年度の目標値を「令和11年度」と書いて足し、集計の誤りだった実績値を
理由を添えて訂正し、重複して入っていた値を理由を添えて削除する。どの変更も監査の記録に
前後の値が残り、「元に戻す」で戻せる。同じ指標を別の人が先に直していたら、保存せずに両方の
内容を並べて見せる。担当の田中さん・委員の高橋さん・閲覧の伊藤さん・匿名の市民は直せず、
他の市の指標は見つからない。おかしな入力には日本語で答え、何も変えない。
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.indicators.edits import INDICATOR_FIELDS, OBSERVATION_FIELDS
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.plans.editing import SESSION_KEY

pytestmark = pytest.mark.django_db


def shot(data: Any) -> dict[str, Any]:
    """An audit event's snapshot, which the change being tested did write."""
    assert isinstance(data, dict)
    return data
CODE, SLUG = "082368", "dai3ji"


def sato() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="omitama-jimukyoku"))
    return client


def community() -> Indicator:
    return Indicator.objects.get(plan__municipality__code=CODE, plan__slug=SLUG,
                                 name="学区コミュニティ組織数")


def url(name: str, indicator: Indicator) -> str:
    return reverse(f"indicators:{name}", args=[CODE, SLUG, indicator.pk])


def definition(indicator: Indicator, **changes: str) -> dict[str, str]:
    data = {"name": indicator.name, "unit": indicator.unit, "polarity": indicator.polarity,
            "kind": indicator.kind, "aggregation": indicator.aggregation,
            "source_kind": indicator.source_kind, "source_text": indicator.source_text,
            "definition": indicator.definition, "rationale": indicator.rationale,
            "note": indicator.note, "seen": fingerprint(indicator, INDICATOR_FIELDS)}
    data.update(changes)
    return data


def undo(client: Client) -> None:
    offer = client.session[SESSION_KEY]
    assert client.post(offer["url"]).status_code == 302


def test_sato_renames_the_indicator_and_its_unit_and_can_undo_it():
    client, indicator = sato(), community()
    page = client.get(url("edit", indicator))
    assert page.status_code == 200 and "指標の定義" in page.text and "9組織" in page.text
    assert "Select an option" not in page.text  # every empty choice is said in Japanese
    response = client.post(url("edit", indicator), definition(
        indicator, name="学区コミュニティ組織の数", unit="団体", rationale="地域の自治の広がりを測る"))
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.name, indicator.unit) == ("学区コミュニティ組織の数", "団体")
    event = AuditEvent.objects.get(action="indicators.indicator.edit", object_id=str(indicator.pk))
    assert shot(event.before)["name"] == "学区コミュニティ組織数" and shot(event.after)["unit"] == "団体"
    assert "元に戻す" in client.get(url("edit", indicator)).text
    client.post(url("edit", indicator), definition(indicator, name="学区コミュニティ組織数（再）"))
    undo(client)
    indicator.refresh_from_db()
    assert indicator.name == "学区コミュニティ組織の数"
    detail = client.get(url("detail", indicator)).text
    assert url("edit", indicator) in detail


def test_a_target_written_in_wareki_is_added_changed_and_deleted():
    client, indicator = sato(), community()
    response = client.post(url("target", indicator), {
        "op": "add", "tnew-year": "令和11年度", "tnew-verbatim": "15組織以上"})
    assert response.status_code == 302
    target = Target.objects.get(indicator=indicator, year=2029)
    assert (target.kind, target.value, target.year_kind, target.verbatim) == (
        "at_least", Decimal("15.0000"), "fiscal", "15組織以上")
    added = AuditEvent.objects.get(action="indicators.target.add", object_id=str(target.pk))
    assert added.before is None and shot(added.after)["plan_id"] == indicator.plan_id
    undo(client)  # plans:undo recognises a target of the plan: the addition is taken back
    assert not Target.objects.filter(pk=target.pk).exists()

    client.post(url("target", indicator), {"op": "add", "tnew-year": "R11",
                                            "tnew-verbatim": "↗"})
    arrow = Target.objects.get(indicator=indicator, year=2029)
    assert (arrow.kind, arrow.value) == ("up", None)
    seen = fingerprint(arrow, ("year", "year_kind", "kind", "value", "verbatim"))
    prefix = f"t{arrow.pk}"
    client.post(url("target", indicator), {
        "op": "edit", "target": arrow.pk, "seen": seen, f"{prefix}-year": "2029年度",
        f"{prefix}-verbatim": "14組織", f"{prefix}-kind": ""})
    arrow.refresh_from_db()
    assert (arrow.kind, arrow.value) == ("value", Decimal("14.0000"))
    seen = fingerprint(arrow, ("year", "year_kind", "kind", "value", "verbatim"))
    client.post(url("target", indicator), {"op": "delete", "target": arrow.pk, "seen": seen})
    assert not Target.objects.filter(pk=arrow.pk).exists()
    gone = AuditEvent.objects.get(action="indicators.target.delete", object_id=str(arrow.pk))
    assert shot(gone.before)["verbatim"] == "14組織" and gone.after is None


def test_a_corrected_figure_keeps_the_old_one_and_the_reason_in_the_audit_trail():
    client, indicator = sato(), community()
    actual = indicator.observations.get(role="actual", year=2020)
    seen = fingerprint(actual, OBSERVATION_FIELDS)
    prefix = f"o{actual.pk}"
    data = {"op": "correct", "observation": actual.pk, "seen": seen,
            f"{prefix}-role": "actual", f"{prefix}-year": "令和2年度",
            f"{prefix}-verbatim": "10組織", f"{prefix}-status": "measured", f"{prefix}-reason": ""}
    refused = client.post(url("observation", indicator), data)
    assert refused.status_code == 400 and "理由を入力してください。" in refused.text
    actual.refresh_from_db()
    assert actual.verbatim == "9組織"
    data[f"{prefix}-reason"] = "集計の誤り（休止中の組織を数えていなかった）"
    assert client.post(url("observation", indicator), data).status_code == 302
    actual.refresh_from_db()
    assert (actual.verbatim, actual.value) == ("10組織", Decimal("10.0000"))
    event = AuditEvent.objects.get(action="indicators.observation.correct")
    assert shot(event.before)["verbatim"] == "9組織" and shot(event.after)["verbatim"] == "10組織"
    assert "集計の誤り" in event.note


def test_a_deleted_figure_needs_a_reason_and_stays_in_the_audit_trail():
    client, indicator = sato(), community()
    actual = indicator.observations.get(role="actual", year=2020)
    seen = fingerprint(actual, OBSERVATION_FIELDS)
    data = {"op": "delete", "observation": actual.pk, "seen": seen, f"d{actual.pk}-reason": " "}
    refused = client.post(url("observation", indicator), data)
    assert refused.status_code == 400 and "理由を入力してください。" in refused.text
    assert Observation.objects.filter(pk=actual.pk).exists()
    data[f"d{actual.pk}-reason"] = "基準値と重複して登録していた"
    assert client.post(url("observation", indicator), data).status_code == 302
    assert not Observation.objects.filter(pk=actual.pk).exists()
    event = AuditEvent.objects.get(action="indicators.observation.delete")
    assert shot(event.before)["verbatim"] == "9組織" and "重複して登録" in event.note
    undo(client)
    assert Observation.objects.get(pk=actual.pk).verbatim == "9組織"


def test_an_observation_is_added_with_its_text_as_written():
    client, indicator = sato(), community()
    response = client.post(url("observation", indicator), {
        "op": "add", "onew-role": "actual", "onew-year": "R6", "onew-verbatim": "１１組織",
        "onew-status": "measured"})
    assert response.status_code == 302
    added = indicator.observations.get(year=2024)
    assert (added.verbatim, added.value) == ("１１組織", Decimal("11.0000"))
    twice = client.post(url("observation", indicator), {
        "op": "add", "onew-role": "actual", "onew-year": "令和6年度", "onew-verbatim": "12組織",
        "onew-status": "measured"})
    assert twice.status_code == 400 and "既に登録されています" in twice.text


def test_a_stale_edit_is_refused_with_both_versions_and_the_input_kept():
    indicator = community()
    opened = definition(indicator, name="学区コミュニティ組織数（佐藤）")
    other = definition(indicator, unit="団体", name="地域の学区コミュニティ組織数")
    assert sato().post(url("edit", indicator), other).status_code == 302
    response = sato().post(url("edit", indicator), opened)
    assert response.status_code == 409
    assert "あなたが開いた後に他の人が変更しました" in response.text
    assert "地域の学区コミュニティ組織数" in response.text  # saved now
    assert 'value="学区コミュニティ組織数（佐藤）"' in response.text  # typed, kept in the form
    indicator.refresh_from_db()
    assert indicator.name == "地域の学区コミュニティ組織数"


def test_sato_adds_an_indicator():
    client = sato()
    add = reverse("indicators:add", args=[CODE, SLUG])
    assert client.get(add).status_code == 200
    response = client.post(add, {"name": "見守り協力事業所数", "unit": "事業所",
                                 "polarity": "higher", "kind": "activity",
                                 "aggregation": "fiscal", "source_kind": "records"})
    assert response.status_code == 302
    made = Indicator.objects.get(plan__slug=SLUG, name="見守り協力事業所数")
    event = AuditEvent.objects.get(action="indicators.indicator.add", object_id=str(made.pk))
    assert event.before is None
    again = client.post(add, {"name": "見守り協力事業所数", "polarity": "higher",
                              "kind": "activity", "aggregation": "fiscal"})
    assert again.status_code == 400 and "同じ名前の指標があります" in again.text


@pytest.mark.parametrize("username", ["omitama-tanto", "omitama-iin", "omitama-etsuran",
                                      "kurume-jimukyoku"])
def test_others_may_not_edit(username):
    client, indicator = Client(), community()
    client.force_login(User.objects.get(username=username))
    assert client.get(url("edit", indicator)).status_code == 403
    response = client.post(url("edit", indicator), definition(indicator, name="書き換え"))
    assert response.status_code == 403
    assert client.post(url("merge", indicator), {"other": 1, "confirm": "1"}).status_code == 403
    indicator.refresh_from_db()
    assert indicator.name == "学区コミュニティ組織数"


def test_the_public_is_sent_to_sign_in_and_another_citys_indicator_is_not_found():
    indicator = community()
    assert Client().get(url("edit", indicator))["Location"].startswith("/accounts/login/")
    elsewhere = Indicator.objects.exclude(plan__municipality__code=CODE).first()
    assert elsewhere is not None
    wrong = reverse("indicators:edit", args=[CODE, SLUG, elsewhere.pk])
    assert sato().get(wrong).status_code == 404


@pytest.mark.parametrize(("year", "verbatim", "message"), [
    ("令和99年度", "15組織", "年（度）を読み取れません"),
    ("R11", "\x00", "使えない文字"),
    ("R11", "", "目標値を表記どおりに入力してください。"),
    ("R11", "たくさん", "目標の種類を選んでください"),
    ("H29年度~R元年度", "15組織", "一つの年（度）で"),
])
def test_hostile_target_input_is_answered_in_japanese(year, verbatim, message):
    client, indicator = sato(), community()
    response = client.post(url("target", indicator), {"op": "add", "tnew-year": year,
                                                      "tnew-verbatim": verbatim,
                                                      "tnew-value": ""})
    assert response.status_code == 400
    assert message in response.text
    assert indicator.targets.count() == 1


def test_a_hostile_value_or_row_is_refused_calmly():
    client, indicator = sato(), community()
    odd = client.post(url("target", indicator), {"op": "add", "tnew-year": "R11",
                                                 "tnew-verbatim": "多め", "tnew-kind": "value",
                                                 "tnew-value": "①"})
    assert odd.status_code == 400 and "数値は数字で入力してください" in odd.text
    foreign = Observation.objects.exclude(indicator__plan__municipality__code=CODE).first()
    assert foreign is not None
    response = client.post(url("observation", indicator), {
        "op": "delete", "observation": foreign.pk, f"d{foreign.pk}-reason": "x"})
    assert response.status_code == 400 and "値が見つかりません" in response.text
    assert Observation.objects.filter(pk=foreign.pk).exists()
