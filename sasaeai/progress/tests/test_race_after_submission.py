"""A submit and seven saves sent at the same moment, the saves carrying the version number the
submit will produce (as a double click or a script would): once the submit has committed, no save
may change the entry. The same for an accepted entry. PostgreSQL only (SQLite serialises every
write, so no race can happen there)."""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from sasaeai.progress import actions
from sasaeai.progress.models import Entry
from sasaeai.testing import Review, build_review, build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="PostgreSQL の回（.ci/run の2回目）で実行します"),
]

SAVES, TRIALS = 7, 7


def fresh(review: Review, pk: int) -> Entry:
    entry = Entry.objects.get(pk=pk)
    entry.cycle = review.cycle
    return entry


def race(first: Callable[[], object], saves: list[Callable[[], object]]) -> list[BaseException]:
    """Start every call at once; return what each thread raised (refusals are expected)."""
    calls = [first, *saves]
    barrier = threading.Barrier(len(calls))
    raised: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:
            with lock:
                raised.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return raised


def save_by(review: Review, loaded: Entry, version: int, text: str) -> Callable[[], object]:
    """A save as the page sends it: on the entry as loaded before the race (still editable
    then), with the version number the other action is about to produce."""
    def call() -> object:
        entry = Entry.objects.get(pk=loaded.pk)
        entry.status = loaded.status
        entry.cycle = review.cycle
        return actions.save_entry(by=review.world.tanaka, entry=entry,
                                  data={"progress": text}, expected_version=version)
    return call


def test_it_changes_no_entry_after_its_submission_however_saves_race_the_submit():
    review = build_review(build_world())
    sato, tanaka = review.world.sato, review.world.tanaka
    entry = review.entry(review.watch, review.dept)
    changed: list[str] = []
    for trial in range(TRIALS):
        written = f"見守り訪問を実施しました（{trial}回目）。"
        before = fresh(review, entry.pk)
        actions.save_entry(by=tanaka, entry=before, data={"progress": written},
                           expected_version=before.version)
        draft = fresh(review, entry.pk)
        def submit(d: Entry = draft) -> object:
            return actions.submit_entry(by=tanaka, entry=d, expected_version=d.version)

        raised = race(
            submit,
            [save_by(review, draft, draft.version + 1, f"提出後の書換え{trial}-{n}")
             for n in range(SAVES)],
        )
        assert all(isinstance(e, (PermissionDenied, actions.EntryConflict)) for e in raised), raised
        final = fresh(review, entry.pk)
        assert final.status == Entry.Status.SUBMITTED  # the submit came first or won the lock
        if final.progress != written:
            changed.append(final.progress)
        # Returned, the entry is editable again for the next trial.
        actions.return_entry(by=sato, entry=final, comment="次の試行のため差し戻します。",
                             expected_version=final.version)
    assert changed == []


def test_it_changes_no_accepted_entry_however_saves_race_the_acceptance():
    review = build_review(build_world())
    sato = review.world.sato
    loaded_as_draft = review.entry(review.watch, review.dept)
    review.submit([review.entry(review.watch, review.dept)], "見守り訪問を実施しました。")
    submitted = fresh(review, loaded_as_draft.pk)
    accepted_version = submitted.version + 1
    raised = race(
        lambda: actions.accept_entry(by=sato, entry=submitted, expected_version=submitted.version),
        [save_by(review, loaded_as_draft, accepted_version, f"確認後の書換え{n}")
         for n in range(SAVES)],
    )
    assert len(raised) == SAVES  # every save refused, the acceptance went through
    assert all(isinstance(e, (PermissionDenied, actions.EntryConflict)) for e in raised), raised
    final = Entry.objects.get(pk=submitted.pk)
    assert (final.status, final.progress, final.version) == (
        Entry.Status.ACCEPTED, "見守り訪問を実施しました。", accepted_version)
