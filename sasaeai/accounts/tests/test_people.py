"""「職員と組織」, the 事務局's page of its people (issue #16). 小美玉市の事務局の佐藤 adds 福祉総務課
after a 機構改革 and invites 田中 to it as 担当; withdraws a mistaken invitation; makes the 閲覧
member a 委員 (refused when the page was stale); cannot leave 小美玉市 without a 事務局, nor stop
her own account; stops the account of 防災管理課's 担当 who left (no more sign-in, the trail
still names them) and starts it again; resets a lost authenticator; renames 防災管理課 (the old
name kept in the trail). 担当, 委員, another city's 事務局 and anonymous visitors change nothing,
and another municipality's people are not reachable from 小美玉市's page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.accounts.models import Invitation, Membership, User
from sasaeai.audit.models import AuditEvent
from sasaeai.demo.loader import DEMO_PASSWORD
from sasaeai.tenancy.models import Organization

pytestmark = pytest.mark.django_db
CODE = "082368"


def sato() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="omitama-jimukyoku"))
    return client


def url(name: str, *args: object) -> str:
    return reverse(f"people:{name}", args=[CODE, *args])


def membership(username: str) -> Membership:
    return Membership.objects.select_related("organization").get(
        user__username=username, organization__municipality__code=CODE)


def test_sato_sees_every_organization_with_its_people_in_the_same_queries_however_many(
        django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sato()
    client.get(url("people"))
    with CaptureQueriesContext(connection) as first:
        page = client.get(url("people")).content.decode()
    extra = Organization.objects.create(municipality_id=membership("omitama-tanto").organization
                                        .municipality_id, name="福祉総務課", kind="department")
    for n in range(3):
        person = User.objects.create_user(username=f"fukushi{n}", display_name=f"福祉 {n}")
        Membership.objects.create(user=person, organization=extra, role="staff")
        TOTPDevice.objects.create(user=person, name="認証アプリ", confirmed=True)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url("people"))
    for name in ("小美玉市社会福祉協議会", "防災管理課", "omitama-tanto", "omitama-iin"):
        assert name in page
    assert "kurume" not in page
    home = client.get(reverse("tenancy:municipality", args=[CODE])).content.decode()
    assert f'href="{url("people")}"' in home


def test_sato_adds_a_department_and_invites_tanaka_to_it(mailoutbox,
                                                         django_capture_on_commit_callbacks):
    client = sato()
    response = client.post(url("organization_add"), {"name": "福祉総務課", "kind": "department",
                                                     "short_name": "", "parent": ""})
    department = Organization.objects.get(municipality__code=CODE, name="福祉総務課")
    assert response["Location"] == url("people") + f"#org-{department.pk}"
    again = client.post(url("organization_add"), {"name": "福祉総務課", "kind": "department"})
    assert again.status_code == 400 and "「福祉総務課」という組織は既にあります" in again.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("invite"), {"email": "tanaka@city.omitama.example.jp",
                                    "display_name": "田中 一郎", "organization": department.pk,
                                    "role": "staff"})
    [mail] = mailoutbox
    assert mail.to == ["tanaka@city.omitama.example.jp"] and "福祉総務課の担当" in mail.body
    page = client.get(url("people")).content.decode()
    assert "返事を待っている招待（1件）" in page and "田中 一郎" in page
    invitation = Invitation.objects.get()
    client.post(url("invitation_withdraw", invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "返事を待っている招待（0件）" in client.get(url("people")).content.decode()


def test_a_bad_invitation_is_refused_in_japanese_and_sends_nothing(mailoutbox):
    response = sato().post(url("invite"), {"email": "メール", "organization": "", "role": "boss"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "メールアドレスの形で入力してください" in body and "組織を選んでください" in body
    assert "役割を一覧から選んでください" in body
    assert not Invitation.objects.exists() and mailoutbox == []


def test_roles_change_but_never_from_a_stale_page_nor_leaving_no_secretariat():
    client = sato()
    viewer = membership("omitama-etsuran")
    stale = client.post(url("membership_role", viewer.pk), {"role": "committee", "seen": "staff"},
                        follow=True)
    assert "他の人がこの所属を変更しました" in stale.content.decode()
    client.post(url("membership_role", viewer.pk), {"role": "committee", "seen": "viewer"})
    assert membership("omitama-etsuran").role == "committee"
    assert AuditEvent.objects.filter(action="accounts.membership.role",
                                     object_id=str(viewer.pk)).count() == 1

    own = membership("omitama-jimukyoku")
    refused = client.post(url("membership_role", own.pk), {"role": "staff", "seen": "secretariat"},
                          follow=True)
    assert "小美玉市の事務局がいなくなるため、できません" in refused.content.decode()
    assert membership("omitama-jimukyoku").role == "secretariat"
    ended = client.post(url("membership_end", own.pk), follow=True)
    assert "事務局がいなくなるため" in ended.content.decode()
    stopped = client.post(url("person_active", own.user_id), {"active": "0"}, follow=True)
    assert "ご自身のアカウントは停止できません" in stopped.content.decode()


def test_who_left_is_stopped_and_can_no_longer_sign_in_but_the_trail_keeps_their_name():
    leaver = User.objects.get(username="omitama-tanto")
    AuditEvent.objects.create(actor=leaver, actor_label="防災 担当（防災管理課・担当）",
                              action="progress.entry.submit", municipality_code=CODE)
    client = sato()
    client.post(url("person_active", leaver.pk), {"active": "0"})
    assert not User.objects.get(pk=leaver.pk).is_active
    signing_in = Client().post(reverse("accounts:login"),
                               {"username": "omitama-tanto", "password": DEMO_PASSWORD})
    assert signing_in.status_code == 200 and "_auth_user_id" not in signing_in.wsgi_request.session
    assert AuditEvent.objects.filter(actor=leaver, actor_label__startswith="防災 担当").exists()
    assert "停止中" in client.get(url("people")).content.decode()
    client.post(url("person_active", leaver.pk), {"active": "1"})
    assert User.objects.get(pk=leaver.pk).is_active
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(leaver.pk)).order_by("id")
            if e.action.startswith("accounts.user")] == ["accounts.user.deactivate",
                                                         "accounts.user.activate"]


def test_a_lost_authenticator_is_reset_and_asked_again_at_the_next_sign_in():
    member = User.objects.get(username="omitama-iin")
    TOTPDevice.objects.create(user=member, name="認証アプリ", confirmed=True)
    client = sato()
    assert "認証アプリの登録を解除" in client.get(url("people")).content.decode()
    client.post(url("person_second_factor", member.pk))
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert AuditEvent.objects.filter(action="accounts.second_factor.reset",
                                     object_id=str(member.pk)).exists()


def test_a_renamed_department_keeps_its_old_name_in_the_trail():
    department = Organization.objects.get(municipality__code=CODE, name="防災管理課")
    client = sato()
    client.post(url("organization_edit", department.pk), {
        "name": "危機管理課", "short_name": "", "kind": "department", "parent": "",
        "seen": "防災管理課"})
    department.refresh_from_db()
    assert department.name == "危機管理課"
    event = AuditEvent.objects.get(action="tenancy.organization.edit", object_id=str(department.pk))
    assert (event.before or {})["name"] == "防災管理課" and (event.after or {})["name"] == "危機管理課"
    stale = client.post(url("organization_edit", department.pk), {
        "name": "防災課", "kind": "department", "seen": "防災管理課"}, follow=True)
    assert "他の人がこの組織を変更しました" in stale.content.decode()


@pytest.mark.parametrize(("username", "status"), [
    ("omitama-tanto", 403), ("omitama-iin", 403), ("kurume-jimukyoku", 403), (None, 302)])
def test_nobody_else_sees_or_changes_the_people(username, status):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    viewer = membership("omitama-etsuran")
    assert client.get(url("people")).status_code == status
    assert client.post(url("membership_role", viewer.pk),
                       {"role": "secretariat", "seen": "viewer"}).status_code == status
    assert membership("omitama-etsuran").role == "viewer"


def test_another_municipalitys_people_are_not_reachable_from_this_page():
    theirs = Membership.objects.get(user__username="kurume-etsuran")
    client = sato()
    assert client.post(url("membership_role", theirs.pk),
                       {"role": "secretariat", "seen": "viewer"}).status_code == 404
    assert client.post(url("person_active", theirs.user_id), {"active": "0"}).status_code == 404
    assert Membership.objects.get(pk=theirs.pk).role == "viewer"
    assert User.objects.get(pk=theirs.user_id).is_active
