"""小美玉市の事務局の佐藤さんが、表の取り込みでできた重複した指標を一つにまとめる。

計画書の表を直して取り込み直したら、「学区コミュニティ組織数」の名前を変えた行が新しい指標
「学区コミュニティ組織の数」として登録され、元の指標も残った。新しい方には同じ基準値と、
令和5年度の実績値（11組織）と事務局の判定の修正がある。佐藤さんは元の指標に新しい方を統合し、
両方の履歴が元の指標にそろう。新しい方の住所は元の指標へ移る。同じ年の値が食い違うときは
どちらかを黙って選ばず、統合を断って食い違いを一覧で示す。
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.indicators.models import Indicator, JudgementOverride, Observation, Target

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


def original() -> Indicator:
    return Indicator.objects.get(plan__municipality__code=CODE, plan__slug=SLUG,
                                 name="学区コミュニティ組織数")


def duplicate_from_the_workbook(actual_2020: str | None = None) -> Indicator:
    """What the import of the corrected table made: the renamed row as a new indicator."""
    first = original()
    copy = Indicator.objects.create(plan=first.plan, element=first.element,
                                    name="学区コミュニティ組織の数", unit="組織",
                                    source_kind="records", order=99)
    Observation.objects.create(indicator=copy, role="baseline", year=2015, value=8,
                               verbatim="8組織")
    Observation.objects.create(indicator=copy, role="actual", year=2023, value=11,
                               verbatim="11組織")
    if actual_2020:
        Observation.objects.create(indicator=copy, role="actual", year=2020,
                                   value=int(actual_2020.removesuffix("組織")),
                                   verbatim=actual_2020)
    Target.objects.create(indicator=copy, year=2025, kind="value", value=12, verbatim="12組織")
    JudgementOverride.objects.create(indicator=copy, category="on_track",
                                     computed_category="improving", computed_sentence="改善",
                                     reason="組織の立ち上げが進んでいる")
    return copy


def merge_url(indicator: Indicator) -> str:
    return reverse("indicators:merge", args=[CODE, SLUG, indicator.pk])


def test_both_histories_end_up_on_the_survivor():
    survivor, copy = original(), duplicate_from_the_workbook()
    client = sato()
    preview = client.get(merge_url(survivor), {"other": copy.pk})
    assert preview.status_code == 200
    assert "実績値 2023年度" in preview.text or "11組織" in preview.text
    assert "両方にある同じ値" in preview.text  # the baseline 8組織 is on both
    unconfirmed = client.post(merge_url(survivor), {"other": copy.pk})
    assert unconfirmed.status_code == 400 and Indicator.objects.filter(pk=copy.pk).exists()

    response = client.post(merge_url(survivor), {"other": copy.pk, "confirm": "1"})
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=copy.pk).exists()
    figures = sorted((o.role, o.year, o.verbatim) for o in survivor.observations.all())
    assert figures == [("actual", 2020, "9組織"), ("actual", 2023, "11組織"),
                       ("baseline", 2015, "8組織")]
    assert survivor.targets.count() == 1
    assert survivor.overrides.get().reason == "組織の立ち上げが進んでいる"
    event = AuditEvent.objects.get(action="indicators.indicator.merge")
    assert event.object_id == str(copy.pk) and shot(event.after)["merged_into_id"] == survivor.pk
    assert {o["verbatim"] for o in shot(event.before)["observations"]} == {"8組織", "11組織"}
    assert shot(event.before)["name"] == "学区コミュニティ組織の数"

    old = reverse("indicators:detail", args=[CODE, SLUG, copy.pk])
    moved = Client().get(old)
    assert moved.status_code == 302
    assert moved["Location"] == reverse("indicators:detail", args=[CODE, SLUG, survivor.pk])
    assert "学区コミュニティ組織の数" not in Client().get(
        reverse("indicators:table", args=[CODE, SLUG])).text


def test_differing_figures_for_the_same_year_refuse_the_merge_with_the_list():
    survivor, copy = original(), duplicate_from_the_workbook(actual_2020="10組織")
    response = sato().post(merge_url(survivor), {"other": copy.pk, "confirm": "1"})
    assert response.status_code == 409
    assert "統合できません" in response.text
    assert "「9組織」があります" in response.text
    assert Indicator.objects.filter(pk=copy.pk).exists()
    assert copy.observations.count() == 3 and survivor.observations.count() == 2
    assert not AuditEvent.objects.filter(action="indicators.indicator.merge").exists()


def test_two_indicators_defined_on_survey_questions_are_not_merged_silently():
    plan_indicators = Indicator.objects.filter(plan__municipality__code=CODE, plan__slug=SLUG)
    joined = plan_indicators.get(name__startswith="地域活動の参加状況")
    known = plan_indicators.get(name__startswith="居住地区の担当民生委員")
    page = sato().get(merge_url(joined), {"other": known.pk})
    assert "調査による指標の定義" in page.text and "にも同じものがあります" in page.text
    assert sato().post(merge_url(joined), {"other": known.pk, "confirm": "1"}).status_code == 409
    assert Indicator.objects.filter(pk=known.pk).exists()


def test_only_an_indicator_of_the_same_plan_can_be_chosen():
    survivor = original()
    elsewhere = Indicator.objects.exclude(plan=survivor.plan).first()
    assert elsewhere is not None
    response = sato().post(merge_url(survivor), {"other": elsewhere.pk, "confirm": "1"})
    assert response.status_code == 400 and "一覧から選んでください" in response.text
    hostile = sato().get(merge_url(survivor), {"other": "①"})
    assert hostile.status_code == 400
    assert Indicator.objects.filter(pk=elsewhere.pk).exists()


def test_the_merge_is_refused_to_the_staff_and_the_committee():
    survivor, copy = original(), duplicate_from_the_workbook()
    for username in ("omitama-tanto", "omitama-iin", "omitama-etsuran"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.post(merge_url(survivor), {"other": copy.pk,
                                                 "confirm": "1"}).status_code == 403
    assert Indicator.objects.filter(pk=copy.pk).exists()
