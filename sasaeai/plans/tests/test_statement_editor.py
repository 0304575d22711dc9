"""What each actor does (ActorStatement), edited by the 事務局 (issue #15, ADR 0017).

久留米市's 次期計画 is owned by 久留米市 and 久留米市社会福祉協議会 together. Under 「(1) つながりの
構築」 it says what 地域住民等, the 社協 and the city each do. The 社協's own 事務局 (渡辺, made here
with a 事務局 membership of the 社協) keeps the 社協's lines up to date but may not touch the city's;
the city's 事務局 佐藤 may not touch the 社協's. Either may change what residents do (a row of no
owner). Lines are added, edited (a stale edit is refused with both versions), moved up and down
and deleted, and every change is audited and can be undone. An element has its own page of
statements. 担当・委員・閲覧, 他市 and anonymous visitors change nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import Membership, User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.undo import fingerprint
from sasaeai.plans import initiative_edits as edits
from sasaeai.plans.editing import STATEMENT_FIELDS
from sasaeai.plans.models import ActorStatement, Initiative, Plan
from sasaeai.tenancy.models import Organization

pytestmark = pytest.mark.django_db
KURUME, JIKI = "402036", "jiki"


def jiki() -> Plan:
    return Plan.objects.select_related("municipality").get(municipality__code=KURUME, slug=JIKI)


def tsunagari() -> Initiative:
    return Initiative.objects.get(plan=jiki(), number_label="(1)", element__title="関係を豊かにする")


def lines(kind: str) -> list[ActorStatement]:
    return list(ActorStatement.objects.filter(initiative=tsunagari(), actor__kind=kind)
                .select_related("actor").order_by("order", "pk"))


def watanabe() -> User:
    """社協の事務局の渡辺: a 事務局 of 久留米市社会福祉協議会, one of the plan's two owners."""
    user = User.objects.create(username="kurume-shakyo-jimukyoku", display_name="社協事務局の渡辺")
    shakyo = Organization.objects.get(municipality__code=KURUME, kind=Organization.Kind.SHAKYO)
    Membership.objects.create(user=user, organization=shakyo, role=Membership.Role.SECRETARIAT)
    return user


def client_of(user: User | str) -> Client:
    client = Client()
    client.force_login(user if isinstance(user, User) else User.objects.get(username=user))
    return client


def edit_data(statement: ActorStatement, **changes: object) -> dict[str, object]:
    return {"actor": statement.actor_id, "text": statement.text, "detail": statement.detail,
            "seen": fingerprint(statement, STATEMENT_FIELDS), **changes}


def edit_url(statement: ActorStatement) -> str:
    return reverse("plans:statement_edit", args=[KURUME, JIKI, statement.pk])


def test_the_owner_of_a_statement_is_the_owner_its_actor_speaks_for():
    plan = jiki()
    shakyo_line, city_line, residents_line = lines("shakyo")[0], lines("city")[0], lines("residents")[0]
    shakyo = Organization.objects.get(municipality=plan.municipality, kind="shakyo")
    city = Organization.objects.get(municipality=plan.municipality, kind="city")
    assert edits.actor_owner_ids(plan, shakyo_line.actor) == {shakyo.pk}
    assert edits.actor_owner_ids(plan, city_line.actor) == {city.pk}
    assert edits.actor_owner_ids(plan, residents_line.actor) == set()
    assert edits.initiative_owner_ids(plan, [city.pk, shakyo.pk, 999]) == {city.pk, shakyo.pk}
    shakyo_secretariat, sato = watanabe(), User.objects.get(username="kurume-jimukyoku")
    assert edits.can_edit_statement(shakyo_secretariat, plan, shakyo_line.actor)
    assert not edits.can_edit_statement(shakyo_secretariat, plan, city_line.actor)
    assert edits.can_edit_statement(shakyo_secretariat, plan, residents_line.actor)
    assert not edits.can_edit_statement(sato, plan, shakyo_line.actor)
    assert edits.can_edit_statement(sato, plan, city_line.actor)


def test_the_shakyo_secretariat_edits_its_own_line_but_not_the_citys():
    client = client_of(watanabe())
    mine, theirs = lines("shakyo")[0], lines("city")[0]
    response = client.post(edit_url(mine), edit_data(mine, text="地域の集まりを応援します。"),
                           follow=True)
    assert "主体ごとの取組を保存しました。" in response.text
    assert ActorStatement.objects.get(pk=mine.pk).text == "地域の集まりを応援します。"
    refused = client.post(edit_url(theirs), edit_data(theirs, text="乗っ取り"))
    assert refused.status_code == 403
    assert "久留米市の事務局です" in refused.text
    assert ActorStatement.objects.get(pk=theirs.pk).text == theirs.text


def test_the_citys_sato_cannot_change_or_delete_the_shakyos_lines():
    client = client_of("kurume-jimukyoku")
    line = lines("shakyo")[0]
    assert client.post(edit_url(line), edit_data(line, text="乗っ取り")).status_code == 403
    delete = reverse("plans:statement_delete", args=[KURUME, JIKI, line.pk])
    assert client.post(delete).status_code == 403
    add = reverse("plans:initiative_statements", args=[KURUME, JIKI, tsunagari().pk])
    assert client.post(add, {"actor": line.actor_id, "text": "市が書く社協の行"}).status_code == 403
    assert ActorStatement.objects.get(pk=line.pk).text == line.text
    assert not ActorStatement.objects.filter(text="市が書く社協の行").exists()


def test_a_line_is_added_moved_and_the_move_undone():
    client = client_of("kurume-jimukyoku")
    city = lines("city")
    add = reverse("plans:initiative_statements", args=[KURUME, JIKI, tsunagari().pk])
    response = client.post(add, {"actor": city[0].actor_id, "text": "相談窓口を案内します。"},
                           follow=True)
    assert "の内容を追加しました。" in response.text and "相談窓口を案内します。" in response.text
    after = lines("city")
    assert after[-1].text == "相談窓口を案内します。" and len(after) == len(city) + 1
    move = reverse("plans:statement_move", args=[KURUME, JIKI, after[-1].pk])
    client.post(move, {"direction": "up"})
    moved = lines("city")
    assert moved[-2].text == "相談窓口を案内します。"
    event = AuditEvent.objects.filter(action="plans.statement.move").latest("pk")
    client.post(reverse("plans:undo", args=[KURUME, JIKI, event.pk]))
    assert lines("city")[-1].text == "相談窓口を案内します。"  # back at the end
    assert client.post(move, {"direction": "sideways"}, follow=True).status_code == 200


def test_a_stale_edit_is_refused_with_both_versions():
    client = client_of("kurume-jimukyoku")
    line = lines("residents")[0]
    opened = edit_data(line, text="私が書いた文")
    ActorStatement.objects.filter(pk=line.pk).update(text="同僚が書いた文")
    response = client.post(edit_url(line), opened)
    assert response.status_code == 409
    assert "あなたが開いた後に他の人が変更しました" in response.text
    assert "同僚が書いた文" in response.text and "私が書いた文" in response.text
    assert ActorStatement.objects.get(pk=line.pk).text == "同僚が書いた文"


def test_a_deleted_line_is_audited_and_comes_back_with_undo():
    client = client_of("kurume-jimukyoku")
    line = lines("residents")[-1]
    response = client.post(reverse("plans:statement_delete", args=[KURUME, JIKI, line.pk]),
                           follow=True)
    assert "の内容を削除しました。" in response.text and "元に戻す" in response.text
    assert not ActorStatement.objects.filter(pk=line.pk).exists()
    event = AuditEvent.objects.get(action="plans.statement.delete", object_id=str(line.pk))
    assert event.after is None and (event.before or {})["text"] == line.text
    client.post(reverse("plans:undo", args=[KURUME, JIKI, event.pk]))
    assert ActorStatement.objects.get(pk=line.pk).text == line.text


def test_an_element_has_its_own_page_of_statements():
    plan = jiki()
    element = plan.elements.order_by("order", "pk").first()
    assert element is not None
    client = client_of("kurume-jimukyoku")
    url = reverse("plans:statements_edit", args=[KURUME, JIKI, element.pk])
    page = client.get(url)
    assert page.status_code == 200 and "主体ごとの取組を追加" in page.text
    residents = lines("residents")[0].actor
    client.post(url, {"actor": residents.pk, "text": "地域の行事に参加します。"})
    assert ActorStatement.objects.filter(element=element, text="地域の行事に参加します。").exists()
    public = Client().get(element.get_absolute_url()).text
    assert "地域の行事に参加します。" in public and residents.label in public


def test_the_initiative_page_groups_lines_by_actor():
    page = client_of("kurume-jimukyoku").get(
        reverse("plans:initiative_edit", args=[KURUME, JIKI, tsunagari().pk])).text
    assert page.index("地域住民等ができること") < page.index("久留米市社会福祉協議会が取り組むこと")
    assert "この主体の内容を変更できるのは、その策定主体の事務局です。" in page  # the 社協's block


@pytest.mark.parametrize("username", ["kurume-tanto", "kurume-iin", "kurume-etsuran",
                                      "omitama-jimukyoku", None])
def test_others_change_nothing(username: str | None):
    client = client_of(username) if username else Client()
    line = lines("residents")[0]
    response = client.post(edit_url(line), edit_data(line, text="乗っ取り"))
    assert response.status_code in {302, 403, 404}
    response = client.post(reverse("plans:statement_delete", args=[KURUME, JIKI, line.pk]))
    assert response.status_code in {302, 403, 404}
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    assert ActorStatement.objects.get(pk=line.pk).text == line.text
