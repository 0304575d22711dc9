"""Plans in and out through the browser: downloads for whoever may see the plan, uploads for the
事務局 only, each previewed before anything is saved."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sasaeai.exchange import workbook
from sasaeai.exchange.planimport import check_document
from sasaeai.exchange.planjson import export_plan
from sasaeai.exchange.tests.test_planupdate import edited, omitama
from sasaeai.plans.models import Plan
from sasaeai.testing import World, build_review

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user)
    return client


def test_anyone_who_may_see_a_plan_downloads_its_public_file(world: World):
    review = build_review(world)  # a cycle still 入力中
    url = reverse("exchange:plan_json", args=["479001", "dai3ji"])
    public = json.loads(Client().get(url).content)
    assert public["format"] == "sasaeai-plan" and public["cycles"] == []
    assert public["licence"].startswith("CC BY 4.0") and public["publisher"].startswith("ささえ市")
    assert check_document(public) == []
    full = json.loads(client_for(world.sato).get(url).content)
    assert [c["fiscal_year"] for c in full["cycles"]] == [review.cycle.fiscal_year]
    assert json.loads(client_for(world.tanaka).get(url).content)["cycles"] == []
    assert Client().get(reverse("exchange:plan_json", args=["479001", "dai4ji"])).status_code == 404
    response = Client().get(reverse("exchange:plan_workbook", args=["479001", "dai3ji"]))
    assert response.status_code == 200 and response["Content-Type"] == workbook.XLSX_TYPE
    page = Client().get(reverse("plans:plan", args=["479001", "dai3ji"])).text
    assert "計画ファイル（JSON、ささえあいの計画ファイル形式）" in page


def upload(client: Client, name: str, data: bytes, **fields):
    return client.post(reverse("exchange:import", args=["082368"]), {
        "file": SimpleUploadedFile(name, data), **fields})


def sato_of_omitama() -> Client:
    from sasaeai.accounts.models import User

    return client_for(User.objects.get(username="omitama-jimukyoku"))


def test_a_plan_file_becomes_a_new_plan_after_the_preview():
    client = sato_of_omitama()
    data = json.dumps(export_plan(omitama()), ensure_ascii=False).encode()
    response = upload(client, "omitama.json", data, target="new", slug="dai3ji-copy")
    assert response.status_code == 200
    assert "新しい計画「第3次小美玉市地域福祉計画」（URL名 dai3ji-copy）を登録します" in response.text
    assert not Plan.objects.filter(slug="dai3ji-copy").exists()
    confirm = client.post(reverse("exchange:import_confirm", args=["082368"]),
                          {"token": response.context["token"]})
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji-copy")
    assert confirm["Location"] == plan.get_absolute_url()
    assert plan.indicators.count() == 10


def test_an_edited_file_updates_the_plan_after_listing_the_changes():
    client = sato_of_omitama()
    plan = omitama()
    data = json.dumps(edited(), ensure_ascii=False).encode()
    response = upload(client, "edited.json", data, target=str(plan.pk))
    assert "を更新します：追加2件・変更2件・ファイルになく残すもの1件" in response.text
    assert "指標「地区の防災訓練の実施回数」" in response.text
    client.post(reverse("exchange:import_confirm", args=["082368"]),
                {"token": response.context["token"]})
    assert plan.indicators.filter(name="地区の防災訓練の実施回数").exists()


def test_a_bad_file_lists_its_problems_and_saves_nothing():
    client = sato_of_omitama()
    document = export_plan(omitama())
    document["plan"]["kind"] = "national"
    response = upload(client, "bad.json", json.dumps(document).encode(), target="new",
                      slug="bad")
    assert response.status_code == 400
    assert "plan／kind：「national」は使えません" in response.text
    response = upload(client, "bad.json", b"{", target="new", slug="bad")
    assert "計画ファイル（JSON）として読めません" in response.text
    response = upload(client, "bad.xlsx", b"not a workbook", target="new", slug="bad")
    assert response.status_code == 400 and "Excel" in response.text
    assert not Plan.objects.filter(slug="bad").exists()


# ささえ市 is public (it has a published plan): whoever sees it but may not import is told so
# (403), rather than shown a page that does not exist.
@pytest.mark.parametrize(("persona", "status"), [
    ("担当課の田中", 403), ("委員の高橋", 403), ("閲覧の伊藤", 403), ("他市の職員", 403),
    ("匿名の市民", 302),
])
def test_only_the_secretariat_reaches_the_upload(world: World, persona, status):
    client = client_for(world.personas()[persona])
    data = json.dumps(export_plan(world.published)).encode()
    for method, name in (("get", "exchange:import"), ("get", "exchange:template"),
                         ("post", "exchange:import"), ("post", "exchange:import_confirm")):
        url = reverse(name, args=["479001"])
        response = getattr(client, method)(url, {"file": SimpleUploadedFile("p.json", data),
                                                 "target": "new", "slug": "x", "token": "t"})
        assert response.status_code == status, (persona, name, method)
    assert not Plan.objects.filter(slug="x").exists()
