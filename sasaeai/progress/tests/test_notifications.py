"""Notices of the yearly cycle (issue #14), with 小美玉市's 第3次地域福祉計画 and its personas:
事務局の佐藤 (omitama-jimukyoku) runs the cycle, 防災管理課の田中 (omitama-tanto) and 社協の鈴木
(omitama-shakyo) write reports, 委員の高橋 (omitama-iin) sits on the committee.

Each event leaves a notice on the task page of who must act, and an e-mail (locmem here) in
Japanese that says what to do and links to the exact page; nobody else is told anything."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.notices.models import Notice
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_figures
from sasaeai.progress.models import Cycle, Entry, FigureRequest

pytestmark = pytest.mark.django_db
S = Cycle.Status
CODE = "082368"
BASE = "http://127.0.0.1:8000"  # SASAEAI_BASE_URL's default
BOUSAI = "地域の自主防災組織"  # the figure 防災管理課 reports


def user(suffix: str) -> User:
    return User.objects.get(username=f"omitama-{suffix}")


def address(suffix: str) -> str:
    return f"omitama-{suffix}@demo.sasaeai.invalid"


def omitama() -> Plan:
    return Plan.objects.get(municipality__code=CODE, slug="dai3ji")


def to(mails: list, suffix: str) -> list:
    return [m for m in mails if m.to == [address(suffix)]]


@pytest.fixture
def opened(django_capture_on_commit_callbacks, mailoutbox) -> Cycle:
    """令和6年度, opened for input by the 事務局 (the mails of the opening sent and cleared)."""
    sato = user("jimukyoku")
    cycle = actions.create_cycle(by=sato, plan=omitama(), fiscal_year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        cycle = actions.move_cycle(by=sato, cycle=cycle, to=S.COLLECTING,
                                   expected_version=cycle.version)
    mailoutbox.clear()
    return cycle


def handed_in(cycle: Cycle, suffix: str, count: int) -> list[Entry]:
    """`count` reports of the persona's organization, written and handed in."""
    who = user(suffix)
    org = who.memberships.get().organization
    done = []
    for entry in cycle.entries.filter(organization=org).order_by("pk")[:count]:
        entry.cycle = cycle
        saved = actions.save_entry(by=who, entry=entry, data={"progress": "実施しました。"},
                                   expected_version=entry.version)
        saved.cycle = cycle
        done.append(actions.submit_entry(by=who, entry=saved, expected_version=saved.version))
    return done


def test_opening_the_cycle_tells_each_reporting_organization_what_it_is_asked_for(
        django_capture_on_commit_callbacks, mailoutbox):
    sato = user("jimukyoku")
    cycle = actions.create_cycle(by=sato, plan=omitama(), fiscal_year=2024)
    mine = Notice.objects.filter(recipient__username__startswith="omitama-")
    assert not mine.exists() and mailoutbox == []  # 準備中: nobody is told yet
    with django_capture_on_commit_callbacks(execute=True):
        actions.move_cycle(by=sato, cycle=cycle, to=S.COLLECTING, expected_version=cycle.version)
    assert sorted(m.to[0] for m in mailoutbox) == [address("shakyo"), address("tanto")]
    tanaka = to(mailoutbox, "tanto")[0]
    assert tanaka.subject == "【入力開始】第3次小美玉市地域福祉計画 令和6年度 年次評価の進捗報告をお願いします"
    assert "防災管理課が書く報告が3件、指標の実績値が1件あります。" in tanaka.body
    assert "「保存して提出」を押してください" in tanaka.body
    assert f"{BASE}/tasks/" in tanaka.body
    suzuki = Notice.objects.get(recipient=user("shakyo"))
    assert suzuki.kind == Notice.Kind.CYCLE_OPENED and "報告が29件あります" in suzuki.body
    # The 事務局 and the committee are not asked to write anything.
    assert not Notice.objects.filter(recipient__in=[sato, user("iin")]).exists()


def test_a_returned_report_tells_its_organization_why_and_links_to_the_report(
        opened, django_capture_on_commit_callbacks, mailoutbox):
    entry, = handed_in(opened, "shakyo", 1)
    with django_capture_on_commit_callbacks(execute=True):
        actions.return_entry(by=user("jimukyoku"), entry=entry, comment="参加人数を記入してください。",
                             expected_version=entry.version)
    mail, = mailoutbox
    assert mail.to == [address("shakyo")]
    assert mail.subject.startswith("【差戻し】報告「") and mail.subject.endswith("」が差し戻されました")
    assert "差戻しの理由：参加人数を記入してください。" in mail.body
    assert "もう一度「保存して提出」を押してください" in mail.body
    assert f"{BASE}{entry.get_absolute_url()}" in mail.body
    notice = Notice.objects.get(kind=Notice.Kind.RETURNED, recipient__username__startswith="omitama-")
    assert notice.recipient == user("shakyo") and notice.url == entry.get_absolute_url()
    assert notice.mailed


def test_several_reports_returned_at_once_come_as_one_mail(
        opened, django_capture_on_commit_callbacks, mailoutbox):
    entries = handed_in(opened, "shakyo", 3)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for entry in entries:
            actions.return_entry(by=user("jimukyoku"), entry=entry, comment="数字を確認してください。",
                                 expected_version=entry.version)
    mail, = mailoutbox  # one digest, three notices on the task page
    assert mail.subject == "【差戻し】小美玉市社会福祉協議会の報告など3件が差し戻されました"
    assert "お知らせが3件あります。" in mail.body
    for entry in entries:
        assert f"{BASE}{entry.get_absolute_url()}" in mail.body
    assert Notice.objects.filter(recipient=user("shakyo"), kind=Notice.Kind.RETURNED).count() == 3


def test_a_returned_figure_tells_the_department_that_reports_it(
        opened, django_capture_on_commit_callbacks, mailoutbox):
    figure = FigureRequest.objects.get(cycle=opened, indicator__name=BOUSAI)
    figure.cycle = opened
    figure = actions_figures.save_figure(by=user("tanto"), figure=figure,
                                         data={"verbatim": "84.5%"},
                                         expected_version=figure.version, submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        actions_figures.return_figure(by=user("jimukyoku"), figure=figure,
                                      comment="令和6年4月1日時点の値にしてください。",
                                      expected_version=figure.version)
    mail, = mailoutbox
    assert mail.to == [address("tanto")]
    assert mail.subject == f"【差戻し】指標「{BOUSAI}」の実績値が差し戻されました"
    assert "差戻しの理由：令和6年4月1日時点の値にしてください。" in mail.body
    assert f"{BASE}{figure.get_absolute_url()}" in mail.body


def test_the_committee_is_told_when_its_review_opens(
        opened, django_capture_on_commit_callbacks, mailoutbox):
    Entry.objects.filter(cycle=opened).update(status=Entry.Status.ACCEPTED)
    FigureRequest.objects.filter(cycle=opened).update(status=FigureRequest.Status.ACCEPTED)
    sato = user("jimukyoku")
    cycle = actions.move_cycle(by=sato, cycle=opened, to=S.COMPILING,
                               expected_version=opened.version)
    assert mailoutbox == []  # 取りまとめ is the 事務局's own work
    with django_capture_on_commit_callbacks(execute=True):
        actions.move_cycle(by=sato, cycle=cycle, to=S.REVIEWING, expected_version=cycle.version)
    mail, = mailoutbox
    assert mail.to == [address("iin")]
    assert mail.subject == "【委員会審議】第3次小美玉市地域福祉計画 令和6年度 年次評価の審議が始まりました"
    assert "委員会評価を付け" in mail.body
    assert f"{BASE}/{CODE}/dai3ji/cycles/{cycle.pk}/" in mail.body


def test_confirmation_and_publication_tell_everyone_who_reported(
        opened, django_capture_on_commit_callbacks, mailoutbox):
    handed_in(opened, "shakyo", 1)  # 社協 handed in; 防災管理課 did not
    # The other reports are not what this test is about: taken as accepted, 防災管理課's as gone
    # on without (「未提出のまま進める」), its figure too.
    Entry.objects.filter(cycle=opened).exclude(organization__name="防災管理課").update(
        status=Entry.Status.ACCEPTED)
    Entry.objects.filter(cycle=opened, organization__name="防災管理課").update(
        waiver_reason="担当者の異動のため")
    FigureRequest.objects.filter(cycle=opened).delete()
    cycle = opened
    sato = user("jimukyoku")
    with django_capture_on_commit_callbacks(execute=True):
        for step in (S.COMPILING, S.REVIEWING):
            cycle = actions.move_cycle(by=sato, cycle=cycle, to=step,
                                       expected_version=cycle.version)
    assert [m.to for m in mailoutbox] == [[address("iin")]]  # the committee's review
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cycle = actions.move_cycle(by=sato, cycle=cycle, to=S.CONFIRMED,
                                   expected_version=cycle.version)
    summary = f"{BASE}/{CODE}/dai3ji/cycles/{cycle.pk}/summary/"
    mail, = mailoutbox
    assert mail.to == [address("shakyo")]
    assert mail.subject == "【確定】第3次小美玉市地域福祉計画 令和6年度 年次評価の評価が確定しました"
    assert summary in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        actions.move_cycle(by=sato, cycle=cycle, to=S.PUBLISHED, expected_version=cycle.version)
    published = mailoutbox[-1]
    assert published.to == [address("shakyo")] and published.subject.startswith("【公開】")
    assert summary in published.body
    assert not Notice.objects.filter(recipient=user("tanto"),
                                     kind__in=[Notice.Kind.CONFIRMED, Notice.Kind.PUBLISHED])


def test_a_person_who_turned_mails_off_still_finds_the_notice_on_the_task_page(
        opened, django_capture_on_commit_callbacks, mailoutbox):
    suzuki = Client()
    suzuki.force_login(user("shakyo"))
    response = suzuki.post(reverse("accounts:notice_mail"), {})
    assert response.status_code == 302
    assert not User.objects.get(username="omitama-shakyo").notice_mail
    assert "お知らせのメールを止めました" in suzuki.get(reverse("accounts:profile")).text
    entry, = handed_in(opened, "shakyo", 1)
    with django_capture_on_commit_callbacks(execute=True):
        actions.return_entry(by=user("jimukyoku"), entry=entry, comment="参加人数を記入してください。",
                             expected_version=entry.version)
    assert mailoutbox == []
    page = suzuki.get(reverse("tasks:mine")).text
    assert "【未読】【差戻し】報告「" in page and "差戻しの理由：参加人数を記入してください。" in page
    assert page.index("【差戻し】") < page.index("【入力開始】")  # unread, newest first


def test_a_rolled_back_write_tells_nobody(opened, django_capture_on_commit_callbacks, mailoutbox):
    entry, = handed_in(opened, "shakyo", 1)
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        actions.return_entry(by=user("jimukyoku"), entry=entry, comment="確認を",
                             expected_version=entry.version)
        raise RuntimeError("the request failed after the return")
    assert mailoutbox == []
    assert not Notice.objects.filter(kind=Notice.Kind.RETURNED, recipient=user("shakyo")).exists()
