"""Concurrency drill on PostgreSQL: 20 writers × 50 rounds save the same entry through the action
the pages use. No update is lost (no two saves succeed from the same version), every refusal is
reported to its writer (EntryConflict), and the entry's history holds exactly the saves that
succeeded, in version order."""

import threading

import pytest
from django.db import connection, connections

from sasaeai.progress import actions
from sasaeai.progress.models import Entry, EntryVersion
from sasaeai.testing import build_review, build_world

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS, ROUNDS = 20, 50


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="PostgreSQL の回（.ci/run の2回目）で実行します")
def test_twenty_writers_lose_no_update():
    review = build_review(build_world())
    entry = review.entry(review.watch, review.dept)
    sato, cycle = review.world.sato, review.cycle
    start_version = entry.version
    successes: list[tuple[int, str]] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for round_ in range(ROUNDS):
                current = Entry.objects.get(pk=entry.pk)
                current.cycle = cycle
                text = f"writer {number} round {round_}"
                try:
                    actions.save_entry(by=sato, entry=current, data={"progress": text},
                                       expected_version=current.version)
                except actions.EntryConflict:
                    with lock:
                        refusals.append(text)
                else:
                    with lock:
                        successes.append((current.version, text))
        except BaseException as exc:  # reported below: a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert errors == []
    assert len(successes) + len(refusals) == WRITERS * ROUNDS
    based_on = [version for version, _ in successes]
    assert len(based_on) == len(set(based_on))  # never two saves from the same version
    final = Entry.objects.get(pk=entry.pk)
    assert final.version == start_version + len(successes)
    saved = list(EntryVersion.objects.filter(entry=final, action="save").order_by("number")
                 .values_list("content", flat=True))
    assert [c["progress"] for c in saved] == [t for _, t in sorted(successes)]
    assert final.progress == max(successes)[1]
    assert refusals  # the drill did make writers collide
