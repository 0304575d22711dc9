"""The benchmark's dataset generator, at its tiny size on the test database: the same seed gives
the same rows, the counts and shapes are those documented, and the rows are valid enough that
the pages render."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from bench.national import (
    END_FY,
    PREFECTURES,
    SEED,
    SIZES,
    SLUG,
    Writer,
    build_municipality,
    generate,
    places,
)
from sasaeai.accounts.models import Membership, User
from sasaeai.indicators.models import Indicator, Observation, Target
from sasaeai.plans.models import ActorStatement, Initiative, Plan, PlanElement
from sasaeai.progress.models import Cycle, Entry, Opinion
from sasaeai.tenancy.models import Municipality, Organization, validate_lg_code


def test_the_national_list_is_every_municipality_once():
    national = places()
    assert len(national) == SIZES["national"] == sum(n for _, n in PREFECTURES) == 1741
    assert len({p.code for p in national}) == 1741
    for place in national[:100]:
        validate_lg_code(place.code)
    assert Counter(p.prefecture for p in national)["東京都"] == 62
    assert sum(1 for p in national if p.kind == "区") == 23
    # A size is a prefix: the small size is one municipality of each prefecture.
    assert len({p.prefecture for p in national[:SIZES["small"]]}) == 47
    assert places() == national  # deterministic


def _rows(seed: int) -> dict[str, list[tuple[object, ...]]]:
    writer = Writer(connection)
    build_municipality(writer, places(seed)[0], seed)
    return {name: list(table.rows) for name, table in writer.t.items()}


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows():
    first, again = _rows(SEED), _rows(SEED)
    assert first == again
    other = _rows(SEED + 1)
    assert other["Initiative"] != first["Initiative"]
    assert len(first["Entry"]) > 600


@pytest.mark.django_db
def test_the_tiny_size_has_the_documented_counts_and_shapes():
    result = generate("tiny")
    assert result["municipalities"] == 2
    codes = [p.code for p in places()[:2]]
    assert set(Municipality.objects.filter(code__in=codes).values_list("code", flat=True)) == set(codes)
    for code in codes:
        plan = Plan.objects.get(municipality__code=code, slug=SLUG)
        orgs = Organization.objects.filter(municipality=plan.municipality)
        assert sorted(orgs.values_list("kind", flat=True)) == ["city", "committee", "department",
                                                               "shakyo"]
        assert plan.status == Plan.Status.PUBLISHED
        assert PlanElement.objects.filter(plan=plan, parent__isnull=True).count() == 3
        initiatives = Initiative.objects.filter(plan=plan).count()
        assert 48 <= initiatives <= 72
        assert Indicator.objects.filter(plan=plan).count() == 15
        assert Observation.objects.filter(indicator__plan=plan).count() == 15 * 7
        assert Target.objects.filter(indicator__plan=plan).count() == 15
        cycles = Cycle.objects.filter(plan=plan)
        assert cycles.count() == 6
        assert cycles.filter(status=Cycle.Status.PUBLISHED).count() == 5
        entries = Entry.objects.filter(cycle__plan=plan)
        assert entries.count() == 6 * initiatives * 2
        assert entries.values("organization").distinct().count() == 2
        open_cycle = cycles.get(fiscal_year=END_FY)
        assert open_cycle.status == Cycle.Status.COLLECTING
        assert {e.status for e in open_cycle.entries.all()} >= {"not_started", "submitted"}
        # Each report of a later year is prefilled from the same report the year before.
        assert entries.filter(prefilled_from__isnull=False).count() == 5 * initiatives * 2
        assert Membership.objects.filter(organization__municipality=plan.municipality).count() == 4
    assert result["counts"]["progress_entry"] == Entry.objects.filter(
        cycle__plan__municipality__code__in=codes).count()


@pytest.mark.django_db
def test_the_rows_are_valid_and_the_pages_render():
    generate("tiny")
    code = places()[0].code
    plan = Plan.objects.select_related("municipality").get(municipality__code=code, slug=SLUG)
    samples = [plan.municipality, plan, *Organization.objects.filter(municipality=plan.municipality),
               *PlanElement.objects.filter(plan=plan)[:5], *Initiative.objects.filter(plan=plan)[:5],
               *ActorStatement.objects.filter(plan=plan)[:5],
               *Indicator.objects.filter(plan=plan)[:3],
               *Observation.objects.filter(indicator__plan=plan)[:10],
               *Target.objects.filter(indicator__plan=plan)[:3],
               *Cycle.objects.filter(plan=plan), *Entry.objects.filter(cycle__plan=plan)[:20],
               *Opinion.objects.filter(cycle__plan=plan)[:2]]
    for obj in samples:
        try:
            obj.full_clean()
        except ValidationError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{type(obj).__name__} {obj.pk}: {exc}")

    public = Client()
    assert public.get(f"/{code}/{SLUG}/").status_code == 200
    assert public.get(f"/{code}/{SLUG}/indicators/").status_code == 200
    staff = Client()
    staff.force_login(User.objects.get(username=f"b{code}-jimukyoku"))
    cycle = Cycle.objects.get(plan=plan, fiscal_year=END_FY)
    for url in (f"/{code}/{SLUG}/", f"/{code}/{SLUG}/cycles/{cycle.pk}/",
                f"/{code}/{SLUG}/cycles/{cycle.pk}/summary/"):
        response = staff.get(url)
        assert response.status_code in {200, 302}, url
        if response.status_code == 302:  # a second factor asked of the 事務局 is not ours
            assert "login" not in response["Location"], url
