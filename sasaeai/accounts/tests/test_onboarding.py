"""A new municipality without the admin site, and invitations (issue #16).

The operator opens 枚方市 from its code alone (`sasaeai create_municipality 272108`): name, よみ
and prefecture come from the national list, its city is the first organization, and its first
事務局, 山田, is invited by mail. A mistyped code (wrong check digit), one already taken, one not
in the list without a name, or a name that contradicts the code is refused in Japanese with
nothing created. 山田 follows the mail's link, makes her account and lands on the second-factor
set-up; the link then works no more, nor does an expired or replaced one. 小美玉市の社協の鈴木,
who already has an account, accepts an invitation to the committee by signing in; someone signed
in with another address cannot take it. Only a 事務局 invites, and only in its own municipality."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts import invitations
from sasaeai.accounts.models import Invitation, Membership, User
from sasaeai.audit.models import AuditEvent
from sasaeai.tenancy.models import Municipality, Organization

pytestmark = pytest.mark.django_db
YAMADA = "yamada@city.hirakata.example.jp"
PASSWORD = "ひらかた市役所-地域福祉-2026"


def create(*args: str) -> str:
    out = StringIO()
    call_command("create_municipality", *args, stdout=out)
    return out.getvalue()


def key_in(body: str) -> str:
    found = re.search(r"/accounts/invitation/([\w-]+)/", body)
    assert found, body
    return found.group(1)


def test_the_operator_opens_hirakata_from_its_code_and_invites_its_first_secretariat(
        mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = create("272108", "--secretariat-email", YAMADA, "--secretariat-name", "山田 花子")
    hirakata = Municipality.objects.get(code="272108")
    assert (hirakata.name, hirakata.kana, hirakata.prefecture) == ("枚方市", "ひらかたし", "大阪府")
    [city] = Organization.objects.filter(municipality=hirakata)
    assert (city.name, city.kind) == ("枚方市", Organization.Kind.CITY)
    assert "大阪府枚方市（272108、ひらかたし）を作成しました" in out and YAMADA in out
    [mail] = mailoutbox
    assert mail.to == [YAMADA] and mail.subject == "【ささえあい】枚方市 枚方市への招待"
    assert "山田 花子 様" in mail.body and "枚方市の事務局として招待されました" in mail.body
    assert "招待した人：ささえあいの運営者" in mail.body
    invitation = Invitation.objects.get(email=YAMADA)
    assert invitation.key_hash == invitations.key_hash(key_in(mail.body))
    assert key_in(mail.body) not in str(AuditEvent.objects.filter(
        municipality_code="272108").values_list("after", flat=True))
    assert set(AuditEvent.objects.filter(municipality_code="272108").values_list(
        "action", flat=True)) == {"tenancy.municipality.create", "tenancy.organization.create",
                                  "accounts.invitation.create"}


@pytest.mark.parametrize(("args", "message"), [
    (["272107"], "地方公共団体コード「272107」の検査数字が一致しません。"),
    (["27210"], "地方公共団体コードは半角数字6桁で入力してください。"),
    (["082368"], "地方公共団体コード 082368（小美玉市）の自治体は既にあります。"),
    (["999997"], "地方公共団体コード 999997 は全国の一覧（2020年）にありません。"),
    (["272108", "--name", "寝屋川市"], "地方公共団体コード 272108 は大阪府枚方市のコードです"),
    (["272108", "--secretariat-email", "メールではない"], "メールアドレスの形で入力してください"),
])
def test_a_wrong_code_or_name_is_refused_in_japanese_and_nothing_is_created(args, message,
                                                                           mailoutbox):
    municipalities, events = Municipality.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        create(*args)
    assert message in str(refused.value)
    assert (Municipality.objects.count(), AuditEvent.objects.count()) == (municipalities, events)
    assert mailoutbox == []


def test_a_code_not_in_the_list_is_opened_with_its_name_and_a_shakyo_alone_gets_its_shakyo():
    create("999997", "--name", "みらい町", "--prefecture", "東京都", "--kana", "みらいまち",
           "--shakyo-only")
    town = Municipality.objects.get(code="999997")
    assert (town.name, town.prefecture) == ("みらい町", "東京都")
    assert Organization.objects.get(municipality=town).kind == Organization.Kind.SHAKYO
    assert Organization.objects.get(municipality=town).name == "みらい町社会福祉協議会"


@pytest.fixture
def yamada_invited(mailoutbox, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        create("272108", "--secretariat-email", YAMADA, "--secretariat-name", "山田 花子")
    return key_in(mailoutbox[-1].body)


def test_yamada_makes_her_account_from_the_link_once(yamada_invited):
    url = reverse("accounts:invitation", args=[yamada_invited])
    yamada = Client()
    page = yamada.get(url).content.decode()
    assert "枚方市" in page and "事務局" in page and "認証アプリ" in page
    assert 'value="yamada"' in page and 'value="山田 花子"' in page  # suggested, editable

    refused = yamada.post(url, {"username": "yamada", "display_name": "山田 花子",
                                "password1": "短い", "password2": "短い"})
    assert refused.status_code == 400 and "このパスワードは短すぎます" in refused.content.decode()
    taken = yamada.post(url, {"username": "omitama-jimukyoku", "display_name": "山田 花子",
                              "password1": PASSWORD, "password2": PASSWORD})
    assert "ログインID「omitama-jimukyoku」は既に使われています" in taken.content.decode()
    assert not User.objects.filter(email=YAMADA).exists()

    done = yamada.post(url, {"username": "hirakata-yamada", "display_name": "山田 花子",
                             "password1": PASSWORD, "password2": PASSWORD})
    assert done["Location"] == reverse("tasks:mine")
    user = User.objects.get(username="hirakata-yamada")
    assert (user.email, str(user), user.check_password(PASSWORD)) == (YAMADA, "山田 花子", True)
    [membership] = Membership.objects.filter(user=user)
    assert (membership.organization.name, membership.role) == ("枚方市", Membership.Role.SECRETARIAT)
    # Signed in, and a 事務局 registers an authenticator app before anything else.
    assert yamada.get(reverse("tasks:mine"))["Location"].startswith("/accounts/two-factor/setup/")
    assert AuditEvent.objects.filter(action="accounts.invitation.accept", actor=user).count() == 1

    again = Client().get(url)
    assert again.status_code == 404 and "この招待は使えません" in again.content.decode()


def test_an_expired_or_replaced_invitation_works_no_more(yamada_invited, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Client().get(reverse("accounts:invitation", args=[yamada_invited])).status_code == 404

    city = Organization.objects.get(municipality__code="272108")
    with django_capture_on_commit_callbacks(execute=True):
        first, first_key = invitations.invite(by=None, organization=city, email=YAMADA,
                                              role=Membership.Role.SECRETARIAT)
        _second, second_key = invitations.invite(by=None, organization=city, email=YAMADA,
                                                 role=Membership.Role.SECRETARIAT)
    assert Client().get(reverse("accounts:invitation", args=[first_key])).status_code == 404
    assert Client().get(reverse("accounts:invitation", args=[second_key])).status_code == 200
    first.refresh_from_db()
    assert first.revoked_at is not None


def test_suzuki_who_has_an_account_accepts_by_signing_in_and_nobody_else_can():
    suzuki = User.objects.get(username="omitama-shakyo")
    sato = User.objects.get(username="omitama-jimukyoku")
    committee = Organization.objects.create(municipality=Municipality.objects.get(code="082368"),
                                            name="小美玉市地域福祉計画推進委員会",
                                            kind=Organization.Kind.COMMITTEE)
    _invitation, key = invitations.invite(by=sato, organization=committee, email=suzuki.email,
                                          role=Membership.Role.COMMITTEE)
    url = reverse("accounts:invitation", args=[key])
    page = Client().get(url).content.decode()
    assert "アカウントは既にあります" in page and "ログインして招待を受ける" in page

    tanto = Client()
    tanto.force_login(User.objects.get(username="omitama-tanto"))
    wrong = tanto.post(url)
    assert wrong.status_code == 400 and f"この招待は {suzuki.email} あてです" in wrong.content.decode()
    assert not Membership.objects.filter(organization=committee).exists()

    client = Client()
    client.force_login(suzuki)
    assert client.post(url)["Location"] == reverse("tasks:mine")
    assert Membership.objects.get(user=suzuki, organization=committee).role == "committee"
    assert Membership.objects.filter(user=suzuki).count() == 2  # her 社協 membership stays


@pytest.mark.parametrize("username", ["omitama-tanto", "omitama-iin", "kurume-jimukyoku"])
def test_only_the_municipalitys_secretariat_invites(username):
    city = Organization.objects.get(municipality__code="082368", kind=Organization.Kind.CITY)
    with pytest.raises(PermissionDenied):
        invitations.invite(by=User.objects.get(username=username), organization=city,
                           email="someone@example.jp", role=Membership.Role.STAFF)
    assert not Invitation.objects.exists()


def test_import_plan_for_an_unknown_code_says_how_to_create_it(tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(plan_file), "--municipality", "272108")
    assert "sasaeai create_municipality 272108" in str(refused.value)


def operator() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("unei-kobayashi", "kobayashi@example.jp",
                                                     "運営者のパスワード-2026"))
    return client


def test_the_operator_opens_a_municipality_on_its_page_too(mailoutbox,
                                                           django_capture_on_commit_callbacks):
    client = operator()
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accounts:municipality_create")}"' in home
    page = client.get(reverse("accounts:municipality_create"))
    assert page.status_code == 200 and "地方公共団体コード" in page.content.decode()
    wrong = client.post(reverse("accounts:municipality_create"), {"code": "272107"})
    assert wrong.status_code == 400 and "検査数字が一致しません" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("accounts:municipality_create"), {
            "code": "272108", "secretariat_email": YAMADA, "secretariat_name": "山田 花子"},
            follow=True)
    assert done.redirect_chain[-1][0] == "/272108/"
    assert "大阪府枚方市（272108）を作成しました" in done.content.decode()
    assert [m.to for m in mailoutbox] == [[YAMADA]]


@pytest.mark.parametrize(("username", "status"), [("omitama-jimukyoku", 403), (None, 302)])
def test_nobody_but_the_operator_opens_a_municipality(username, status):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    assert client.post(reverse("accounts:municipality_create"),
                       {"code": "272108"}).status_code == status
    assert not Municipality.objects.filter(code="272108").exists()
