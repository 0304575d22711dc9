"""わたしの作業 as a department's year on one page: 久留米市社会福祉協議会's 鈴木 (kurume-shakyo)
finds all 13 units of the open 令和6年度 cycle as cards, writes them in place (drafts saved as
she types, through htmx, or by an ordinary form without JavaScript), and hands in several at
once; 小美玉市's 防災管理課 (田中, omitama-tanto) writes its indicator's figure on the same page.
What was handed in stays listed with its state; a returned report shows its reason."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.progress.models import Cycle, Entry, FigureRequest
from sasaeai.progress.tests.test_figures import BOUSAI, figure_of, open_cycle

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TASKS = "/tasks/"


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def kurume_cycle() -> Cycle:
    return Cycle.objects.select_related("plan__municipality").get(
        plan__municipality__code="402036", status=Cycle.Status.COLLECTING)


def shakyo_entries(cycle: Cycle) -> list[Entry]:
    return list(cycle.entries.filter(organization__kind="shakyo").order_by("pk"))


def inline_url(entry: Entry) -> str:
    plan = entry.cycle.plan
    return reverse("progress:entry_inline",
                   args=[plan.municipality.code, plan.slug, entry.cycle_id, entry.pk])


def fields(entry: Entry, **values: str) -> dict[str, str]:
    """The card's form as the page posts it: every field named after the entry."""
    data = {"version": str(entry.version), "results": entry.results,
            "results_value": "", "results_unit": "", "progress": entry.progress,
            "issues": entry.issues, "direction": entry.direction,
            "direction_text": entry.direction_text, "self_rating": "", **values}
    return {f"e{entry.pk}-{name}": value for name, value in data.items()}


def test_the_page_lists_every_unit_of_the_open_cycle_as_a_card_to_write():
    cycle = kurume_cycle()
    page = logged_in("kurume-shakyo").get(TASKS).text
    for entry in shakyo_entries(cycle):
        assert f'id="card-e{entry.pk}"' in page
        assert f'name="e{entry.pk}-progress"' in page  # editable in place
    assert "提出済 0／13件・これから書くもの 13件" in page
    assert "チェックしたものをまとめて提出" in page
    # 自己評価 is chosen from the cycle's scale (A〜D), not typed.
    assert f'<select name="e{shakyo_entries(cycle)[0].pk}-self_rating"' in page


def test_the_city_sees_what_it_handed_in_with_its_state_and_a_returned_report_with_its_reason():
    cycle = kurume_cycle()
    returned = cycle.entries.get(status=Entry.Status.RETURNED)
    page = logged_in("kurume-tanto").get(TASKS).text
    submitted = cycle.entries.filter(organization__kind="city", status=Entry.Status.SUBMITTED)
    for entry in submitted:
        assert f'id="card-e{entry.pk}"' in page
        assert f'name="e{entry.pk}-progress"' not in page  # handed in: no longer a form
    assert "提出済" in page
    assert returned.return_comment.splitlines()[0] in page
    assert f'name="e{returned.pk}-progress"' in page  # back to its writer


def test_a_draft_is_saved_as_she_types_and_only_the_version_and_the_saved_line_come_back():
    entry = shakyo_entries(kurume_cycle())[0]
    response = logged_in("kurume-shakyo").post(
        inline_url(entry), fields(entry, results="サロンを12か所で開催"), headers=HTMX)
    assert response.status_code == 200
    body = response.text
    assert "下書きを保存しました" in body and 'hx-swap-oob="true"' in body
    assert f'id="version-e{entry.pk}"' in body and f'value="{entry.version + 1}"' in body
    assert "<textarea" not in body  # the text being typed is left alone
    entry.refresh_from_db()
    assert entry.results == "サロンを12か所で開催" and entry.status == Entry.Status.DRAFT


def test_a_stale_version_is_refused_in_place_and_changes_nothing():
    entry = shakyo_entries(kurume_cycle())[0]
    stale = fields(entry, results="古い画面から")
    logged_in("kurume-shakyo").post(inline_url(entry), fields(entry, results="先に保存"),
                                    headers=HTMX)
    response = logged_in("kurume-shakyo").post(inline_url(entry), stale, headers=HTMX)
    assert "他の人が先に更新しました" in response.text
    entry.refresh_from_db()
    assert entry.results == "先に保存"


def test_submitting_a_card_returns_it_handed_in_and_an_empty_one_is_refused_in_place():
    entries = [e for e in shakyo_entries(kurume_cycle()) if not (e.progress or e.results)]
    client = logged_in("kurume-shakyo")
    empty = entries[1]
    response = client.post(inline_url(empty), {**fields(empty, progress="", results=""),
                                               "submit": "1"}, headers=HTMX)
    assert "進捗状況または実績を入力してから提出してください。" in response.text
    assert f'name="e{empty.pk}-progress"' in response.text  # still the form, with its text
    empty.refresh_from_db()
    assert empty.status != Entry.Status.SUBMITTED
    done = entries[0]
    response = client.post(inline_url(done), {**fields(done, progress="順調に進んでいる。"),
                                              "submit": "1"}, headers=HTMX)
    assert f'id="card-e{done.pk}"' in response.text and "提出しました。" in response.text
    assert f'name="e{done.pk}-progress"' not in response.text
    done.refresh_from_db()
    assert done.status == Entry.Status.SUBMITTED and done.progress == "順調に進んでいる。"
    # The counts above the cards follow without a reload (an out-of-band swap).
    cycle = kurume_cycle()
    mine = shakyo_entries(cycle)
    handed_in = sum(e.is_handed_in for e in mine)
    assert f'id="desk-meta-{cycle.pk}" hx-swap-oob="true"' in response.text
    assert f"提出済 {handed_in}／" in response.text


def test_without_javascript_the_form_comes_back_to_the_page_and_an_error_keeps_the_text():
    entry = shakyo_entries(kurume_cycle())[0]
    client = logged_in("kurume-shakyo")
    response = client.post(inline_url(entry), fields(entry, results="見守り訪問を実施"))
    assert response.status_code == 302 and response["Location"] == f"{TASKS}#card-e{entry.pk}"
    entry.refresh_from_db()
    response = client.post(inline_url(entry), fields(entry, results="延べ1,240人",
                                                     results_value="たくさん"))
    assert response.status_code == 400
    assert "延べ1,240人" in response.text and "たくさん" in response.text
    assert 'class="field-error"' in response.text
    entry.refresh_from_db()
    assert entry.results == "見守り訪問を実施"


def test_several_are_handed_in_at_once_or_none_when_one_cannot_be():
    cycle = kurume_cycle()
    blank = [e for e in shakyo_entries(cycle) if not (e.progress or e.results)]
    first, second, empty = blank[:3]
    client = logged_in("kurume-shakyo")
    for entry, text in ((first, "サロンを開催"), (second, "見守りを実施")):
        client.post(inline_url(entry), fields(entry, progress=text), headers=HTMX)
    url = reverse("progress:cycle_hand_in", args=["402036", cycle.plan.slug, cycle.pk])
    response = client.post(url, {"entries": [first.pk, second.pk, empty.pk]}, follow=True)
    assert "何も提出していません" in response.text and str(empty) in response.text
    assert not Entry.objects.filter(pk__in=[first.pk, second.pk],
                                    status=Entry.Status.SUBMITTED).exists()
    response = client.post(url, {"entries": [first.pk, second.pk]}, follow=True)
    assert "報告2件を提出しました。" in response.text
    assert Entry.objects.filter(pk__in=[first.pk, second.pk],
                                status=Entry.Status.SUBMITTED).count() == 2


def test_another_organisations_card_and_a_committee_member_are_refused():
    cycle = kurume_cycle()
    city_entry = cycle.entries.filter(organization__kind="city",
                                      status=Entry.Status.NOT_STARTED).first()
    assert city_entry is not None
    response = logged_in("kurume-shakyo").post(inline_url(city_entry),
                                               fields(city_entry, results="他組織"), headers=HTMX)
    assert response.status_code in {403, 404}
    url = reverse("progress:cycle_hand_in", args=["402036", cycle.plan.slug, cycle.pk])
    assert logged_in("kurume-iin").post(url, {"entries": [city_entry.pk]}).status_code in {403,
                                                                                          404}
    city_entry.refresh_from_db()
    assert city_entry.results == "" and city_entry.status == Entry.Status.NOT_STARTED


def test_the_department_writes_its_indicator_figure_on_the_same_page():
    cycle = open_cycle()
    figure = figure_of(cycle, BOUSAI)
    client = logged_in("omitama-tanto")
    page = client.get(TASKS).text
    assert f'id="card-f{figure.pk}"' in page and "前回の実績値：81.9%" in page
    url = reverse("progress:figure_inline", args=["082368", "dai3ji", cycle.pk, figure.pk])
    prefix = f"f{figure.pk}"
    response = client.post(url, {f"{prefix}-version": figure.version, f"{prefix}-verbatim": "84.5%",
                                 f"{prefix}-year": "2024", f"{prefix}-figure_status": "",
                                 f"{prefix}-note": ""}, headers=HTMX)
    assert "下書きを保存しました" in response.text
    figure.refresh_from_db()
    assert figure.verbatim == "84.5%" and figure.status == FigureRequest.Status.DRAFT
    response = client.post(url, {f"{prefix}-version": figure.version,
                                 f"{prefix}-verbatim": "たくさん", f"{prefix}-year": "2024",
                                 f"{prefix}-figure_status": "", f"{prefix}-note": ""},
                           headers=HTMX)
    assert "保存できませんでした" in response.text
    figure.refresh_from_db()
    assert figure.verbatim == "84.5%"


def test_the_page_takes_the_same_number_of_queries_however_many_cards(
        django_assert_max_num_queries):
    client = logged_in("kurume-shakyo")
    with django_assert_max_num_queries(40):
        assert client.get(TASKS).status_code == 200


def test_the_secretariats_page_says_what_waits_for_it_in_each_cycle():
    cycle = kurume_cycle()
    page = logged_in("kurume-jimukyoku").get(TASKS).text
    submitted = cycle.entries.filter(status=Entry.Status.SUBMITTED).count()
    waiting = cycle.entries.blocking_review().count()
    assert "事務局が待っていること" in page
    assert f'{cycle.get_absolute_url()}?status=submitted#entries-h">{submitted}件</a>' in page
    assert f'#blockers-h">{waiting}件</a>' in page


def test_a_text_over_its_limit_is_refused_whole_and_kept_on_the_page():
    """課題 takes 4,000 characters: 4,001 are refused with the count, nothing is cut or saved,
    and the text comes back in the field (the limit and the count are said under it)."""
    entry = next(e for e in shakyo_entries(kurume_cycle()) if not (e.progress or e.results))
    client = logged_in("kurume-shakyo")
    page = client.get(TASKS).text
    assert 'data-max-chars="4000"' in page and "4,000字まで" in page
    assert 'maxlength="4000"' not in page  # the browser would cut a pasted text silently
    long = "見守り" * 1333 + "です"  # 4,001 characters
    response = client.post(inline_url(entry), fields(entry, issues=long))
    assert response.status_code == 400
    assert "課題は4,000字以内で入力してください（いま4,001字）。" in response.text
    assert long in response.text
    entry.refresh_from_db()
    assert entry.issues == "" and entry.version == 1


def test_a_form_too_large_to_read_gets_a_page_that_says_why_and_that_the_text_is_kept():
    entry = shakyo_entries(kurume_cycle())[0]
    huge = "あ" * 560_000  # what was pasted in the trial: 5 MB once URL-encoded
    response = logged_in("kurume-shakyo").post(  # as a browser sends a form without files
        inline_url(entry), urlencode(fields(entry, issues=huge)),
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "入力した文章が長すぎる" in response.text and "「戻る」" in response.text
    entry.refresh_from_db()
    assert entry.issues != huge


def test_a_units_indicators_and_their_chart_are_at_hand():
    """小美玉市's 防災管理課 opens the context of a 施策の方向 of 基本目標3: its goal's indicators are
    listed, and each chart is fetched (htmx) when the context is opened."""
    cycle = open_cycle()
    client = logged_in("omitama-tanto")
    page = client.get(TASKS).text
    figure = figure_of(cycle, BOUSAI)
    chart_url = reverse("indicators:detail", args=["082368", "dai3ji", figure.indicator_id])
    assert f'hx-get="{chart_url}?part=chart"' in page
    part = client.get(chart_url, {"part": "chart"}, headers=HTMX).text
    assert "<svg" in part and BOUSAI in part and "<html" not in part
