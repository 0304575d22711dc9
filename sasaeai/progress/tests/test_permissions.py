"""Every progress route × every persona × own / other organization / other municipality.

Each case names the cycle state it is tried in, the persona, and the expected answer. A denied
request changes nothing: no audit event, no new entry version, the same cycle version.
"""

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.progress import actions
from sasaeai.progress.models import Cycle, Entry, EntryVersion, Opinion
from sasaeai.testing import PlanFactory, Review

pytestmark = pytest.mark.django_db
S = Cycle.Status

PERSONAS = ["事務局の佐藤", "担当課の田中", "社協の鈴木", "委員の高橋", "閲覧の伊藤", "他市の職員",
            "匿名の市民"]
LOGIN = "login"  # anonymous writes are sent to the login page
REFUSED = "refused"  # allowed to try, refused by a rule with a Japanese message; nothing changes


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def advance(review: Review, to: str) -> Cycle:
    """Bring the review to a state, through the actions, with every entry submitted."""
    w = review.world
    cycle = review.refresh()
    if to in {S.COMPILING, S.REVIEWING, S.CONFIRMED, S.PUBLISHED}:
        review.submit(cycle.entries.all())
    order: list[str] = [S.COLLECTING, S.COMPILING, S.REVIEWING, S.CONFIRMED, S.PUBLISHED]
    for target in order[order.index(cycle.status) + 1: order.index(to) + 1]:
        cycle = actions.move_cycle(by=w.sato, cycle=cycle, to=target,
                                   expected_version=cycle.version)
    review.cycle = cycle
    return cycle


def fingerprint() -> tuple[int, int, list[int], int]:
    return (AuditEvent.objects.count(), EntryVersion.objects.count(),
            sorted(Cycle.objects.values_list("version", flat=True)), Opinion.objects.count())


def check(review: Review, persona: str, method: str, url: str, data: dict, expected) -> None:
    user = review.world.personas()[persona]
    before = fingerprint()
    client = client_for(user)
    response = getattr(client, method)(url, data)
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    elif expected == REFUSED:
        assert response.status_code == 302, (persona, url, response.status_code)
        follow = client.get(response["Location"])
        assert [m.tags for m in follow.context["messages"]] == ["error"]
    elif expected == "ok":
        assert response.status_code in {200, 302}, (persona, url, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
    else:
        assert response.status_code == expected, (persona, url, response.status_code)
    if expected != "ok":
        assert fingerprint() == before, f"{persona} {method} {url} changed data"


def urls(review: Review, entry: Entry) -> dict[str, str]:
    code, slug, c = "479001", review.cycle.plan.slug, review.cycle.pk
    return {
        "cycles": reverse("progress:cycles", args=[code, slug]),
        "cycle": reverse("progress:cycle", args=[code, slug, c]),
        "summary": reverse("progress:summary", args=[code, slug, c]),
        "entry": reverse("progress:entry", args=[code, slug, c, entry.pk]),
        "save": reverse("progress:entry_save", args=[code, slug, c, entry.pk]),
        "submit": reverse("progress:entry_submit", args=[code, slug, c, entry.pk]),
        "return": reverse("progress:entry_return", args=[code, slug, c, entry.pk]),
        "accept": reverse("progress:entry_accept", args=[code, slug, c, entry.pk]),
        "rate": reverse("progress:entry_rate", args=[code, slug, c, entry.pk]),
        "correct": reverse("progress:entry_correct", args=[code, slug, c, entry.pk]),
        "version": reverse("progress:entry_version", args=[code, slug, c, entry.pk, 1]),
        "restore": reverse("progress:entry_restore", args=[code, slug, c, entry.pk, 1]),
        "move": reverse("progress:cycle_move", args=[code, slug, c]),
        "opinion": reverse("progress:opinion_create", args=[code, slug, c]),
        "create": reverse("progress:cycle_create", args=[code, slug]),
        "workbook": reverse("progress:workbook_download", args=[code, slug, c,
                                                                entry.organization_id]),
        "upload": reverse("progress:workbook_upload", args=[code, slug, c, entry.organization_id]),
        "apply": reverse("progress:workbook_apply", args=[code, slug, c, entry.organization_id]),
        "scale": reverse("progress:scale_choose", args=[code, slug]),
        "edit": reverse("progress:cycle_edit", args=[code, slug, c]),
        "delete": reverse("progress:cycle_delete", args=[code, slug, c]),
        "waive": reverse("progress:cycle_waive", args=[code, slug, c]),
        "withdraw": reverse("progress:cycle_withdraw", args=[code, slug, c]),
    }


# While input is open, on 福祉課's entry (田中's own organization; 鈴木's other organization).
Matrix = dict[str, list[object]]

COLLECTING: Matrix = {
    # route: 佐藤, 田中, 鈴木, 高橋, 伊藤, 他市, 匿名
    "cycles": [200, 200, 200, 200, 200, 200, 200],
    "cycle": [200, 200, 200, 404, 200, 404, 404],
    "summary": [200, 404, 404, 404, 200, 404, 404],
    "entry": [200, 200, 404, 404, 200, 404, 404],
    "version": [200, 200, 404, 404, 200, 404, 404],
    "save": ["ok", "ok", 404, 404, 403, 404, LOGIN],
    "submit": [REFUSED, REFUSED, 404, 404, 403, 404, LOGIN],  # nothing written yet
    "return": [403, 403, 404, 404, 403, 404, LOGIN],
    "accept": [403, 403, 404, 404, 403, 404, LOGIN],
    "rate": [403, 403, 404, 404, 403, 404, LOGIN],
    "correct": [403, 403, 404, 404, 403, 404, LOGIN],
    "restore": ["ok", 403, 404, 404, 403, 404, LOGIN],
    "opinion": [403, 403, 403, 404, 403, 404, LOGIN],
    "create": [400, 403, 403, 403, 403, 403, LOGIN],  # 佐藤: same year again → 400, nothing made
    # 福祉課's 照会 workbook: the 事務局 and 福祉課 only.
    "workbook": [200, 200, 403, 404, 403, 404, LOGIN],
    "upload": [200, 200, 403, 404, 403, 404, LOGIN],
    "apply": [REFUSED, REFUSED, 403, 404, 403, 404, LOGIN],  # nothing uploaded to apply
    "scale": ["ok", 403, 403, 403, 403, 403, LOGIN],
    # The cycle's setup: the 事務局 only (the entry's version sent is not the cycle's: refused).
    "edit": [200, 403, 403, 404, 403, 404, LOGIN],
    "delete": [REFUSED, 403, 403, 404, 403, 404, LOGIN],
    # 「未提出のまま進める」: the 事務局 only (no report chosen here → refused with a message).
    "waive": [REFUSED, 403, 403, 404, 403, 404, LOGIN],
}


@pytest.mark.parametrize("route", COLLECTING)
@pytest.mark.parametrize("index", range(len(PERSONAS)))
def test_it_decides_every_route_while_input_is_open(review: Review, route, index):
    entry = review.entry(review.watch, review.dept)
    data = {"version": entry.version, "progress": "入力", "comment": "理由", "rating": "A",
            "reason": "理由", "text": "意見", "fiscal_year": 2024, "kind": "annual",
            "scale": "preset:abc"}
    method = ("get" if route in {"cycles", "cycle", "summary", "entry", "version", "workbook",
                                 "upload", "edit"} else "post")
    check(review, PERSONAS[index], method, urls(review, entry)[route], data,
          COLLECTING[route][index])


# Under committee review: the 委員 now reads and rates; 担当 see every organization's rows.
REVIEWING: Matrix = {
    "cycle": [200, 200, 200, 200, 200, 404, 404],
    "summary": [200, 200, 200, 200, 200, 404, 404],
    "entry": [200, 200, 200, 200, 200, 404, 404],
    "save": [403, 403, 403, 403, 403, 404, LOGIN],
    "rate": [403, 403, 403, "ok", 403, 404, LOGIN],
    "opinion": [403, 403, 403, "ok", 403, 404, LOGIN],
    "move": ["ok", 403, 403, 403, 403, 404, LOGIN],
}


@pytest.mark.parametrize("route", REVIEWING)
@pytest.mark.parametrize("index", range(len(PERSONAS)))
def test_it_decides_every_route_under_committee_review(review: Review, route, index):
    advance(review, S.REVIEWING)
    entry = review.entry(review.watch, review.dept)
    data = {"version": entry.version if route != "move" else review.cycle.version,
            "progress": "入力", "rating": "B", "reason": "理由", "text": "意見",
            "to": S.CONFIRMED}
    method = "get" if route in {"cycle", "summary", "entry"} else "post"
    check(review, PERSONAS[index], method, urls(review, entry)[route], data,
          REVIEWING[route][index])


# Published: everyone reads; only the 事務局 may correct, with a reason.
PUBLISHED: Matrix = {
    "cycle": [200, 200, 200, 200, 200, 200, 200],
    "summary": [200, 200, 200, 200, 200, 200, 200],
    "entry": [200, 200, 200, 200, 200, 200, 200],
    "version": [200, 200, 200, 404, 200, 404, 404],
    "correct": ["ok", 403, 403, 403, 403, 403, LOGIN],
    # Whoever may not see the history may not see its versions either: 404, not 403.
    "restore": [403, 403, 403, 404, 403, 404, LOGIN],
    "save": [403, 403, 403, 403, 403, 403, LOGIN],
    # A published cycle's setup is no longer changed, nor the cycle deleted.
    "edit": [403, 403, 403, 403, 403, 403, LOGIN],
    "delete": [403, 403, 403, 403, 403, 403, LOGIN],
    # Withdrawing the publication: the 事務局 only, and only with the box ticked (not here).
    "withdraw": [REFUSED, 403, 403, 403, 403, 403, LOGIN],
}


@pytest.mark.parametrize("route", PUBLISHED)
@pytest.mark.parametrize("index", range(len(PERSONAS)))
def test_it_decides_every_route_once_published(review: Review, route, index):
    advance(review, S.PUBLISHED)
    entry = review.entry(review.watch, review.dept)
    data = {"version": entry.version, "progress": "訂正後", "reason": "誤記の訂正"}
    method = "get" if route in {"cycle", "summary", "entry", "version", "edit"} else "post"
    check(review, PERSONAS[index], method, urls(review, entry)[route], data,
          PUBLISHED[route][index])


def test_it_hides_a_published_cycle_of_an_unpublished_plan_from_the_public(review: Review):
    advance(review, S.PUBLISHED)
    plan = review.cycle.plan
    plan.status = "adopted"
    plan.save(update_fields=["status"])
    url = reverse("progress:summary", args=["479001", plan.slug, review.cycle.pk])
    assert Client().get(url).status_code == 404
    assert client_for(review.world.tanaka).get(url).status_code == 200


def test_it_does_not_reach_a_cycle_through_another_plans_url(review: Review):
    other = PlanFactory.create(municipality=review.world.home, slug="other-plan")
    url = reverse("progress:cycle", args=["479001", other.slug, review.cycle.pk])
    assert client_for(review.world.sato).get(url).status_code == 404


def test_it_leaves_no_progress_route_out_of_the_matrices():
    from sasaeai.progress import urls as progress_urls

    named = {p.name for p in progress_urls.urlpatterns}
    covered = {"progress:" + r for r in (*COLLECTING, *REVIEWING, *PUBLISHED)}
    names = {
        "cycles": "cycles", "cycle": "cycle", "summary": "summary", "entry": "entry",
        "save": "entry_save", "submit": "entry_submit", "return": "entry_return",
        "accept": "entry_accept", "rate": "entry_rate", "correct": "entry_correct",
        "version": "entry_version", "restore": "entry_restore", "move": "cycle_move",
        "opinion": "opinion_create", "create": "cycle_create", "workbook": "workbook_download",
        "upload": "workbook_upload", "apply": "workbook_apply", "scale": "scale_choose",
        "edit": "cycle_edit", "delete": "cycle_delete",
        "waive": "cycle_waive", "withdraw": "cycle_withdraw",
    }
    covered = {names[r.split(":")[1]] for r in covered}
    # Responding to an opinion is decided in test_it_lets_only_the_secretariat_respond below;
    # the indicator figures in the project's permission matrix (tests/test_permission_matrix.py)
    # and in test_figures.py; the one page's inline saves and handing in at once there too
    # and in test_tasks_page.py.
    assert named - covered == {"opinion_respond", "figure", "figure_save", "figure_return",
                               "figure_accept", "figure_settle", "entry_inline",
                               "figure_inline", "cycle_hand_in", "cycle_accept_many"}


@pytest.mark.parametrize("index", range(len(PERSONAS)))
def test_it_lets_only_the_secretariat_respond_to_an_opinion(review: Review, index):
    advance(review, S.REVIEWING)
    opinion = actions.write_opinion(by=review.world.takahashi, cycle=review.cycle,
                                    text="周知を強めてください。")
    url = reverse("progress:opinion_respond",
                  args=["479001", review.cycle.plan.slug, review.cycle.pk, opinion.pk])
    expected = ["ok", 403, 403, 403, 403, 404, LOGIN][index]
    check(review, PERSONAS[index], "post", url,
          {"version": opinion.version, "response": "SNSで発信します。"}, expected)
