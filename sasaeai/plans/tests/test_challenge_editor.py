"""The 事務局 edits the plan's 課題 (issue #15).

久留米市's next plan (次期 久留米市地域福祉計画・地域福祉活動計画, 402036/jiki) names eight 課題,
課題① 「支え合う意識やつながりの希薄化への対応が必要」 to 課題⑧, each with the findings of the
くるモニ survey and the 協議会 it rests on; the plan document lost the figure that said which 取組
answers which 課題. Its 事務局, 佐藤 (kurume-jimukyoku), links them again: from the 課題's page
(a checklist of the 体系), from a 取組 (the 課題 it answers), and cell by cell in the public
課題 × 取組 matrix, which every reader then sees filled at once, even from the public cache.
She adds, corrects, orders and deletes evidence, renames a 課題, and finds her change refused
when 担当の田中's colleague saved the same 課題 since she opened it. She deletes a 課題 and takes
it back with 「元に戻す」. 担当, 委員, 閲覧, the public and another city's 事務局 change nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.plans.editing import CHALLENGE_FIELDS, EVIDENCE_FIELDS
from sasaeai.plans.models import Challenge, Evidence, Initiative, Plan

pytestmark = pytest.mark.django_db
CODE, SLUG = "402036", "jiki"


def plan() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code=CODE, slug=SLUG)


def challenge(number: str) -> Challenge:
    return Challenge.objects.get(plan=plan(), number_label=number)


def initiative(number: str) -> Initiative:
    return Initiative.objects.get(plan=plan(), number_label=number)


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def url(name: str, *args: object) -> str:
    return reverse(f"plans:{name}", args=[CODE, SLUG, *args])


# What 課題 answers what, as 佐藤 reads the plan: 課題 → 取組 numbers.
ANSWERS = {
    "課題①": ["(1)", "(13)"], "課題②": ["(3)"], "課題③": ["(4)", "(7)"], "課題④": ["(4)", "(7)"],
    "課題⑤": ["(5)"], "課題⑥": ["(9)", "(12)"], "課題⑦": ["(10)", "(11)"], "課題⑧": ["(2)"],
}


def test_the_list_shows_kurume_s_eight_challenges_with_their_evidence():
    response = client_of("kurume-jimukyoku").get(url("challenges_edit"))
    assert response.status_code == 200
    for number in ANSWERS:
        assert number in response.text
    assert "支え合う意識やつながりの希薄化への対応が必要" in response.text
    assert "5件" in response.text  # 課題①'s five findings


def test_sato_links_all_eight_challenges_in_the_matrix_and_the_public_sees_them(public_cache):
    anonymous = Client()
    before = anonymous.get(url("challenges"))
    assert "課題と取組の対応は、計画書から読み取れないため登録されていません" in before.text
    sato = client_of("kurume-jimukyoku")
    for number, initiatives in ANSWERS.items():
        for init_number in initiatives:
            c, i = challenge(number), initiative(init_number)
            response = sato.post(url("challenge_cell"), {"challenge": c.pk, "initiative": i.pk,
                                                         "on": "1"})
            assert response.status_code == 302
            assert response["Location"] == f"{url('challenges')}#cell-{c.pk}-{i.pk}"
    assert sorted(challenge("課題①").initiatives.values_list("number_label", flat=True)) == \
        ["(1)", "(13)"]
    events = AuditEvent.objects.filter(action="plans.challenge.links", municipality_code=CODE)
    assert events.count() == sum(len(v) for v in ANSWERS.values())
    last = events.order_by("-pk").first()
    assert last is not None and last.after and last.before is not None
    assert last.after["initiatives"] == ["(2) 見守り活動の推進"]
    assert last.before["initiatives"] == []

    after = anonymous.get(url("challenges"))
    assert after.get("X-Sasaeai-Cache") != "hit"
    assert "課題と、それに対応する取組（●が対応）" in after.text
    assert after.text.count("●<span class=\"visually-hidden\">対応</span>") == 13
    assert "cell-toggle" not in after.text  # the public reads, it does not toggle
    assert "対応する取組：<a" in after.text


def test_a_cell_is_toggled_with_htmx_and_only_the_cell_comes_back():
    sato = client_of("kurume-jimukyoku")
    c, i = challenge("課題⑤"), initiative("(5)")
    response = sato.post(url("challenge_cell"), {"challenge": c.pk, "initiative": i.pk, "on": "1"},
                         headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<td class="mark toggle" id="cell-{c.pk}-{i.pk}"')
    assert 'aria-pressed="true"' in response.text
    assert 'aria-label="課題⑤と取組(5) 災害時に支援が必要な人への支援を結ぶ"' in response.text
    off = sato.post(url("challenge_cell"), {"challenge": c.pk, "initiative": i.pk, "on": "0"},
                    headers={"HX-Request": "true"})
    assert 'aria-pressed="false"' in off.text
    assert not c.initiatives.exists()
    page = sato.get(url("challenges"))
    assert page.text.count('class="cell-toggle"') == 8 * 13


def test_the_challenge_page_links_elements_and_initiatives_of_the_taikei():
    sato = client_of("kurume-jimukyoku")
    c = challenge("課題③")
    page = sato.get(url("challenge_edit", c.pk))
    assert "寄り添う体制を整える › " not in page.text or "(4)" in page.text
    assert "相談しづらいことへの対応が必要" in page.text
    pillar = plan().elements.get(title="寄り添う体制を整える")
    response = sato.post(url("challenge_links", c.pk),
                         {"element": [pillar.pk], "initiative": [initiative("(4)").pk,
                                                                 initiative("(7)").pk]})
    assert response.status_code == 302
    assert list(c.elements.all()) == [pillar]
    assert set(c.initiatives.values_list("number_label", flat=True)) == {"(4)", "(7)"}
    event = AuditEvent.objects.filter(action="plans.challenge.links").latest("pk")
    assert event.before is not None and event.after is not None
    assert event.before["initiatives"] == [] and len(event.after["initiatives"]) == 2
    assert event.after["elements"] == [str(pillar)]


def test_an_initiative_picks_the_challenges_it_answers():
    sato = client_of("kurume-jimukyoku")
    i = initiative("(4)")
    page = sato.get(url("initiative_challenges", i.pk))
    assert "複合的な課題や制度の狭間の課題等への対応が必要" in page.text
    sato.post(url("initiative_challenges", i.pk),
              {"challenge": [challenge("課題③").pk, challenge("課題④").pk]})
    assert set(i.challenges.values_list("number_label", flat=True)) == {"課題③", "課題④"}
    sato.post(url("initiative_challenges", i.pk), {"challenge": [challenge("課題④").pk]})
    assert set(i.challenges.values_list("number_label", flat=True)) == {"課題④"}
    assert AuditEvent.objects.filter(action="plans.challenge.links").count() == 3


def test_a_challenge_is_renamed_and_a_stale_edit_keeps_both_versions():
    sato = client_of("kurume-jimukyoku")
    c = challenge("課題②")
    seen = fingerprint(c, CHALLENGE_FIELDS)
    saved = sato.post(url("challenge_edit", c.pk), {
        "seen": seen, "number_label": "課題②", "title": "誰もが気軽に集える場が足りない",
        "description": "サロンの数が地区で偏っている"}, follow=True)
    assert "課題を保存しました。" in saved.text and "元に戻す" in saved.text
    # She saved from a page opened before her own change: refused, both shown, input kept.
    stale = sato.post(url("challenge_edit", c.pk), {
        "seen": seen, "number_label": "課題②", "title": "集いの場の不足",
        "description": ""})
    assert stale.status_code == 409
    assert "この項目は、あなたが開いた後に他の人が変更しました。" in stale.text
    assert "誰もが気軽に集える場が足りない" in stale.text  # saved now
    assert 'value="集いの場の不足"' in stale.text  # what she typed
    assert challenge("課題②").title == "誰もが気軽に集える場が足りない"


def test_a_duplicate_number_and_an_empty_title_are_refused_in_japanese():
    sato = client_of("kurume-jimukyoku")
    c = challenge("課題②")
    response = sato.post(url("challenge_edit", c.pk), {
        "seen": fingerprint(c, CHALLENGE_FIELDS), "number_label": "課題①", "title": "x"})
    assert response.status_code == 400
    assert "番号「課題①」の課題は既にあります" in response.text
    added = sato.post(url("challenge_create"), {"number_label": "課題⑨", "title": " "})
    assert added.status_code == 400 and "課題を入力してください。" in added.text
    assert challenge("課題②").title == "誰もが気軽に集える場の不足への対応が必要"
    created = sato.post(url("challenge_create"), {"number_label": "課題⑨",
                                                  "title": "移動手段の確保が必要"})
    assert created.status_code == 302
    assert challenge("課題⑨").order > challenge("課題⑧").order


def test_evidence_is_added_corrected_moved_and_deleted_each_audited():
    sato = client_of("kurume-jimukyoku")
    c = challenge("課題⑤")
    count = c.evidence.count()
    sato.post(url("evidence_add", c.pk), {"kind": "workshop",
                                          "text": "校区の防災ワークショップで避難の不安が出た"})
    new = c.evidence.order_by("-order", "-pk").first()
    assert new is not None and new.get_kind_display() == "ワークショップ"
    assert AuditEvent.objects.filter(action="plans.evidence.create",
                                     object_id=str(new.pk)).exists()
    sato.post(url("evidence_edit", c.pk), {"evidence": new.pk,
                                           "evidence_seen": fingerprint(new, EVIDENCE_FIELDS),
                                           "kind": "council", "text": "協議会で避難の不安が出た"})
    new.refresh_from_db()
    assert (new.kind, new.text) == ("council", "協議会で避難の不安が出た")
    sato.post(url("evidence_move", c.pk), {"evidence": new.pk, "direction": "up"})
    order = list(c.evidence.order_by("order", "pk").values_list("pk", flat=True))
    assert order.index(new.pk) == count - 1
    assert AuditEvent.objects.filter(action="plans.evidence.move").count() >= 2
    # Corrected again from an older page: refused, nothing changed.
    stale = sato.post(url("evidence_edit", c.pk), {"evidence": new.pk, "evidence_seen": "0" * 16,
                                                   "kind": "", "text": "古い版"})
    assert stale.status_code == 409 and "古い版" in stale.text
    deleted = sato.post(url("evidence_delete", c.pk), {"evidence": new.pk}, follow=True)
    assert "根拠を削除しました。" in deleted.text
    assert c.evidence.count() == count
    event = AuditEvent.objects.get(action="plans.evidence.delete", object_id=str(new.pk))
    assert event.after is None and event.before is not None
    assert event.before["text"] == "協議会で避難の不安が出た"
    # The deletion is undone from the message.
    sato.post(reverse("plans:undo", args=[CODE, SLUG, event.pk]))
    assert Evidence.objects.filter(pk=new.pk, text="協議会で避難の不安が出た").exists()


def test_a_deleted_challenge_comes_back_with_undo():
    sato = client_of("kurume-jimukyoku")
    c = challenge("課題⑧")
    c.initiatives.add(initiative("(2)"))
    Evidence.objects.create(challenge=c, text="福祉の情報が届いていないと答えた人が多い", order=9)
    evidence = list(c.evidence.order_by("order").values_list("text", flat=True))
    assert len(evidence) == 6  # the plan's five findings and one more, deleted with it
    confirm = sato.get(url("challenge_delete", c.pk))
    assert "取組：(2) 見守り活動の推進" in confirm.text
    done = sato.post(url("challenge_delete", c.pk), follow=True)
    assert "を削除しました。" in done.text and "元に戻す" in done.text
    assert not Challenge.objects.filter(pk=c.pk).exists()
    event = AuditEvent.objects.get(action="plans.challenge.delete", object_id=str(c.pk))
    assert event.after is None and event.before is not None
    assert event.before["title"] == "情報が適切に入手できていないことへの対応が必要"
    sato.post(reverse("plans:undo", args=[CODE, SLUG, event.pk]))
    assert "対応づけ・担当組織・根拠も戻しました" in AuditEvent.objects.get(undoes=event).note
    again = challenge("課題⑧")
    assert again.title == "情報が適切に入手できていないことへの対応が必要"
    assert list(again.initiatives.values_list("number_label", flat=True)) == ["(2)"]
    assert list(again.evidence.order_by("order").values_list("text", flat=True)) == evidence


@pytest.mark.parametrize("username,status", [
    ("kurume-tanto", 403), ("kurume-shakyo", 403), ("kurume-iin", 403), ("kurume-etsuran", 403),
    ("omitama-jimukyoku", 403),
])
def test_nobody_but_the_jimukyoku_changes_a_challenge(username, status):
    client = client_of(username)
    c, i = challenge("課題①"), initiative("(1)")
    before = AuditEvent.objects.count()
    assert client.get(url("challenges_edit")).status_code == status
    assert client.post(url("challenge_cell"), {"challenge": c.pk, "initiative": i.pk,
                                               "on": "1"}).status_code == status
    assert client.post(url("evidence_delete", c.pk),
                       {"evidence": c.evidence.first().pk}).status_code == status  # type: ignore[union-attr]
    assert client.post(url("challenge_delete", c.pk)).status_code == status
    assert AuditEvent.objects.count() == before
    assert not c.initiatives.exists() and challenge("課題①").evidence.count() == 5
    page = client.get(url("challenges"))
    assert "cell-toggle" not in page.text and "課題と根拠を編集" not in page.text


def test_the_public_is_sent_to_sign_in():
    response = Client().post(url("challenge_cell"), {"challenge": 1, "initiative": 1, "on": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_ids_of_another_plan_change_nothing():
    sato = client_of("kurume-jimukyoku")
    omitama = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    foreign_challenge = Challenge.objects.create(plan=omitama, number_label="課題1",
                                                 title="小美玉市の課題")
    Evidence.objects.create(challenge=foreign_challenge, text="小美玉市の根拠")
    foreign_initiative = Initiative.objects.exclude(plan__municipality__code=CODE).first()
    assert foreign_initiative is not None
    c = challenge("課題①")
    before = AuditEvent.objects.count()
    assert sato.get(url("challenge_edit", foreign_challenge.pk)).status_code == 404
    assert sato.post(url("challenge_cell"), {"challenge": c.pk,
                                             "initiative": foreign_initiative.pk,
                                             "on": "1"}).status_code == 404
    refused = sato.post(url("challenge_links", c.pk),
                        {"initiative": [foreign_initiative.pk]}, follow=True)
    assert "この計画の取組ではないものが含まれています" in refused.text
    wrong = sato.post(url("evidence_delete", c.pk),
                      {"evidence": Evidence.objects.exclude(challenge=c).first().pk},  # type: ignore[union-attr]
                      follow=True)
    assert "この課題の根拠が見つかりません" in wrong.text
    assert sato.get(url("initiative_challenges", foreign_initiative.pk)).status_code == 404
    assert AuditEvent.objects.count() == before
    assert not c.initiatives.exists()
