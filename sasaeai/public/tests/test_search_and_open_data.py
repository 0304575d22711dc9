"""Search across a plan, and the open-data twins of its tables."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.plans.models import Challenge
from sasaeai.progress import actions
from sasaeai.testing import ActorStatementFactory, World, build_review

pytestmark = pytest.mark.django_db


def search(client: Client, code: str, slug: str, q: str):
    return client.get(reverse("public:search", args=[code, slug]), {"q": q})


def test_a_resident_finds_what_each_actor_does_across_kurumes_plan():
    response = search(Client(), "402036", "jiki", "見守り")
    assert response.status_code == 200
    labels = [g.label for g in response.context["groups"]]
    assert "主体ごとの取組" in labels
    assert "<mark>見守り</mark>" in response.text
    # Every word must be there: two words narrow the result.
    wide = response.context["count"]
    narrow = search(Client(), "402036", "jiki", "見守り 支え").context["count"]
    assert 0 < narrow <= wide


def test_found_text_is_escaped_and_unpublished_reports_stay_hidden(world: World):
    review = build_review(world)
    ActorStatementFactory.create(actor__plan=world.published,
                                 text="<script>alert(1)</script>見守りネットワーク")
    entry = review.entry(review.watch, review.dept)
    actions.save_entry(by=world.sato, entry=entry, data={"progress": "見守り訪問を120件行った"},
                       expected_version=entry.version)
    public = search(Client(), "479001", "dai3ji", "見守り")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>見守り</mark>" in public.text
    assert "<script>alert(1)" not in public.text
    assert "見守り訪問を120件" not in public.text  # a cycle still 入力中
    sato = Client()
    sato.force_login(world.sato)
    assert "<mark>見守り</mark>訪問を120件行った" in search(sato, "479001", "dai3ji", "見守り").text
    assert search(Client(), "479001", "dai4ji", "見守り").status_code == 404


def rows_of(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_indicator_table_has_a_csv_twin_with_its_source_and_licence():
    response = Client().get(reverse("indicators:table", args=["082368", "dai3ji"]),
                            {"export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = rows_of(response.content)
    assert rows[0][:4] == ["基本目標", "指標名", "単位", "望ましい方向"]
    assert rows[0][-2:] == ["出典", "ライセンス"]
    assert len(rows) == 11
    drill = next(r for r in rows if r[1] == "地域の防災訓練に参加していると回答した割合")
    assert drill[4:7] == ["9.0%", "9", "平成27年（2015年）"]
    assert drill[13] == "横ばい" and drill[-1].startswith("CC BY 4.0")
    assert "小美玉市「第3次小美玉市地域福祉計画」成果指標" in drill[-2]


def test_the_challenges_have_a_csv_twin_and_formula_like_text_stays_text(world: World):
    Challenge.objects.create(plan=world.published, number_label="1", title="=HYPERLINK(\"x\")")
    response = Client().get(reverse("plans:challenges", args=["479001", "dai3ji"]),
                            {"export": "csv"})
    rows = rows_of(response.content)
    assert rows[1][1] == "'=HYPERLINK(\"x\")"
    kurume = rows_of(Client().get(reverse("plans:challenges", args=["402036", "jiki"]),
                                  {"export": "csv"}).content)
    assert len({r[1] for r in kurume[1:]}) == 8  # the 8 課題, one row per piece of evidence


def test_what_each_actor_does_has_a_csv_twin_on_initiative_pages():
    from sasaeai.plans.models import Initiative

    initiative = Initiative.objects.filter(plan__municipality__code="402036",
                                           plan__slug="jiki").order_by("order", "id").first()
    assert initiative is not None
    rows = rows_of(Client().get(initiative.get_absolute_url(), {"export": "csv"}).content)
    assert rows[0][:3] == ["項目・取組", "主体", "自助・共助・公助"]
    assert {r[1] for r in rows[1:]} >= {"地域住民等ができること"}
    assert all(r[0].endswith(initiative.title) for r in rows[1:])


def test_the_plan_list_and_the_cycle_list_have_csv_twins_showing_only_what_is_public(world):
    plans = rows_of(Client().get(reverse("tenancy:municipality", args=["479001"]),
                                 {"export": "csv"}).content)
    assert [r[0] for r in plans[1:]] == ["第3次ささえ市地域福祉計画"]  # not the draft
    build_review(world)
    cycles = rows_of(Client().get(reverse("progress:cycles", args=["479001", "dai3ji"]),
                                  {"export": "csv"}).content)
    assert cycles[1:] == []  # 入力中 is not public
    sato = Client()
    sato.force_login(world.sato)
    mine = rows_of(sato.get(reverse("progress:cycles", args=["479001", "dai3ji"]),
                            {"export": "csv"}).content)
    assert [r[5] for r in mine[1:]] == ["入力中"]
    shimotsuke = rows_of(Client().get(reverse("progress:cycles", args=["092169", "dai2ki"]),
                                      {"export": "csv"}).content)
    assert [r[5] for r in shimotsuke[1:]] == ["公開"]


def test_a_published_cycle_lists_its_reports_as_csv():
    from sasaeai.progress.models import Cycle

    cycle = Cycle.objects.get(plan__municipality__code="092169", status="published")
    rows = rows_of(Client().get(cycle.get_absolute_url(), {"export": "csv"}).content)
    assert rows[0][:3] == ["取組", "組織", "状態"]
    assert len(rows) > 20 and {r[1] for r in rows[1:]} == {"下野市", "社協"}
