"""What one municipality's backup carries besides its plans: its people's second factors and
API keys; never the sign-in throttling's state."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.accounts.actions import create_api_token
from sasaeai.backup.backup import querysets
from sasaeai.testing import World

pytestmark = pytest.mark.django_db


def rows_of(municipality) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    return {rows.model._meta.label_lower: set(rows.values_list("pk", flat=True))
            for rows in querysets(municipality)}


def test_a_municipalitys_backup_takes_its_users_devices_and_keys_and_no_one_elses(world: World):
    for user in (world.sato, world.other):
        TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)
        device = StaticDevice.objects.create(user=user, name="回復コード")
        StaticToken.objects.create(device=device, token=f"code{user.pk:04d}")
        create_api_token(by=user, name="集計用")
    Client().post("/accounts/login/", {"username": "sato", "password": "違う"})
    assert AccessAttempt.objects.exists()
    home = rows_of(world.home)
    assert home["otp_totp.totpdevice"] == set(
        TOTPDevice.objects.filter(user=world.sato).values_list("pk", flat=True))
    assert home["otp_static.statictoken"] == set(
        StaticToken.objects.filter(device__user=world.sato).values_list("pk", flat=True))
    assert len(home["accounts.apitoken"]) == 1
    everything = rows_of(None)
    assert "axes.accessattempt" not in everything
    assert len(everything["otp_totp.totpdevice"]) == 2
