"""しもつけ's 確定版 comes out of sasaeai as printed: every row, in order, empty cells empty."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.plans.models import Plan
from sasaeai.progress.models import Cycle
from sasaeai.progress.summaries import summary_groups

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "002_4eac9020b72afdc1.txt"


def cycle() -> Cycle:
    plan = Plan.objects.get(municipality__code="092169")
    found = Cycle.objects.select_related("plan__municipality").get(plan=plan)
    return found


def test_it_loads_the_confirmed_summary_as_a_published_final_review():
    c = cycle()
    assert (c.status, c.kind, c.fiscal_year) == ("published", "final", None)
    assert c.title == "第2期計画 事業進捗のまとめ(確定版)"
    assert c.confirmed_by is not None and c.confirmed_by.name == "第2期計画推進委員会"
    assert c.entries.count() == 28
    assert c.entries.filter(progress="").count() == 6
    assert c.entries.filter(issues="").count() == 8


def test_it_keeps_the_layout_goal_initiative_and_one_row_per_actor():
    groups = summary_groups(cycle())
    assert [g.goal.number_label for g in groups] == ["1", "2", "3"]
    assert [len(g.rows) for g in groups] == [4, 5, 5]
    for group in groups:
        for row in group.rows:
            assert [e.organization.kind for e in row.entries] == ["city", "shakyo"]


def test_it_matches_the_seed_row_by_row():
    text = SEED.read_text(encoding="utf-8")
    position = 0
    for group in summary_groups(cycle()):
        for row in group.rows:
            assert row.subject.title in text
            for entry in row.entries:
                for cell in (entry.progress, entry.issues):
                    if not cell:
                        continue
                    printed = cell.replace("\n", " ")
                    # Each cell is printed verbatim, after the previous one.
                    found = text.find(printed, position)
                    assert found >= 0, printed[:30]
                    position = found


def test_it_shows_the_summary_to_the_public_with_its_confirmation_note():
    c = cycle()
    page = Client().get(reverse("progress:summary", args=["092169", c.plan.slug, c.pk])).text
    assert "※この内容は、第2期計画推進委員会において確定したものです。" in page
    assert "しもつけふくしフェスタや三世代交流事業等の実施など" in page
    assert "非公開" not in page
