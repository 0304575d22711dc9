"""Excel and the one page agree: a 照会 workbook imported and handed in with one confirmation.

下野市の担当 (shimotsuke-tanto) answers the 2025 照会 of 下野市's 第2期計画 in Excel: the sheet
has 下野市's 14 reports (prefilled from the confirmed まとめ); she changes three. The preview
shows only what changes (old → new) and folds the eleven other rows into 「変更のない行：11件」;
「取り込んで提出する」 imports the three and hands them in with one POST, each through
submit_entry, the action the report page's 「提出」 uses. All or nothing: a report handed in
since the preview, or one that would be handed in empty, leaves every report as it was.
ささえ市's people (田中 of 福祉課, 鈴木 of the 社協) show the refusals as the draft import has them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.progress import actions
from sasaeai.progress.actions_workbook import import_and_submit_workbook
from sasaeai.progress.models import Cycle, Entry, EntryVersion
from sasaeai.progress.tests.test_workbook import (
    confirm,
    download,
    fill,
    fingerprint,
    logged_in,
    upload,
)
from sasaeai.progress.tests.test_workbook import url as review_url
from sasaeai.progress.workbook import parse_workbook
from sasaeai.tenancy.models import Organization
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db
E = Entry.Status


def _file(data: bytes, name: str = "照会.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def shimotsuke_cycle() -> Cycle:
    """下野市's 2025 cycle as its 事務局 opens it: prefilled from the confirmed まとめ, 入力中."""
    jimukyoku = User.objects.get(username="shimotsuke-jimukyoku")
    plan = Cycle.objects.get(plan__municipality__code="092169").plan
    cycle = actions.create_cycle(by=jimukyoku, plan=plan, fiscal_year=2025)
    return actions.move_cycle(by=jimukyoku, cycle=cycle, to=Cycle.Status.COLLECTING,
                              expected_version=cycle.version)


def shimotsuke_url(cycle: Cycle, org: Organization, name: str) -> str:
    return reverse(f"progress:{name}", args=["092169", cycle.plan.slug, cycle.pk, org.pk])


def three_changes(cycle: Cycle, city: Organization) -> dict[int, dict[str, Any]]:
    rows = list(cycle.entries.filter(organization=city).exclude(progress="")
                .order_by("pk")[:3])
    assert len(rows) == 3
    return {
        rows[0].pk: {"課題": "担い手の高齢化が進んでいます。"},
        rows[1].pk: {"実績": "ふれあいサロン 42か所", "実績（数値）": "４２", "単位": "か所"},
        rows[2].pk: {"今後の方向性": "拡充", "今後の方向性（内容）": "地区ごとの交流の場を増やす。"},
    }


def test_the_tanto_of_shimotsuke_hands_in_three_changed_rows_with_one_confirmation():
    cycle = shimotsuke_cycle()
    city = Organization.objects.get(municipality__code="092169", name="下野市")
    tanto = User.objects.get(username="shimotsuke-tanto")
    client = logged_in(tanto)
    sheet = client.get(shimotsuke_url(cycle, city, "workbook_download")).content
    changes = three_changes(cycle, city)
    untouched_text = Entry.objects.get(pk=next(iter(changes))).progress

    page = client.post(shimotsuke_url(cycle, city, "workbook_upload"),
                       {"file": _file(fill(sheet, changes))})
    assert page.status_code == 200
    preview = page.context["preview"]
    assert len(preview.rows) == 14 and len(preview.changed_rows) == 3
    assert preview.can_submit
    # Only what changes is shown; the eleven other rows are a count that opens.
    assert "3件の報告で、6項目が変わります。" in page.text
    assert "<summary>変更のない行：11件</summary>" in page.text
    assert "担い手の高齢化が進んでいます。" in page.text and "ふれあいサロン 42か所" in page.text
    assert untouched_text not in page.text  # the 進捗状況 of a row whose 課題 alone changes
    assert "取り込んで提出する（3件）" in page.text and "下書きとして取り込む（3件）" in page.text

    before = AuditEvent.objects.count()
    done = client.post(shimotsuke_url(cycle, city, "workbook_apply"), {
        "token": page.context["token"], "digest": page.context["digest"], "then": "submit"})
    assert done.status_code == 302 and done["Location"] == cycle.get_absolute_url()
    handed_in = Entry.objects.filter(pk__in=changes)
    assert sorted(handed_in.values_list("status", flat=True)) == [E.SUBMITTED] * 3
    # Each went through the import, then the report page's own submission.
    for entry in handed_in:
        assert [v.action for v in entry.versions.order_by("number")][-2:] == [
            EntryVersion.Action.IMPORT, EntryVersion.Action.SUBMIT]
        assert {v.by for v in entry.versions.filter(number__gt=1)} == {tanto}
    value = Entry.objects.get(pk=list(changes)[1])
    assert (value.results, str(value.results_value), value.results_unit) == (
        "ふれあいサロン 42か所", "42.0000", "か所")
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [e.action for e in events].count("progress.entry.submit") == 3
    assert [e.action for e in events].count("progress.workbook.submit") == 1
    assert cycle.entries.filter(organization=city).exclude(pk__in=changes).exclude(
        status=E.NOT_STARTED).count() == 0
    assert "下野市の報告3件をExcelから取り込み、提出しました。" in client.get(done["Location"]).text

    # The same file again: what it says is there, handed in; nothing to confirm.
    again = client.post(shimotsuke_url(cycle, city, "workbook_upload"),
                        {"file": _file(fill(sheet, changes))})
    assert "変更はありません" in again.text and again.context["token"] == ""
    # Typing on a handed-in row is refused in place, with the row number of the sheet.
    first = next(iter(changes))
    line = next(r.line for r in again.context["preview"].rows if r.entry_id == first)
    again = client.post(shimotsuke_url(cycle, city, "workbook_upload"), {"file": _file(fill(
        client.get(shimotsuke_url(cycle, city, "workbook_download")).content,
        {first: {"課題": "提出の後の追記"}}))})
    assert again.status_code == 400 and "取り込んで提出する" not in again.text
    assert f"エラー（{line}行目）：</strong>この報告は「提出済」のため変更できません" in again.text


def test_a_row_of_the_shakyo_in_shimotsukes_sheet_is_refused_in_place_and_nothing_offered():
    cycle = shimotsuke_cycle()
    city = Organization.objects.get(municipality__code="092169", name="下野市")
    shakyo = Organization.objects.get(municipality__code="092169", name="下野市社会福祉協議会")
    theirs = cycle.entries.filter(organization=shakyo).order_by("pk").first()
    assert theirs is not None
    rows = f"報告ID,版,進捗状況\r\n{theirs.pk},1,担当が書いた社協の報告\r\n".encode("utf-8-sig")
    client = logged_in(User.objects.get(username="shimotsuke-tanto"))
    before = fingerprint()
    page = client.post(shimotsuke_url(cycle, city, "workbook_upload"),
                       {"file": _file(rows, "手入力.csv")})
    assert page.status_code == 400
    assert "エラー（2行目）：" in page.text and "は下野市の報告ではありません" in page.text
    assert "取り込んで提出する" not in page.text and page.context["token"] == ""
    # …and her own organisation's file is all she may send at all: the 社協's is 403.
    assert client.post(shimotsuke_url(cycle, shakyo, "workbook_apply"), {
        "token": "x", "digest": "x", "then": "submit"}).status_code == 403
    assert fingerprint() == before


def test_a_report_handed_in_since_the_preview_stops_the_whole_import(review: Review):
    w = review.world
    client = logged_in(w.tanaka)
    watch, salon = review.entry(review.watch, review.dept), review.entry(review.salon, review.dept)
    filled = fill(download(client, review, review.dept), {
        watch.pk: {"進捗状況": "見守り訪問を延べ120件行いました。"},
        salon.pk: {"進捗状況": "サロンを12か所で開きました。"}})
    stale = parse_workbook(review.cycle, review.dept, filled, filename="照会.xlsx")
    page = upload(client, review, review.dept, filled)
    # 佐藤 of the 事務局 writes and hands in サロン on the screen meanwhile.
    saved = actions.save_and_submit_entry(by=w.sato, entry=salon, expected_version=salon.version,
                                          data={"progress": "佐藤が代理で提出"})
    before = fingerprint()
    done = client.post(review_url(review, review.dept, "workbook_apply"), {
        "token": page.context["token"], "digest": page.context["digest"], "then": "submit"})
    assert done.status_code == 409
    assert "ダウンロードの後に他の人がこの報告を更新しました" in done.text
    assert fingerprint() == before
    # The action refuses it too, in Japanese and naming the row, whatever the view does.
    with pytest.raises(ValidationError) as refused:
        import_and_submit_workbook(by=w.tanaka, cycle=review.cycle, organization=review.dept,
                                   preview=stale)
    assert "の報告は既に「提出済」です。提出済の報告は取り込めないため、何も取り込んでいません。" in \
        refused.value.messages[0]
    assert fingerprint() == before
    watch.refresh_from_db()
    assert (watch.status, watch.progress, saved.progress) == (E.NOT_STARTED, "", "佐藤が代理で提出")


def test_a_row_that_would_be_handed_in_empty_is_offered_as_a_draft_only(review: Review):
    w = review.world
    client = logged_in(w.tanaka)
    watch = review.entry(review.watch, review.dept)
    assert (watch.progress, watch.results) == ("", "")
    filled = fill(download(client, review, review.dept), {watch.pk: {"課題": "会場の確保"}})
    page = upload(client, review, review.dept, filled)
    assert page.status_code == 200 and not page.context["preview"].can_submit
    assert "進捗状況も実績も空のため、提出はできません" in page.text
    assert "取り込んで提出する" not in page.text and "下書きとして取り込む（1件）" in page.text
    before = fingerprint()
    # A hand-made POST asking to submit anyway is refused whole, in Japanese.
    done = client.post(review_url(review, review.dept, "workbook_apply"), {
        "token": page.context["token"], "digest": page.context["digest"], "then": "submit"})
    assert done.status_code == 302 and done["Location"].endswith("/upload/")
    assert "は進捗状況も実績も空のため提出できません。何も取り込んでいません。" in \
        client.get(done["Location"]).text
    assert fingerprint() == before
    # As a draft it goes in, and keeps the text as typed, as the draft import always has.
    page = upload(client, review, review.dept, fill(download(client, review, review.dept), {
        watch.pk: {"課題": "会場の確保", "自己評価": "ｂ"}}))
    assert confirm(client, review, review.dept, page).status_code == 302
    watch.refresh_from_db()
    assert (watch.status, watch.issues, watch.self_rating, watch.self_rating_verbatim) == (
        E.DRAFT, "会場の確保", "B", "ｂ")


def test_the_tanto_hands_in_the_typed_rating_as_typed(review: Review):
    w = review.world
    client = logged_in(w.tanaka)
    watch = review.entry(review.watch, review.dept)
    page = upload(client, review, review.dept, fill(download(client, review, review.dept), {
        watch.pk: {"進捗状況": "見守り訪問を延べ120件行いました。", "自己評価": "ｂ",
                   "実績（数値）": "１２０"}}))
    assert "ｂ（B）" in page.text
    done = client.post(review_url(review, review.dept, "workbook_apply"), {
        "token": page.context["token"], "digest": page.context["digest"], "then": "submit"})
    assert done.status_code == 302
    watch.refresh_from_db()
    assert (watch.status, watch.self_rating, watch.self_rating_verbatim,
            str(watch.results_value)) == (E.SUBMITTED, "B", "ｂ", "120.0000")


def test_only_the_organisations_own_people_and_the_secretariat_may_import_and_submit(
        review: Review):
    w = review.world
    filled = fill(download(logged_in(w.tanaka), review, review.dept),
                  {review.entry(review.watch, review.dept).pk: {"進捗状況": "上書き"}})
    preview = parse_workbook(review.cycle, review.dept, filled)
    before = fingerprint()
    for persona in ("社協の鈴木", "閲覧の伊藤", "委員の高橋", "他市の職員"):
        with pytest.raises(PermissionDenied):
            import_and_submit_workbook(by=w.personas()[persona], cycle=review.cycle,
                                       organization=review.dept, preview=preview)
        client = logged_in(w.personas()[persona])
        response = client.post(review_url(review, review.dept, "workbook_apply"),
                               {"token": "x", "digest": "x", "then": "submit"})
        assert response.status_code in {403, 404}, persona
    assert fingerprint() == before
    # 事務局の佐藤 may, for any organisation, as on the report page.
    done = import_and_submit_workbook(by=w.sato, cycle=review.cycle, organization=review.dept,
                                      preview=preview)
    assert [e.status for e in done] == [E.SUBMITTED]

