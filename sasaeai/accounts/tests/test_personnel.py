"""人事異動ファイル (issue #16). On 1 April 小美玉市の事務局の佐藤 uploads the year's moves: 田中
arrives at 福祉総務課 as 担当 (invited by mail), 社協の鈴木 also joins 防災管理課, the 閲覧 member
becomes a 委員, 防災管理課's 担当 leaves (the account stopped, the trail keeps the name), and 山本
arrives on 1 May (kept until that day, then made by the task worker). The preview says what each
row will do; confirmed, all of it is made. A file with an unknown organization, role, date or
person, or one that would leave 小美玉市 without a 事務局, changes nothing and says why, row by
row, in Japanese; so does a file that is not a spreadsheet, or one whose rows no longer read
the same at confirmation. Excel's own CSV (cp932) is read as well as UTF-8 and .xlsx."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sasaeai.accounts import personnel
from sasaeai.accounts.models import Invitation, Membership, ScheduledChange, User
from sasaeai.audit.models import AuditEvent
from sasaeai.tenancy.models import Municipality, Organization

pytestmark = pytest.mark.django_db
CODE = "082368"
HEADER = "氏名,メールアドレス,組織,役割,異動日,区分"
TODAY = datetime.date(2027, 4, 1)


@pytest.fixture(autouse=True)
def april_first(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def omitama() -> Municipality:
    municipality = Municipality.objects.get(code=CODE)
    Organization.objects.create(municipality=municipality, name="福祉総務課", kind="department")
    return municipality


def sato() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="omitama-jimukyoku"))
    return client


def upload(client: Client, text: str, *, name: str = "人事異動.csv", encoding: str = "utf-8") -> str:
    data = io.BytesIO(text.encode(encoding))
    data.name = name
    return client.post(reverse("people:personnel", args=[CODE]), {"file": data}).content.decode()


def token_in(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


APRIL = "\n".join([
    HEADER,
    "田中 一郎,tanaka@city.omitama.example.jp,福祉総務課,担当,2027-04-01,着任",
    "社協 鈴木,omitama-shakyo@demo.sasaeai.invalid,防災管理課,担当,2027/4/1,着任",
    ",omitama-etsuran@demo.sasaeai.invalid,小美玉市,委員,令和9年4月1日,変更",
    ",omitama-tanto@demo.sasaeai.invalid,防災管理課,,2027-03-31,転出",
    "山本 花子,yamamoto@city.omitama.example.jp,福祉総務課,事務局,2027-05-01,着任",
])


def test_the_april_moves_are_previewed_then_made_at_once_and_the_may_one_on_its_day(
        omitama, mailoutbox, django_capture_on_commit_callbacks):
    client = sato()
    page = upload(client, APRIL)
    assert "反映する内容（5件）" in page
    for does in ("福祉総務課の担当として招待メールを送る・すぐに反映", "防災管理課の担当に加える・すぐに反映",
                 "小美玉市での役割を「委員」にする", "防災管理課の所属を外す",
                 "2027年5月1日に反映（予約）"):
        assert does in page
    assert not Invitation.objects.exists()  # nothing made by the preview

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("people:personnel_confirm", args=[CODE]),
                           {"token": token_in(page)}, follow=True)
    assert "人事異動を反映しました（すぐに反映4件・予約1件）" in done.content.decode()
    assert [m.to for m in mailoutbox] == [["tanaka@city.omitama.example.jp"]]
    suzuki = User.objects.get(username="omitama-shakyo")
    assert set(Membership.objects.filter(user=suzuki).values_list("organization__name", flat=True)
               ) == {"小美玉市社会福祉協議会", "防災管理課"}
    assert Membership.objects.get(user__username="omitama-etsuran").role == "committee"
    leaver = User.objects.get(username="omitama-tanto")
    assert not leaver.is_active and not Membership.objects.filter(user=leaver).exists()
    assert AuditEvent.objects.filter(action="accounts.user.deactivate", object_id=str(leaver.pk),
                                     note="人事異動（転出）").exists()
    [may] = ScheduledChange.objects.all()
    assert (may.email, may.effective_on, may.applied_at) == (
        "yamamoto@city.omitama.example.jp", datetime.date(2027, 5, 1), None)
    assert "予約されている異動（1件）" in client.get(
        reverse("people:personnel", args=[CODE])).content.decode()

    assert personnel.apply_due(today=datetime.date(2027, 4, 30)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert personnel.apply_due(today=datetime.date(2027, 5, 1)) == 1
    may.refresh_from_db()
    assert may.applied_at is not None and may.outcome == "招待を送りました"
    assert Invitation.objects.get(email="yamamoto@city.omitama.example.jp").role == "secretariat"


@pytest.mark.parametrize(("line", "message"), [
    ("田中,tanaka@example.jp,企画課,担当,2027-04-01,着任", "2行目：組織「企画課」がありません"),
    ("田中,tanaka@example.jp,福祉総務課,課長,2027-04-01,着任", "2行目：役割「課長」は 事務局・担当・委員・閲覧 のどれか"),
    ("田中,tanaka@example.jp,福祉総務課,担当,4月1日,着任", "2行目：異動日「4月1日」を日付として読めません"),
    ("田中,tanaka@example.jp,福祉総務課,担当,2027-04-01,採用", "2行目：区分「採用」は 着任・転出・変更 のどれか"),
    (",nobody@example.jp,,,2027-04-01,転出", "2行目：nobody@example.jp の方は小美玉市に所属していません"),
    ("田中,メール,福祉総務課,担当,2027-04-01,着任", "2行目：メールアドレス「メール」の形が正しくありません"),
    ("田中,tanaka@example.jp,福祉総務課,,2027-04-01,着任", "2行目：着任・変更には組織と役割が必要です"),
])
def test_a_wrong_row_changes_nothing_and_says_which_and_why(omitama, line, message):
    page = upload(sato(), HEADER + "\n" + line)
    assert "何も反映していません" in page and message in page
    assert 'name="token"' not in page


def test_a_file_that_would_leave_no_secretariat_is_refused_whole(omitama):
    client = sato()
    page = upload(client, "\n".join([
        HEADER, ",omitama-etsuran@demo.sasaeai.invalid,小美玉市,委員,2027-04-01,変更",
        ",omitama-jimukyoku@demo.sasaeai.invalid,,,2027-04-01,転出"]))
    done = client.post(reverse("people:personnel_confirm", args=[CODE]),
                       {"token": token_in(page)}, follow=True)
    assert "何も反映しませんでした：小美玉市の事務局がいなくなるため" in done.content.decode()
    assert User.objects.get(username="omitama-jimukyoku").is_active
    assert Membership.objects.get(user__username="omitama-etsuran").role == "viewer"


def test_rows_that_no_longer_read_the_same_at_confirmation_change_nothing(omitama):
    client = sato()
    page = upload(client, HEADER + "\n,omitama-tanto@demo.sasaeai.invalid,防災管理課,,2027-04-01,転出")
    Membership.objects.filter(user__username="omitama-tanto").delete()
    done = client.post(reverse("people:personnel_confirm", args=[CODE]),
                       {"token": token_in(page)}, follow=True)
    assert "確認の後に職員や組織が変わったため、何も反映しませんでした" in done.content.decode()
    assert User.objects.get(username="omitama-tanto").is_active


def test_excels_csv_and_the_template_itself_are_read(omitama):
    page = upload(sato(), HEADER + "\n田中 一郎,tanaka@example.jp,福祉総務課,担当,2027-04-01,着任",
                  encoding="cp932")
    assert "反映する内容（1件）" in page and "田中 一郎" in page

    response = sato().get(reverse("people:personnel_template", args=[CODE]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:1] == ["人事異動"] and "記入方法" in book.sheetnames
    assert [c.value for c in book["人事異動"][1]] == HEADER.split(",")
    data = io.BytesIO(response.content)
    data.name = "人事異動.xlsx"
    filled = sato().post(reverse("people:personnel", args=[CODE]), {"file": data}).content.decode()
    # Its examples are on the 記入方法 sheet: the sheet that is read is empty until filled in.
    assert "異動の行がありません。" in filled
    assert book["記入方法"].max_row > len(personnel.COLUMNS) + 5


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\x00" * 64, b"\x00\x01\x02binary"])
def test_a_file_that_is_not_a_spreadsheet_is_refused_in_japanese(omitama, content):
    data = io.BytesIO(content)
    data.name = "人事異動.xlsx" if content.startswith(b"PK") else "人事異動.csv"
    response = sato().post(reverse("people:personnel", args=[CODE]), {"file": data})
    assert response.status_code == 400
    assert "何も反映していません" in response.content.decode()
    assert not ScheduledChange.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("omitama-tanto", 403), (None, 302)])
def test_nobody_but_the_secretariat_uploads(omitama, username, status):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    assert client.get(reverse("people:personnel", args=[CODE])).status_code == status
    assert client.get(reverse("people:personnel_template", args=[CODE])).status_code == status


def test_a_move_between_departments_is_not_a_leave(omitama):
    client = sato()
    page = upload(client, "\n".join([
        HEADER, ",omitama-tanto@demo.sasaeai.invalid,防災管理課,,2027-04-01,転出",
        "防災 田中,omitama-tanto@demo.sasaeai.invalid,福祉総務課,担当,2027-04-01,着任"]))
    client.post(reverse("people:personnel_confirm", args=[CODE]), {"token": token_in(page)})
    moved = User.objects.get(username="omitama-tanto")
    assert moved.is_active
    assert list(Membership.objects.filter(user=moved).values_list("organization__name", flat=True)
                ) == ["福祉総務課"]
    assert not AuditEvent.objects.filter(action__startswith="accounts.user.",
                                         object_id=str(moved.pk)).exists()
