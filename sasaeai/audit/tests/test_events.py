"""An audit event says who acted, as what, on what, with before and after."""

import pytest

from sasaeai.audit.models import AuditEvent
from sasaeai.progress import actions
from sasaeai.testing import World, build_review

pytestmark = pytest.mark.django_db


def test_an_audit_event_names_who_acted_with_their_organization_and_role(world: World):
    review = build_review(world)
    entry = review.entry(review.watch, review.dept)
    actions.save_entry(by=world.tanaka, entry=entry, data={"progress": "実施しました。"},
                       expected_version=entry.version)
    saved = AuditEvent.objects.filter(action__startswith="progress.entry").latest("pk")
    assert saved.actor == world.tanaka
    assert saved.actor_label == "担当課の田中（福祉課・担当）"
    assert saved.organization == "福祉課"
    assert saved.before is not None and saved.after is not None
    assert saved.after["progress"] == "実施しました。"
