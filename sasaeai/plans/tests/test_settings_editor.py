"""The plan's settings in the browser (issue #15).

小美玉市の事務局の佐藤 prepares the 第4次小美玉市地域福祉計画, still a 素案. On the settings page
(計画の編集 → 計画の設定) she types the period as plans write it, 「令和7年度」 to 「R11」, makes the
city and its 社協 the plan's owners, names the 第3次 plan as its predecessor and fills in where
residents can ask (福祉部社会福祉課, its phone and mail). Every save is audited and can be undone
from the message. She then adopts the plan (策定済) and publishes it: the first click only says
what residents will see and where; the confirming click publishes, and an anonymous resident
reads the plan with its contact. Withdrawing it (公開 → 策定済) hides it again.

A colleague who saved while 佐藤's page was open is not overwritten: 佐藤 gets 409 with both
versions and her input kept. 担当の田中, 委員の高橋 and 閲覧の伊藤 are refused (403), an anonymous
visitor is sent to sign in, and 久留米市's 事務局 does not find 小美玉市's 素案 (404). Odd input
gives a Japanese message and changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.plans.actions_settings import owners_version
from sasaeai.plans.editing import PLAN_FIELDS
from sasaeai.plans.models import Plan
from sasaeai.tenancy.models import Municipality, Organization

pytestmark = pytest.mark.django_db
CODE, SLUG = "082368", "dai4ji"


@pytest.fixture
def draft() -> Plan:
    omitama = Municipality.objects.get(code=CODE)
    plan = Plan.objects.create(municipality=omitama, slug=SLUG, title="第4次小美玉市地域福祉計画（素案）",
                               kind=Plan.Kind.COMMUNITY, status=Plan.Status.DRAFT)
    plan.owners.set([org("小美玉市")])
    return plan


def org(name: str) -> Organization:
    return Organization.objects.get(municipality__code=CODE, name=name)


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def url(name: str, slug: str = SLUG) -> str:
    return reverse(name, args=[CODE, slug])


def form_of(plan: Plan, **changes: Any) -> dict[str, Any]:
    """The settings form as the page sends it, with `changes` typed in."""
    plan.refresh_from_db()
    data: dict[str, Any] = {
        "title": plan.title, "kind": plan.kind, "generation": plan.generation,
        "start_fy": str(plan.start_fy or ""), "end_fy": str(plan.end_fy or ""),
        "owners": [str(pk) for pk in plan.owners.values_list("pk", flat=True)],
        "predecessor": str(plan.predecessor_id or ""), "philosophy": plan.philosophy,
        "philosophy_description": plan.philosophy_description, "summary": plan.summary,
        "source_document": plan.source_document, "contact_department": plan.contact_department,
        "contact_phone": plan.contact_phone, "contact_email": plan.contact_email,
        "seen": fingerprint(plan, PLAN_FIELDS), "seen_owners": owners_version(plan),
    }
    data.update(changes)
    return data


def test_sato_sets_the_period_in_wareki_the_owners_and_the_contact(draft: Plan):
    sato = client_of("omitama-jimukyoku")
    page = sato.get(url("plans:settings"))
    assert page.status_code == 200
    assert "計画の設定" in page.text and "小美玉市社会福祉協議会" in page.text
    dai3ji = Plan.objects.get(municipality__code=CODE, slug="dai3ji")
    response = sato.post(url("plans:settings"), form_of(
        draft, title="第4次小美玉市地域福祉計画", generation="第4次", start_fy="令和7年度",
        end_fy="R11", owners=[str(org("小美玉市").pk), str(org("小美玉市社会福祉協議会").pk)],
        predecessor=str(dai3ji.pk), philosophy="みんなで支えあう小美玉",
        contact_department="福祉部社会福祉課", contact_phone="0299-48-1111",
        contact_email="fukushi@city.omitama.example.jp"), follow=True)
    assert response.status_code == 200
    assert "計画の設定を保存しました。" in response.text and "元に戻す" in response.text
    draft.refresh_from_db()
    assert (draft.title, draft.start_fy, draft.end_fy) == ("第4次小美玉市地域福祉計画", 2025, 2029)
    assert draft.predecessor == dai3ji and draft.contact_department == "福祉部社会福祉課"
    assert {o.name for o in draft.owners.all()} == {"小美玉市", "小美玉市社会福祉協議会"}
    edit = AuditEvent.objects.get(action="plans.plan.edit", object_id=str(draft.pk))
    assert (edit.before or {})["start_fy"] is None and (edit.after or {})["start_fy"] == 2025
    assert "佐藤" in edit.actor_label
    owners = AuditEvent.objects.get(action="plans.plan.owners", after__plan_id=draft.pk)
    assert (owners.before or {})["owners"] == ["小美玉市"]
    assert (owners.after or {})["owners"] == ["小美玉市", "小美玉市社会福祉協議会"]
    # The page shows the years back as 和暦.
    assert "令和7年度（2025年度）" in sato.get(url("plans:settings")).text


def test_publishing_asks_first_then_shows_the_plan_and_its_contact_to_residents(draft: Plan):
    sato = client_of("omitama-jimukyoku")
    sato.post(url("plans:settings"), form_of(draft, contact_department="福祉部社会福祉課",
                                             contact_phone="0299-48-1111"))
    draft.refresh_from_db()
    direct = sato.post(url("plans:status"), {"status": Plan.Status.PUBLISHED,
                                             "seen": fingerprint(draft, PLAN_FIELDS),
                                             "confirm": "1"}, follow=True)
    assert "その状態に変更できません" in direct.text  # a 素案 is adopted before it is published
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    sato.post(url("plans:status"), {"status": Plan.Status.ADOPTED, "confirm": "1",
                                    "seen": fingerprint(draft, PLAN_FIELDS)})
    draft.refresh_from_db()
    assert draft.status == Plan.Status.ADOPTED
    asked = sato.post(url("plans:status"), {"status": Plan.Status.PUBLISHED,
                                            "seen": fingerprint(draft, PLAN_FIELDS)})
    assert asked.status_code == 200
    assert "公開すると住民に見えるもの" in asked.text
    assert f"http://testserver/{CODE}/{SLUG}/" in asked.text
    assert "基本目標 0件" in asked.text and "成果指標 0件" in asked.text
    draft.refresh_from_db()
    assert draft.status == Plan.Status.ADOPTED  # nothing happens before the confirmation
    assert Client().get(url("plans:plan")).status_code == 404
    done = sato.post(url("plans:status"), {"status": Plan.Status.PUBLISHED, "confirm": "1",
                                           "seen": fingerprint(draft, PLAN_FIELDS)}, follow=True)
    assert "計画の状態を「公開」にしました。" in done.text
    event = AuditEvent.objects.filter(action="plans.plan.status", object_id=str(draft.pk)).first()
    assert event is not None and (event.after or {})["status"] == Plan.Status.PUBLISHED
    resident = Client().get(url("plans:plan"))
    assert resident.status_code == 200
    assert "問い合わせ先" in resident.text and "福祉部社会福祉課" in resident.text
    assert "0299-48-1111" in resident.text and "計画の編集" not in resident.text
    # Withdrawing: the confirmation says what disappears, then residents no longer find it.
    draft.refresh_from_db()
    seen = fingerprint(draft, PLAN_FIELDS)
    ask = sato.post(url("plans:status"), {"status": Plan.Status.ADOPTED, "seen": seen})
    assert "公開を取り下げると" in ask.text
    sato.post(url("plans:status"), {"status": Plan.Status.ADOPTED, "seen": seen, "confirm": "1"})
    assert Client().get(url("plans:plan")).status_code == 404


def test_publishing_a_demo_plan_counts_its_structure_and_published_cycles():
    sato = client_of("omitama-jimukyoku")
    dai2ji = Plan.objects.get(municipality__code=CODE, slug="dai2ji")
    assert dai2ji.status == Plan.Status.ADOPTED
    asked = sato.post(url("plans:status", "dai2ji"), {"status": Plan.Status.PUBLISHED,
                                                       "seen": fingerprint(dai2ji, PLAN_FIELDS)})
    goals = dai2ji.elements.filter(parent=None).count()
    assert f"基本目標 {goals}件" in asked.text
    assert f"取組 {dai2ji.initiatives.count()}件" in asked.text


def test_a_save_over_a_colleagues_change_is_refused_with_both_versions(draft: Plan):
    sato = client_of("omitama-jimukyoku")
    opened = form_of(draft)  # 佐藤 opens the page
    colleague = client_of("omitama-jimukyoku")
    colleague.post(url("plans:settings"), form_of(draft, title="第4次計画（同僚の案）"))
    response = sato.post(url("plans:settings"), {**opened, "title": "第4次計画（佐藤の案）",
                                                 "start_fy": "令和8年度"})
    assert response.status_code == 409
    assert "あなたが開いた後に他の人が変更しました" in response.text
    assert "第4次計画（同僚の案）" in response.text  # what is saved
    assert 'value="第4次計画（佐藤の案）"' in response.text  # what she typed, kept in the form
    assert 'value="令和8年度"' in response.text
    draft.refresh_from_db()
    assert draft.title == "第4次計画（同僚の案）" and draft.start_fy is None
    # Having seen both, she saves again on purpose.
    seen = response.text.split('name="seen" value="')[1].split('"')[0]
    again = sato.post(url("plans:settings"), {**opened, "title": "第4次計画（佐藤の案）", "seen": seen})
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "第4次計画（佐藤の案）"


def test_a_settings_change_is_undone_from_the_hub(draft: Plan):
    sato = client_of("omitama-jimukyoku")
    sato.post(url("plans:settings"), form_of(draft, title="誤った計画名"))
    hub = sato.get(url("plans:edit"))
    assert hub.status_code == 200
    assert '<ul class="editor-sections">' in hub.text and url("plans:settings") in hub.text
    assert "誤った計画名" in hub.text and "元に戻す" in hub.text
    assert "計画の変更" in hub.text and "plans.plan.edit" not in hub.text  # said in words
    event = AuditEvent.objects.get(action="plans.plan.edit", object_id=str(draft.pk))
    assert reverse("plans:undo", args=[CODE, SLUG, event.pk]) in hub.text
    response = sato.post(reverse("plans:undo", args=[CODE, SLUG, event.pk]),
                         {"next": url("plans:edit")}, follow=True)
    assert "元に戻しました。" in response.text
    draft.refresh_from_db()
    assert draft.title == "第4次小美玉市地域福祉計画（素案）"
    assert AuditEvent.objects.filter(undoes=event).exists()


@pytest.mark.parametrize("username", ["omitama-tanto", "omitama-iin", "omitama-etsuran"])
def test_staff_committee_and_viewers_are_refused(draft: Plan, username: str):
    client = client_of(username)
    for name in ("plans:edit", "plans:settings"):
        assert client.get(url(name)).status_code == 403
    assert client.post(url("plans:settings"), form_of(draft, title="改ざん")).status_code == 403
    assert client.post(url("plans:status"), {"status": Plan.Status.ADOPTED, "confirm": "1",
                                             "seen": fingerprint(draft, PLAN_FIELDS)}
                       ).status_code == 403
    draft.refresh_from_db()
    assert draft.title != "改ざん" and draft.status == Plan.Status.DRAFT


def test_anonymous_is_sent_to_sign_in_and_another_city_finds_nothing(draft: Plan):
    response = Client().get(url("plans:settings"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    kurume = client_of("kurume-jimukyoku")
    assert kurume.get(url("plans:settings")).status_code == 404
    assert kurume.post(url("plans:settings"), form_of(draft, title="改ざん")).status_code == 404
    # 小美玉市's published plan is readable to everyone, but not editable by 久留米市.
    assert kurume.get(url("plans:settings", "dai3ji")).status_code == 403
    draft.refresh_from_db()
    assert draft.title != "改ざん"


@pytest.mark.parametrize(("changes", "message"), [
    ({"start_fy": "令和9年度", "end_fy": "令和7年度"}, "終了年度は、開始年度と同じか後の年度"),
    ({"start_fy": "1900"}, "1947〜2200年度"),
    ({"start_fy": "令和99年度"}, "年度として読めません"),
    ({"start_fy": "来年"}, "年度として読めません"),
    ({"start_fy": "令和7年度〜令和11年度"}, "年度を一つだけ"),
    ({"owners": []}, "策定主体を一つ以上選んでください"),
    ({"owners": ["999999"]}, "策定主体は、この自治体の"),
    ({"title": ""}, "必須"),
    ({"title": "計画\x07名"}, "制御文字"),
    ({"kind": "plan"}, "正しく選択してください"),
    ({"contact_email": "fukushi at city"}, "メールアドレスの形"),
    ({"title": "あ" * 201}, "200 文字以下"),
])
def test_odd_input_gets_a_japanese_message_and_changes_nothing(draft: Plan, changes: dict[str, Any],
                                                               message: str):
    sato = client_of("omitama-jimukyoku")
    before = AuditEvent.objects.count()
    response = sato.post(url("plans:settings"), form_of(draft, **changes))
    assert response.status_code == 400
    assert message in response.text
    assert AuditEvent.objects.count() == before
    draft.refresh_from_db()
    assert draft.title == "第4次小美玉市地域福祉計画（素案）" and draft.start_fy is None


def test_a_predecessor_of_another_municipality_or_itself_is_refused(draft: Plan):
    sato = client_of("omitama-jimukyoku")
    kurume_plan = Plan.objects.filter(municipality__code="402036").first()
    assert kurume_plan is not None
    for pk in (kurume_plan.pk, draft.pk):
        response = sato.post(url("plans:settings"), form_of(draft, predecessor=str(pk)))
        assert response.status_code == 400
        assert "前計画は、同じ自治体の別の計画から選んでください。" in response.text
    draft.refresh_from_db()
    assert draft.predecessor is None


def test_the_plan_page_offers_the_editor_only_to_the_secretariat():
    assert "計画の編集" in client_of("omitama-jimukyoku").get(url("plans:plan", "dai3ji")).text
    assert "計画の編集" not in client_of("omitama-tanto").get(url("plans:plan", "dai3ji")).text
    assert "計画の編集" not in Client().get(url("plans:plan", "dai3ji")).text
