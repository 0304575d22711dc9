"""States that cannot lie (issue #13): a returned or unsubmitted report reaches the committee only
as 「未提出のまま進める」 with a reason shown wherever it appears; 確定 and 公開 each ask for a
confirmation; a publication can be withdrawn with a reason the public then reads; a correction
after 確定 is marked 訂正, with its date and reason, on every public page that shows the report.

Personas: 事務局の佐藤 (sato), 担当課の田中 (tanaka, 福祉課), 他市の職員 (other), and an anonymous
visitor, on ささえ市's 令和6年度 cycle (sasaeai.testing.Review)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasaeai.audit.models import AuditEvent
from sasaeai.progress import actions, actions_states
from sasaeai.progress.models import Cycle, Entry
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db
S = Cycle.Status
WAIVER = "担当課の異動で報告が期限に間に合わなかったため"
WITHDRAWAL = "実績の人数に集計の誤りが見つかったため"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def japanese_date(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def url(review: Review, name: str, *more: int) -> str:
    return reverse(f"progress:{name}", args=["479001", review.cycle.plan.slug, review.cycle.pk,
                                            *more])


def move(review: Review, to: str) -> Cycle:
    cycle = review.refresh()
    review.cycle = actions.move_cycle(by=review.world.sato, cycle=cycle, to=to,
                                      expected_version=cycle.version)
    return review.cycle


def compile_with_one_returned(review: Review) -> Entry:
    """Every report submitted and compiled; then 福祉課's 見守り report is returned."""
    review.submit(review.cycle.entries.all())
    move(review, S.COMPILING)
    entry = review.entry(review.watch, review.dept)
    return actions.return_entry(by=review.world.sato, entry=entry,
                                comment="件数の根拠を確認してください。",
                                expected_version=entry.version)


def waive(review: Review, *entries: Entry) -> None:
    actions_states.waive_entries(by=review.world.sato, cycle=review.refresh(),
                                 entry_ids=[e.pk for e in entries], reason=WAIVER)


def publish(review: Review) -> Cycle:
    for step in (S.REVIEWING, S.CONFIRMED, S.PUBLISHED):
        move(review, step)
    return review.cycle


# 未提出のまま進める ----------------------------------------------------------------------------

def test_it_keeps_a_returned_report_from_the_committee_until_a_reason_is_recorded(
        review: Review):
    compile_with_one_returned(review)
    with pytest.raises(ValidationError, match=r"差戻し）が1件.*委員会審議に進めてください"):
        move(review, S.REVIEWING)
    assert review.refresh().status == S.COMPILING


def test_it_keeps_unsubmitted_reports_from_being_compiled_until_a_reason_is_recorded(
        review: Review):
    review.submit([review.entry(review.watch, review.dept), review.entry(review.salon, review.dept)])
    with pytest.raises(ValidationError, match="が2件"):
        move(review, S.COMPILING)
    waive(review, review.entry(review.watch, review.shakyo), review.entry(review.salon, review.shakyo))
    assert move(review, S.COMPILING).status == S.COMPILING


def test_it_lists_what_blocks_the_move_and_records_the_reason_from_the_cycle_page(
        review: Review):
    returned = compile_with_one_returned(review)
    sato = signed_in(review.world.sato)
    page = sato.get(url(review, "cycle")).content.decode()
    assert "提出されていない報告（1件）" in page and "見守り活動の推進" in page
    response = sato.post(url(review, "cycle_waive"), {"entries": [returned.pk], "reason": WAIVER})
    assert response.status_code == 302
    returned.refresh_from_db()
    assert (returned.is_waived, returned.waived_reason, returned.waived_by) == (
        True, WAIVER, review.world.sato)
    event = AuditEvent.objects.filter(action="progress.entry.waive").get()
    assert event.note == WAIVER
    assert move(review, S.REVIEWING).status == S.REVIEWING


def test_it_records_every_report_not_handed_in_with_one_tick(review: Review):
    """Thirty units with two organisations each leave dozens unsubmitted: 佐藤 ticks them all."""
    waiting = set(review.cycle.entries.blocking_review().values_list("pk", flat=True))
    assert len(waiting) > 1
    sato = signed_in(review.world.sato)
    page = sato.get(url(review, "cycle")).content.decode()
    assert f"提出されていない報告をすべて選ぶ（{len(waiting)}件）" in page
    response = sato.post(url(review, "cycle_waive"), {"every": "on", "reason": WAIVER}, follow=True)
    assert f"{len(waiting)}件の報告を「未提出のまま進める」と記録しました。" in response.content.decode()
    assert set(review.cycle.entries.exclude(waiver_reason="").values_list("pk", flat=True)) == waiting
    response = sato.post(url(review, "cycle_waive"), {"reason": WAIVER}, follow=True)
    assert "未提出のまま進める報告を選んでください。" in response.content.decode()


def test_it_refuses_a_waiver_without_a_reason_or_for_a_report_handed_in(review: Review):
    returned = compile_with_one_returned(review)
    accepted = review.entry(review.salon, review.dept)
    sato = signed_in(review.world.sato)
    response = sato.post(url(review, "cycle_waive"), {"entries": [returned.pk], "reason": " "},
                         follow=True)
    assert "未提出のまま進める理由を入力してください。" in response.content.decode()
    response = sato.post(url(review, "cycle_waive"), {"entries": [accepted.pk], "reason": WAIVER},
                         follow=True)
    assert "選べない報告が含まれています" in response.content.decode()
    with pytest.raises(ValidationError, match="提出済の報告が1件"):
        actions_states.waive_entries(by=review.world.sato, cycle=review.cycle,
                                     entry_ids=[accepted.pk], reason=WAIVER)
    with pytest.raises(PermissionDenied):
        actions_states.waive_entries(by=review.world.tanaka, cycle=review.cycle,
                                     entry_ids=[returned.pk], reason=WAIVER)
    assert Entry.objects.exclude(waiver_reason="").count() == 0


def test_it_shows_the_waiver_on_the_entry_cycle_and_summary_pages_once_published(
        review: Review):
    returned = compile_with_one_returned(review)
    waive(review, returned)
    publish(review)
    anonymous = Client()
    for page in (url(review, "entry", returned.pk), url(review, "cycle"), url(review, "summary")):
        text = anonymous.get(page).content.decode()
        assert "未提出のまま進める" in text and WAIVER in text, page
        assert "件数の根拠を確認してください。" not in text, page
    csv = anonymous.get(url(review, "cycle") + "?export=csv").content.decode("utf-8-sig")
    assert WAIVER in csv


def test_it_stops_marking_a_report_handed_in_after_the_waiver(review: Review):
    review.submit([review.entry(review.watch, review.dept)])
    late = review.entry(review.salon, review.dept)
    waive(review, late)
    assert review.entry(review.salon, review.dept).is_waived
    review.submit([late])
    handed_in = review.entry(review.salon, review.dept)
    assert (handed_in.is_waived, handed_in.waived_reason) == (False, "")


# 確定 and 公開, each confirmed ---------------------------------------------------------------

def test_it_asks_for_a_confirmation_before_confirming_and_again_before_publishing(
        review: Review):
    review.submit(review.cycle.entries.all())
    move(review, S.COMPILING)
    move(review, S.REVIEWING)
    sato = signed_in(review.world.sato)
    for step, words in ((S.CONFIRMED, "確定すると"), (S.PUBLISHED, "公開すると")):
        version = review.refresh().version
        asked = sato.post(url(review, "cycle_move"), {"to": step, "version": version})
        assert asked.status_code == 200 and words in asked.content.decode()
        assert review.refresh().status != step
        unticked = sato.post(url(review, "cycle_move"),
                             {"to": step, "version": version, "confirming": "1"})
        assert unticked.status_code == 400
        assert "確認のチェックを入れてください。" in unticked.content.decode()
        assert review.refresh().status != step
        done = sato.post(url(review, "cycle_move"),
                         {"to": step, "version": version, "confirming": "1", "confirm": "on"})
        assert done.status_code == 302 and review.refresh().status == step


def test_it_moves_back_without_a_confirmation(review: Review):
    sato = signed_in(review.world.sato)
    response = sato.post(url(review, "cycle_move"),
                         {"to": S.PREPARING, "version": review.cycle.version})
    assert response.status_code == 302 and review.refresh().status == S.PREPARING


# 取り下げ ---------------------------------------------------------------------------------------

def withdraw_through_the_page(review: Review) -> None:
    response = signed_in(review.world.sato).post(url(review, "cycle_withdraw"), {
        "version": review.refresh().version, "reason": WITHDRAWAL, "confirm": "on"})
    assert response.status_code == 302


def test_it_withdraws_a_publication_only_with_a_reason_and_a_tick(review: Review):
    review.submit(review.cycle.entries.all())
    move(review, S.COMPILING)
    publish(review)
    sato = signed_in(review.world.sato)
    for data in ({"reason": WITHDRAWAL}, {"reason": "", "confirm": "on"}):
        response = sato.post(url(review, "cycle_withdraw"),
                             {"version": review.cycle.version, **data}, follow=True)
        assert "error" in [m.tags for m in response.context["messages"]]
        assert review.refresh().is_published
    assert signed_in(review.world.tanaka).post(
        url(review, "cycle_withdraw"),
        {"version": review.cycle.version, "reason": WITHDRAWAL, "confirm": "on"}).status_code == 403
    withdraw_through_the_page(review)
    cycle = review.refresh()
    assert (cycle.status, cycle.is_published, cycle.withdrawal_reason) == (
        S.WITHDRAWN, False, WITHDRAWAL)
    assert AuditEvent.objects.filter(action="progress.cycle.withdraw", note=WITHDRAWAL).exists()
    assert not Cycle.objects.public().filter(pk=cycle.pk).exists()


def test_it_shows_the_public_only_that_a_publication_was_withdrawn_when_and_why(
        review: Review):
    review.submit(review.cycle.entries.all(), text="サロンを市内12か所で開催しました。")
    move(review, S.COMPILING)
    publish(review)
    withdraw_through_the_page(review)
    cycle = review.refresh()
    entry = review.entry(review.salon, review.dept)
    day = japanese_date(cycle.withdrawn_at)
    for reader in (Client(), signed_in(review.world.other)):
        page = reader.get(url(review, "cycle")).content.decode()
        assert "取り下げ" in page and WITHDRAWAL in page and day in page
        assert "サロンを市内12か所" not in page
        listing = reader.get(reverse("progress:cycles", args=["479001", cycle.plan.slug]))
        assert WITHDRAWAL in listing.content.decode()
        assert reader.get(url(review, "summary")).status_code == 404
        assert reader.get(url(review, "entry", entry.pk)).status_code == 404
        api = reader.get(f"/api/plans/479001/{cycle.plan.slug}/cycles/{cycle.pk}").json()
        assert (api["status"], api["entries"], api["opinions"]) == ("withdrawn", [], [])
    # The municipality's members still read the whole cycle, to correct it.
    assert "サロンを市内12か所" in signed_in(review.world.tanaka).get(
        url(review, "entry", entry.pk)).content.decode()


def test_it_publishes_a_withdrawn_cycle_again_after_a_confirmation(review: Review):
    review.submit(review.cycle.entries.all())
    move(review, S.COMPILING)
    publish(review)
    withdraw_through_the_page(review)
    sato = signed_in(review.world.sato)
    version = review.refresh().version
    assert sato.post(url(review, "cycle_move"),
                     {"to": S.PUBLISHED, "version": version}).status_code == 200
    sato.post(url(review, "cycle_move"),
              {"to": S.PUBLISHED, "version": version, "confirming": "1", "confirm": "on"})
    assert review.refresh().is_published
    assert Client().get(url(review, "summary")).status_code == 200


# 訂正 -------------------------------------------------------------------------------------------

def test_it_marks_a_correction_after_publication_on_every_public_page(review: Review):
    review.submit(review.cycle.entries.all(), text="サロンを12か所で開催しました。")
    move(review, S.COMPILING)
    publish(review)
    entry = review.entry(review.salon, review.dept)
    corrected = actions.correct_entry(by=review.world.sato, entry=entry,
                                      data={"progress": "サロンを13か所で開催しました。"},
                                      reason="開催か所数の誤記を訂正", expected_version=entry.version)
    day = japanese_date(corrected.corrections[0].at)
    anonymous = Client()
    for page in (url(review, "entry", entry.pk), url(review, "cycle"), url(review, "summary")):
        text = anonymous.get(page).content.decode()
        assert "訂正" in text and "開催か所数の誤記を訂正" in text and day in text, page
    plan = review.cycle.plan
    document = anonymous.get(f"/479001/{plan.slug}/export/plan.json").json()
    shown = [e for c in document["cycles"] for e in c["entries"] if e.get("corrections")]
    assert shown and shown[0]["corrections"][0]["reason"] == "開催か所数の誤記を訂正"
    api = anonymous.get(f"/api/plans/479001/{plan.slug}/cycles/{review.cycle.pk}").json()
    marked = [e for e in api["entries"] if e["corrections"]]
    assert [c["reason"] for e in marked for c in e["corrections"]] == ["開催か所数の誤記を訂正"]
