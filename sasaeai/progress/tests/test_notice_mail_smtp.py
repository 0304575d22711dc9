"""A returned report's e-mail, delivered through a real SMTP server (aiosmtpd on a free loopback
port, started and stopped by the test) as production sends it: SMTP backend, UTF-8 Japanese."""

from __future__ import annotations

import pytest
from django.test import override_settings

from sasaeai.accounts.models import User
from sasaeai.notices.models import Notice
from sasaeai.plans.models import Plan
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle
from sasaeai.testing_smtp import free_port, smtp_mailers

pytestmark = pytest.mark.django_db


def test_a_returned_report_reaches_the_organization_through_smtp(
        smtp_server, django_capture_on_commit_callbacks):
    inbox, port = smtp_server
    sato = User.objects.get(username="omitama-jimukyoku")
    suzuki = User.objects.get(username="omitama-shakyo")
    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    cycle = actions.create_cycle(by=sato, plan=plan, fiscal_year=2024)
    with django_capture_on_commit_callbacks(execute=True):  # the opening's mails (locmem)
        cycle = actions.move_cycle(by=sato, cycle=cycle, to=Cycle.Status.COLLECTING,
                                   expected_version=cycle.version)
    entry = cycle.entries.filter(organization__name="小美玉市社会福祉協議会").order_by("pk").first()
    assert entry is not None
    entry.cycle = cycle
    entry = actions.save_entry(by=suzuki, entry=entry, data={"progress": "サロンを12回開きました。"},
                               expected_version=entry.version)
    entry.cycle = cycle
    entry = actions.submit_entry(by=suzuki, entry=entry, expected_version=entry.version)
    with override_settings(MAILERS=smtp_mailers(port)), \
            django_capture_on_commit_callbacks(execute=True):
        actions.return_entry(by=sato, entry=entry, comment="参加人数を記入してください。",
                             expected_version=entry.version)
    assert len(inbox.received) == 1
    parsed, body = inbox.parsed()
    assert parsed["To"] == "omitama-shakyo@demo.sasaeai.invalid"
    assert str(parsed["Subject"]).startswith("【差戻し】報告「")
    assert "差戻しの理由：参加人数を記入してください。" in body
    assert f"http://127.0.0.1:8000{entry.get_absolute_url()}" in body
    assert Notice.objects.get(recipient=suzuki, kind=Notice.Kind.RETURNED).mailed


def test_a_mail_server_that_is_down_loses_no_notice(django_capture_on_commit_callbacks, caplog):
    """The write stands and the notice waits on the task page, marked as not mailed."""
    from sasaeai.notices.delivery import send

    suzuki = User.objects.get(username="omitama-shakyo")
    with override_settings(MAILERS=smtp_mailers(free_port(), timeout=2)), \
            django_capture_on_commit_callbacks(execute=True):
        notice, = send(to=[suzuki], kind=Notice.Kind.RETURNED, subject="【差戻し】テスト",
                       body="差戻しの理由：確認を", url="/tasks/")
    notice.refresh_from_db()
    assert not notice.mailed
    assert "お知らせのメールを送れませんでした" in caplog.text
