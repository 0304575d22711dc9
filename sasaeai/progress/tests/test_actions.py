"""The yearly cycle as the 事務局, a 担当課, the 社協 and a 委員 live it, through the actions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sasaeai.audit.models import AuditEvent
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry, EntryVersion, Opinion
from sasaeai.testing import Review

pytestmark = pytest.mark.django_db
S = Cycle.Status


def fill(review: Review, org, initiative, text: str, *, by=None) -> Entry:
    entry = review.entry(initiative, org)
    user = by or (review.world.tanaka if org == review.dept else review.world.suzuki)
    saved = actions.save_entry(by=user, entry=entry, data={"progress": text},
                               expected_version=entry.version)
    saved.cycle = review.cycle
    return actions.submit_entry(by=user, entry=saved, expected_version=saved.version)


def test_it_creates_one_entry_per_initiative_and_responsible_organization(review: Review):
    entries = Entry.objects.filter(cycle=review.cycle)
    assert entries.count() == 4
    assert {e.status for e in entries} == {Entry.Status.NOT_STARTED}
    assert all(e.versions.count() == 1 for e in entries)


def test_it_refuses_a_second_cycle_for_the_same_year(review: Review):
    with pytest.raises(ValidationError, match="既にあります"):
        actions.create_cycle(by=review.world.sato, plan=review.cycle.plan, fiscal_year=2024)


def test_it_lets_tanaka_write_only_his_departments_entries(review: Review):
    own = review.entry(review.watch, review.dept)
    saved = actions.save_entry(by=review.world.tanaka, entry=own,
                               data={"progress": "見守り訪問を延べ120件行いました。"},
                               expected_version=own.version)
    assert saved.status == Entry.Status.DRAFT and saved.version == 2
    other = review.entry(review.watch, review.shakyo)
    with pytest.raises(PermissionDenied):
        actions.save_entry(by=review.world.tanaka, entry=other, data={"progress": "上書き"},
                           expected_version=other.version)
    other.refresh_from_db()
    assert other.progress == "" and other.version == 1


def test_it_refuses_the_second_of_two_concurrent_saves_and_keeps_the_first(review: Review):
    entry = review.entry(review.watch, review.dept)
    stale_version = entry.version
    actions.save_entry(by=review.world.tanaka, entry=entry, data={"progress": "田中の入力"},
                       expected_version=stale_version)
    with pytest.raises(actions.EntryConflict) as conflict:
        actions.save_entry(by=review.world.sato, entry=entry, data={"progress": "佐藤の入力"},
                           expected_version=stale_version)
    current = conflict.value.current
    assert isinstance(current, Entry) and current.progress == "田中の入力"
    entry.refresh_from_db()
    assert entry.progress == "田中の入力"


def test_it_matches_look_alike_rating_marks_and_keeps_what_was_typed(review: Review):
    entry = review.entry(review.watch, review.dept)
    for typed in ["Ｃ", "Ⅽ", " c "]:
        entry = actions.save_entry(by=review.world.tanaka, entry=entry,
                                   data={"self_rating": typed}, expected_version=entry.version)
        entry.cycle = review.cycle
        assert (entry.self_rating, entry.self_rating_verbatim) == ("C", typed.strip())
    with pytest.raises(ValidationError, match="「E」は評価の尺度（A・B・C・D）にありません"):
        actions.save_entry(by=review.world.tanaka, entry=entry, data={"self_rating": "E"},
                           expected_version=entry.version)


def test_it_needs_a_progress_text_before_submitting(review: Review):
    entry = review.entry(review.salon, review.dept)
    with pytest.raises(ValidationError, match="進捗状況または実績"):
        actions.submit_entry(by=review.world.tanaka, entry=entry, expected_version=entry.version)


def test_it_walks_the_whole_cycle_from_input_to_publication(review: Review):
    w = review.world
    for org in (review.dept, review.shakyo):
        for initiative in (review.watch, review.salon):
            fill(review, org, initiative, f"{org.name}の{initiative.title}の進捗")
    # The 事務局 returns one entry; 田中 corrects and resubmits it.
    returned = actions.return_entry(by=w.sato, entry=review.entry(review.watch, review.dept),
                                    comment="実績の件数を書いてください。", expected_version=3)
    assert returned.status == Entry.Status.RETURNED
    with pytest.raises(ValidationError, match="差戻し）が1件"):
        actions.move_cycle(by=w.sato, cycle=review.refresh(), to=S.COMPILING,
                           expected_version=review.cycle.version)
    fill(review, review.dept, review.watch, "見守り訪問を延べ120件行いました。")
    cycle = actions.move_cycle(by=w.sato, cycle=review.refresh(), to=S.COMPILING,
                               expected_version=review.cycle.version)
    assert set(cycle.entries.values_list("status", flat=True)) == {Entry.Status.ACCEPTED}
    cycle = actions.move_cycle(by=w.sato, cycle=cycle, to=S.REVIEWING,
                               expected_version=cycle.version)
    # The committee member writes an opinion and a rating.
    entry = review.entry(review.watch, review.dept)
    entry.cycle = cycle
    actions.rate_entry(by=w.takahashi, entry=entry, rating="Ｂ", reason="件数は増えている。",
                       expected_version=entry.version)
    opinion = actions.write_opinion(by=w.takahashi, cycle=cycle, entry=entry,
                                    text="若い世代への周知を強めてください。")
    with pytest.raises(ValidationError, match="回答のない委員会の意見が1件"):
        actions.move_cycle(by=w.sato, cycle=cycle, to=S.CONFIRMED, expected_version=cycle.version)
    opinion.cycle = cycle
    actions.respond_opinion(by=w.sato, opinion=opinion, response="SNSでの発信を始めます。",
                            expected_version=opinion.version)
    cycle = actions.move_cycle(by=w.sato, cycle=cycle, to=S.CONFIRMED,
                               expected_version=cycle.version)
    cycle = actions.move_cycle(by=w.sato, cycle=cycle, to=S.PUBLISHED,
                               expected_version=cycle.version)
    assert cycle.status == S.PUBLISHED and cycle.published_at is not None
    assert Opinion.objects.get(pk=opinion.pk).response == "SNSでの発信を始めます。"
    assert AuditEvent.objects.filter(action="progress.cycle.move").count() == 6


def test_it_freezes_a_confirmed_cycle_and_records_corrections_with_a_reason(review: Review):
    w = review.world
    for org in (review.dept, review.shakyo):
        for initiative in (review.watch, review.salon):
            fill(review, org, initiative, "実施しました。")
    cycle = review.refresh()
    for target in (S.COMPILING, S.REVIEWING, S.CONFIRMED):
        cycle = actions.move_cycle(by=w.sato, cycle=cycle, to=target,
                                   expected_version=cycle.version)
    entry = review.entry(review.watch, review.dept)
    entry.cycle = cycle
    for writer in (w.tanaka, w.sato):
        with pytest.raises(PermissionDenied):
            actions.save_entry(by=writer, entry=entry, data={"progress": "こっそり変更"},
                               expected_version=entry.version)
    with pytest.raises(PermissionDenied):
        actions.restore_version(by=w.sato, entry=entry, number=1, expected_version=entry.version)
    with pytest.raises(ValidationError, match="訂正の理由"):
        actions.correct_entry(by=w.sato, entry=entry, data={"progress": "訂正"}, reason=" ",
                              expected_version=entry.version)
    corrected = actions.correct_entry(by=w.sato, entry=entry,
                                      data={"progress": "見守り訪問を延べ112件行いました。"},
                                      reason="件数の誤記を訂正", expected_version=entry.version)
    last = corrected.versions.first()
    assert last is not None
    assert (last.action, last.reason) == (EntryVersion.Action.CORRECT, "件数の誤記を訂正")
    assert corrected.status == Entry.Status.ACCEPTED
    with pytest.raises(ValidationError, match="進められません"):
        actions.move_cycle(by=w.sato, cycle=cycle, to=S.REVIEWING, expected_version=cycle.version)


def test_it_restores_an_earlier_version_and_records_the_restore(review: Review):
    w = review.world
    entry = review.entry(review.watch, review.dept)
    first = actions.save_entry(by=w.tanaka, entry=entry, data={"progress": "最初の文章"},
                               expected_version=entry.version)
    first.cycle = review.cycle
    second = actions.save_entry(by=w.tanaka, entry=first, data={"progress": "書き直した文章"},
                                expected_version=first.version)
    second.cycle = review.cycle
    with pytest.raises(PermissionDenied):
        actions.restore_version(by=w.tanaka, entry=second, number=2,
                                expected_version=second.version)
    restored = actions.restore_version(by=w.sato, entry=second, number=2,
                                       expected_version=second.version)
    assert restored.progress == "最初の文章"
    assert [v.action for v in restored.versions.all()][:3] == ["restore", "save", "save"]
    assert AuditEvent.objects.filter(action="progress.entry.restore",
                                     object_id=str(entry.pk)).exists()


def test_it_prefills_next_years_entries_from_the_confirmed_ones(review: Review):
    w = review.world
    for org in (review.dept, review.shakyo):
        for initiative in (review.watch, review.salon):
            fill(review, org, initiative, f"{initiative.title}：令和6年度の実績")
    cycle = review.refresh()
    for target in (S.COMPILING, S.REVIEWING, S.CONFIRMED):
        cycle = actions.move_cycle(by=w.sato, cycle=cycle, to=target,
                                   expected_version=cycle.version)
    following = actions.create_cycle(by=w.sato, plan=cycle.plan, fiscal_year=2025)
    entry = following.entries.get(initiative=review.watch, organization=review.dept)
    assert entry.progress == "見守り活動の推進：令和6年度の実績"
    assert entry.prefilled_from is not None and entry.prefilled_from.cycle_id == cycle.pk
    assert entry.status == Entry.Status.NOT_STARTED


def test_it_lets_only_committee_members_rate_and_only_the_secretariat_respond(review: Review):
    w = review.world
    entry = review.entry(review.watch, review.dept)
    with pytest.raises(PermissionDenied):  # not yet under review
        actions.rate_entry(by=w.takahashi, entry=entry, rating="A", reason="",
                           expected_version=entry.version)
    with pytest.raises(PermissionDenied):
        actions.write_opinion(by=w.tanaka, cycle=review.cycle, text="意見")


def test_it_reports_on_leaf_elements_by_the_owners_when_a_plan_has_no_initiatives():
    """A plan with neither 取組 nor a chosen reporting unit nor assignments (小美玉市's, before
    its demo sample): each leaf element, its 施策の方向, is reported by the city."""
    from sasaeai.accounts.models import User
    from sasaeai.plans.models import Plan

    plan = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    plan.reporting_assignments.all().delete()
    plan.reporting_level = ""
    sato = User.objects.get(username="omitama-jimukyoku")
    cycle = actions.create_cycle(by=sato, plan=plan, fiscal_year=2024)
    entries = cycle.entries.select_related("element", "organization")
    assert entries.count() == 29
    assert {e.element.level_label for e in entries if e.element is not None} == {"施策の方向"}
    assert not any(e.initiative_id for e in entries)
    assert {e.organization.name for e in entries} == {"小美玉市"}


def test_it_lets_the_secretariat_choose_the_scale_for_the_next_cycles(review: Review):
    w = review.world
    plan = review.cycle.plan
    choice = actions.choose_rating_scale(by=w.sato, plan=plan, preset="marks")
    assert choice.scale.name == "◎○△×の4段階"
    # The open cycle has no rating yet: the scale chosen after creating it applies to it.
    assert review.refresh().rating_scale == choice.scale
    following = actions.create_cycle(by=w.sato, plan=plan, fiscal_year=2025)
    assert following.rating_scale == choice.scale
    with pytest.raises(PermissionDenied):
        actions.choose_rating_scale(by=w.tanaka, plan=plan, preset="abc")
    from sasaeai.progress.scales import scale_from_preset
    from sasaeai.testing import MunicipalityFactory

    foreign = scale_from_preset(MunicipalityFactory.create(), "five")
    with pytest.raises(ValidationError, match="この自治体の尺度"):
        actions.choose_rating_scale(by=w.sato, plan=plan, scale_id=foreign.pk)
