"""Refused requests and failed sign-ins are written to the `sasaeai.security` log."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.testing import PASSWORD, World, build_review

pytestmark = pytest.mark.django_db


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "sasaeai.security"]


def test_a_refused_write_is_logged_with_who_and_where(world: World, caplog):
    review = build_review(world)
    tanaka = Client()
    tanaka.force_login(world.tanaka)
    url = reverse("progress:cycle_move", args=["479001", "dai3ji", review.cycle.pk])
    with caplog.at_level(logging.INFO, logger="sasaeai.security"):
        assert tanaka.post(url, {"to": "compiling", "version": 1}).status_code == 403
    [line] = messages(caplog)
    assert line.startswith(f"拒否 403 POST {url} by user={world.tanaka.pk}:tanaka")
    assert "福祉課(担当)" in line


def test_a_hidden_plan_asked_for_by_the_public_is_logged_as_anonymous(world: World, caplog):
    with caplog.at_level(logging.INFO, logger="sasaeai.security"):
        assert Client().get("/479001/dai4ji/").status_code == 404
    assert messages(caplog) == ["拒否または不存在 404 GET /479001/dai4ji/ by 匿名"]


def test_an_api_key_asking_for_another_citys_draft_is_logged_with_its_holder(world: World,
                                                                             caplog):
    from sasaeai.accounts.actions import create_api_token

    _token, key = create_api_token(by=world.ito, name="集計用")
    with caplog.at_level(logging.INFO, logger="sasaeai.security"):
        response = Client().get("/api/plans/479019/dai2ji",
                                headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 404
    [line] = messages(caplog)
    assert f"user={world.ito.pk}:ito" in line and "/api/plans/479019/dai2ji" in line
    assert key not in line


def test_a_failed_sign_in_logs_the_name_tried_and_never_the_password(world: World, caplog):
    with caplog.at_level(logging.INFO, logger="sasaeai.security"):
        Client().post(reverse("accounts:login"),
                      {"username": "sato", "password": PASSWORD + "x"})
    assert any(m.startswith("ログイン失敗 username='sato'") for m in messages(caplog))
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)

