"""Nothing unconfirmed or private reaches the public: marker strings planted in drafts, an
unpublished cycle, a committee member's opinion, survey microdata, another municipality's
draft, the name of the 事務局 member who overrode a judgement, the reason of an override since
superseded, an unpublished predecessor plan and a return reason (差戻しの理由) are looked for in
everything an anonymous visitor can reach: every page linked from the home page, every
open-data twin (JSON, CSV, the plan workbook) and the read API."""

import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from sasaeai.accounts.models import Membership
from sasaeai.indicators import actions as indicator_actions
from sasaeai.indicators.models import Indicator
from sasaeai.lib.spreadsheets import read_xlsx_book
from sasaeai.plans.models import Plan
from sasaeai.progress import actions, actions_figures, actions_states
from sasaeai.progress.models import Cycle, Entry, FigureRequest, Opinion
from sasaeai.surveys import actions as survey_actions
from sasaeai.surveys.microdata import parse_survey
from sasaeai.tenancy.models import Organization
from sasaeai.testing import (
    MembershipFactory,
    PlanElementFactory,
    PlanFactory,
    UserFactory,
    World,
    build_review,
)

pytestmark = pytest.mark.django_db

MARKERS = {
    "draft": "MARKER-DRAFT-7f3a", "other_city": "MARKER-OTHER-CITY-91c2",
    "unpublished_cycle": "MARKER-UNPUBLISHED-CYCLE-4d8e", "opinion": "MARKER-OPINION-b2e0",
    "microdata": "MARKER-MICRODATA-55aa", "question": "MARKER-QUESTION-c3f1",
    "override_author": "MARKER-OVERRIDER-1e9d", "superseded_reason": "MARKER-SUPERSEDED-8b47",
    "predecessor_title": "MARKER-PREDECESSOR-TITLE-0c6e",
    "predecessor_slug": "marker-predecessor-slug-5f21", "return_reason": "MARKER-RETURN-a7d3",
    "waived_draft": "MARKER-WAIVED-DRAFT-3c9e",
    "figure_return_reason": "MARKER-FIGURE-RETURN-3c1b",
    "waived_figure": "MARKER-WAIVED-FIGURE-6d2f",
}
SKIP = ("/admin/", "/accounts/logout/", "/static/", "/api/docs")
HREF = re.compile(r'href="([^"#]+)')


def text_of(response) -> str:
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = read_xlsx_book(response.content, max_bytes=20 * 1024 * 1024, max_ratio=100)
        return json.dumps(book, ensure_ascii=False)
    body = response.content.decode("utf-8", errors="replace")
    if "json" in kind:
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body


def crawl(client: Client, starts: list[str], limit: int = 3000,
          kinds: dict[str, str] | None = None) -> dict[str, str]:
    """Every page reachable by links from `starts` (text of each; `kinds` gets content types)."""
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        seen[url] = text_of(response) if response.status_code == 200 else ""
        if kinds is not None:
            kinds[url] = response.get("Content-Type", "")
        if "text/html" in response.get("Content-Type", ""):
            for href in HREF.findall(seen[url]):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc or not parts.path.startswith("/"):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def api_paths() -> list[str]:
    paths = ["/api/municipalities?limit=200"]
    for plan in Plan.objects.select_related("municipality"):
        code, slug = plan.municipality.code, plan.slug
        paths.append(f"/api/municipalities/{code}/plans?limit=200")
        paths += [f"/api/plans/{code}/{slug}{tail}" for tail in (
            "", "/elements?limit=200", "/initiatives?limit=200", "/statements?limit=200",
            "/indicators?limit=200", "/cycles?limit=200")]
        for cycle in plan.cycles.all():
            paths += [f"/api/plans/{code}/{slug}/cycles/{cycle.pk}",
                      f"/api/plans/{code}/{slug}/cycles/{cycle.pk}/figures?limit=200"]
    return paths


def plant(world: World) -> None:
    world.draft.title = f"素案 {MARKERS['draft']}"
    world.draft.save()
    PlanElementFactory.create(plan=world.draft, title=MARKERS["draft"])
    world.other_draft.title = f"他市の素案 {MARKERS['other_city']}"
    world.other_draft.save()
    review = build_review(world)  # 入力中: not published
    entry = review.entry(review.watch, review.dept)
    actions.save_entry(by=world.sato, entry=entry,
                       data={"progress": MARKERS["unpublished_cycle"]},
                       expected_version=entry.version)
    Opinion.objects.create(cycle=review.cycle, author=world.takahashi, author_label="委員の高橋",
                           text=MARKERS["opinion"])
    data = (f"番号,地区,{MARKERS['question']}\r\n1,東,{MARKERS['microdata']}\r\n"
            + "".join(f"{n},西,1\r\n" for n in range(2, 40))).encode("utf-8-sig")
    parsed = parse_survey(data, "s.csv")
    survey_actions.import_round(by=world.sato, municipality=world.home,
                                info=survey_actions.RoundInfo(name="漏えい確認の調査", year=2023),
                                parsed=parsed, plans=[world.published])
    plant_in_the_published_plan(world)


def plant_in_the_published_plan(world: World) -> None:
    """Private parts of the published plan itself: who overrode a judgement and the reason of
    an override since superseded, its draft predecessor (and its draft successor, whose title
    holds the draft marker), and a return reason in a cycle that is then published."""
    city = Organization.objects.get(municipality=world.home, name="ささえ市")
    overrider = UserFactory.create(username="kimura", display_name=MARKERS["override_author"])
    MembershipFactory.create(user=overrider, organization=city, role=Membership.Role.SECRETARIAT)
    department = Organization.objects.filter(
        municipality=world.home, kind=Organization.Kind.DEPARTMENT).first()
    indicator = Indicator.objects.create(plan=world.published, name="見守り活動の参加者数",
                                         unit="人", reporting_organization=department)
    indicator_actions.override_judgement(by=overrider, indicator=indicator, category="flat",
                                         reason=f"仮の判定 {MARKERS['superseded_reason']}")
    indicator_actions.override_judgement(by=overrider, indicator=indicator, category="improving",
                                         reason="活動の記録を確認したため")
    world.published.predecessor = PlanFactory.create(
        municipality=world.home, slug=MARKERS["predecessor_slug"], status=Plan.Status.DRAFT,
        title=f"第2次ささえ市地域福祉計画 {MARKERS['predecessor_title']}",
        start_fy=2016, end_fy=2020)
    world.published.save()
    world.draft.predecessor = world.published
    world.draft.save()
    publish_a_cycle_with_a_returned_entry(world)


def publish_a_cycle_with_a_returned_entry(world: World) -> None:
    """The 令和5年度 cycle: every entry submitted, one returned while compiling (with the
    marker as its reason), and the cycle carried on to 公開 as the actions allow."""
    sato, plan = world.sato, world.published
    cycle = actions.create_cycle(by=sato, plan=plan, fiscal_year=2023)

    def move(to: str) -> Cycle:
        return actions.move_cycle(by=sato, cycle=cycle, to=to, expected_version=cycle.version)

    cycle = move(Cycle.Status.COLLECTING)
    *handed, drafted = list(Entry.objects.filter(cycle=cycle).order_by("id"))
    for entry in handed:
        entry.cycle = cycle
        saved = actions.save_entry(by=sato, entry=entry, data={"progress": "実施しました。"},
                                   expected_version=entry.version)
        saved.cycle = cycle
        actions.submit_entry(by=sato, entry=saved, expected_version=saved.version)
    # A draft never handed in: the cycle goes on without it, and its text stays the members'.
    drafted.cycle = cycle
    actions.save_entry(by=sato, entry=drafted, data={"progress": MARKERS["waived_draft"]},
                       expected_version=drafted.version)
    actions_states.waive_entries(by=sato, cycle=cycle, entry_ids=[drafted.pk],
                                 reason="担当課の異動で期限までに書けなかったため")
    # The figure the cycle asks of the department: handed in, then returned with the marker,
    # and gone on without (「未提出のまま進める」): its figure and note stay the members'.
    figure = FigureRequest.objects.get(cycle=cycle)
    figure.cycle = cycle
    figure = actions_figures.save_figure(
        by=sato, figure=figure, data={"verbatim": "120人", "note": MARKERS["waived_figure"]},
        expected_version=figure.version, submit=True)
    actions_figures.return_figure(by=sato, figure=figure,
                                  comment=f"数値の確認を {MARKERS['figure_return_reason']}",
                                  expected_version=figure.version)
    actions_states.waive_figures(by=sato, cycle=cycle, figure_ids=[figure.pk],
                                 reason="担当課の再集計が期限に間に合わなかったため")
    cycle = move(Cycle.Status.COMPILING)
    returned = Entry.objects.filter(cycle=cycle).order_by("id").first()
    assert returned is not None
    returned.cycle = cycle
    actions.return_entry(by=sato, entry=returned, comment=f"数値の確認を {MARKERS['return_reason']}",
                         expected_version=returned.version)
    # A returned report reaches the committee only as 「未提出のまま進める」, with a public reason.
    actions_states.waive_entries(by=sato, cycle=cycle, entry_ids=[returned.pk],
                                 reason="担当課の確認が期限に間に合わなかったため")
    for step in (Cycle.Status.REVIEWING, Cycle.Status.CONFIRMED, Cycle.Status.PUBLISHED):
        cycle = move(step)


def test_no_marker_reaches_the_public_site_its_open_data_or_the_api(world: World):
    plant(world)
    anonymous = Client()
    pages = crawl(anonymous, ["/"])
    pages.update(crawl(anonymous, api_paths(), limit=1000))
    kinds = {url.split("?")[0].rsplit("/", 2)[-2] for url in pages}
    assert len(pages) > 200 and {"indicators", "challenges", "export"} & kinds
    assert any(u.endswith("?export=csv") for u in pages)
    assert any(u.endswith("plan.json") for u in pages)
    assert any(u.endswith("workbook.xlsx") for u in pages)
    leaks = {name: [u for u, text in pages.items() if marker in text]
             for name, marker in MARKERS.items()}
    assert leaks == {name: [] for name in MARKERS}


def test_it_shows_a_return_reason_in_a_published_cycle_to_no_one_outside_the_municipality(
        world: World):
    """The 差戻しの理由 planted in the published 令和5年度 cycle: neither an anonymous visitor nor
    他市's 事務局 (signed in, a member elsewhere) finds it in any page, file or API answer,
    though both read the cycle, the returned report and its 「未提出のまま進める」 reason."""
    plant(world)
    other = Client()
    other.force_login(world.other)
    starts = ["/479001/", "/479001/dai3ji/cycles/", *api_paths()]
    for reader in (Client(), other):
        pages = crawl(reader, starts, limit=1500)
        assert any("担当課の確認が期限に間に合わなかったため" in t for t in pages.values())
        assert any("/entries/" in u and t for u, t in pages.items())
        assert [u for u, t in pages.items() if MARKERS["return_reason"] in t] == []
        assert [u for u, t in pages.items() if MARKERS["figure_return_reason"] in t] == []


def test_the_markers_are_there_for_those_who_may_see_them(world: World):
    """The control: the same crawl as ささえ市's 事務局 finds what the public must not."""
    plant(world)
    sato = Client()
    sato.force_login(world.sato)
    pages = crawl(sato, ["/479001/"], limit=400)
    found = {name for name, marker in MARKERS.items() if any(marker in t for t in pages.values())}
    assert {"draft", "unpublished_cycle", "opinion", "question", "override_author",
            "superseded_reason", "predecessor_title", "predecessor_slug", "return_reason",
            "waived_draft", "figure_return_reason", "waived_figure"} <= found
    assert "other_city" not in found


def test_no_marker_reaches_the_public_through_the_page_cache(world: World, public_cache):
    """With the public page cache on (ADR 0011): the 事務局 reads every page first, then the
    public reads the site twice, the second time from the cache; no marker in either."""
    plant(world)
    sato = Client()
    sato.force_login(world.sato)
    crawl(sato, ["/479001/"], limit=200)
    for _ in range(2):
        pages = crawl(Client(), ["/"], limit=300)
        assert not [u for u, text in pages.items()
                    if any(marker in text for marker in MARKERS.values())]
    assert Client().get("/479001/dai3ji/")["X-Sasaeai-Cache"] == "hit"
