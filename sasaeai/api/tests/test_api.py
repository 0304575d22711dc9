"""The read API sees what the caller would see in the browser: the public without a key, the
key holder's municipality with one; a revoked key is refused."""

import json

import pytest
from django.test import Client

from sasaeai.accounts.actions import create_api_token, revoke_api_token
from sasaeai.accounts.models import ApiToken
from sasaeai.audit.models import AuditEvent
from sasaeai.testing import World, build_review

pytestmark = pytest.mark.django_db


def get(path: str, key: str = "") -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = Client().get(path, headers=headers)
    return response.status_code, json.loads(response.content)


def test_the_public_sees_published_plans_and_published_cycles_only(world: World):
    build_review(world)  # 入力中
    status, body = get("/api/municipalities/479001/plans")
    assert status == 200 and [p["slug"] for p in body["items"]] == ["dai3ji"]
    assert get("/api/plans/479001/dai4ji")[0] == 404
    assert get("/api/plans/479001/dai3ji/cycles")[1]["items"] == []
    status, body = get("/api/plans/092169/dai2ki/cycles")
    assert [c["status"] for c in body["items"]] == ["published"]
    cycle = body["items"][0]["id"]
    status, detail = get(f"/api/plans/092169/dai2ki/cycles/{cycle}")
    assert status == 200 and len(detail["entries"]) > 0


def test_a_key_sees_what_its_holder_sees_in_the_browser(world: World):
    review = build_review(world)
    _token, key = create_api_token(by=world.sato, name="集計用")
    _status, body = get("/api/municipalities/479001/plans", key)
    assert {p["slug"] for p in body["items"]} == {"dai3ji", "dai4ji"}
    assert get("/api/plans/479001/dai3ji/cycles", key)[1]["items"][0]["id"] == review.cycle.pk
    # Another municipality's drafts stay hidden, with or without a key.
    assert get("/api/plans/479019/dai2ji", key)[0] == 404


def test_a_wrong_or_revoked_key_is_refused_in_japanese(world: World):
    token, key = create_api_token(by=world.sato, name="集計用")
    assert get("/api/municipalities", key)[0] == 200
    revoke_api_token(by=world.sato, token=token)
    status, body = get("/api/municipalities", key)
    assert status == 401 and body["detail"] == "APIキーが正しくないか、無効にされています。"
    assert get("/api/municipalities", "sas_wrong")[0] == 401


def test_lists_are_paged_with_a_capped_limit():
    status, body = get("/api/plans/402036/jiki/statements?limit=200")
    assert status == 200 and len(body["items"]) == min(200, body["count"])
    status, body = get("/api/plans/402036/jiki/statements?limit=100000")
    assert status == 422 and "limit は1〜200" in body["detail"]
    status, body = get("/api/municipalities?offset=10453784856372220788736")
    assert status == 422 and "offset は0〜1000000" in body["detail"]
    indicators = get("/api/plans/082368/dai3ji/indicators")[1]["items"]
    drill = next(i for i in indicators if i["name"] == "地域の防災訓練に参加していると回答した割合")
    assert drill["judgement"]["label"] and drill["observations"][0]["verbatim"]


def test_the_profile_page_makes_a_key_shows_it_once_and_revokes_it(world: World):
    client = Client()
    client.force_login(world.sato)
    response = client.post("/accounts/profile/tokens/", {"name": "集計用スクリプト"})
    key = response.context["new_key"]
    assert key.startswith("sas_") and key in response.text
    assert "今すぐ控えてください" in response.text
    assert key not in client.get("/accounts/profile/").text  # never shown again
    token = ApiToken.objects.get(user=world.sato)
    assert token.secret_hash != key and key not in json.dumps(
        list(AuditEvent.objects.values("before", "after", "note")), ensure_ascii=False)
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = Client()
    other.force_login(world.tanaka)
    assert other.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post("/accounts/profile/tokens/", {"name": ""}).status_code == 400
