"""Stored XSS: payloads written into the text fields people fill in (plan, 体系, statements, 課題,
indicators, reports, opinions and responses, surveys) are rendered on every page each persona can
reach, and never come out as markup: no page, export or API answer holds a payload unescaped."""

import pytest
from django.test import Client

from sasaeai.indicators.models import Indicator, Observation
from sasaeai.plans.models import Challenge
from sasaeai.progress import actions
from sasaeai.progress.models import Opinion
from sasaeai.surveys import actions as survey_actions
from sasaeai.surveys.microdata import parse_survey
from sasaeai.testing import ActorStatementFactory, PlanElementFactory, World, build_review
from sasaeai.tests.test_leaks import crawl

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("xss-1")</script>',
    '"><img src=x onerror=alert("xss-2")>',
    "<svg onload=alert('xss-3')>",
    "javascript:alert('xss-4')//<a href=\"javascript:alert(5)\">x</a>",
]


def plant(world: World) -> None:
    plan = world.published
    p0, p1, p2, p3 = PAYLOADS
    plan.philosophy = p0
    plan.summary = p1
    plan.save()
    element = PlanElementFactory.create(plan=plan, number_label="X9", title=f"項目{p2}",
                                        description=p3)
    ActorStatementFactory.create(actor__plan=plan, element=element, text=f"記述{p0}", detail=p1)
    Challenge.objects.create(plan=plan, title=f"課題{p2}", description=p3)
    indicator = Indicator.objects.create(plan=plan, element=element, name=f"指標{p0}", unit="%",
                                         source_text=p1, definition=p2, rationale=p3)
    Observation.objects.create(indicator=indicator, role="baseline", year=2020,
                               value=10, verbatim=f"10%{p1}")
    review = build_review(world)
    entry = review.entry(review.watch, review.dept)
    actions.save_entry(by=world.sato, entry=entry, data={"progress": p0, "issues": p1},
                       expected_version=entry.version)
    Opinion.objects.create(cycle=review.cycle, author=world.takahashi, author_label=p2, text=p3,
                           response=p0)
    data = f"番号,地区,問1\r\n1,東,{'1'}\r\n".encode("utf-8-sig")
    data += "".join(f"{n},西,1\r\n" for n in range(2, 30)).encode()
    survey_actions.import_round(by=world.sato, municipality=world.home,
                                info=survey_actions.RoundInfo(name=f"調査{p2}", year=2023,
                                                              note=p3),
                                parsed=parse_survey(data, "s.csv"), plans=[plan])


@pytest.mark.parametrize("persona", ["事務局の佐藤", "担当課の田中", "委員の高橋", "閲覧の伊藤",
                                     "匿名の市民"])
def test_no_payload_comes_out_unescaped_for_anyone(world: World, persona):
    plant(world)
    client = Client()
    user = world.personas()[persona]
    if user.is_authenticated:
        client.force_login(user)
    kinds: dict[str, str] = {}
    pages = crawl(client, ["/479001/", "/479001/dai3ji/"], limit=400, kinds=kinds)
    html = {url: text for url, text in pages.items() if kinds[url].startswith("text/html")}
    assert len(html) > 20
    # Exports (CSV, JSON, xlsx) carry the text exactly as written: they are data, not markup,
    # and are served with their own content types and as downloads.
    found = {url: [p for p in PAYLOADS if p in text] for url, text in html.items()}
    assert {url: hits for url, hits in found.items() if hits} == {}
    # The text is there, escaped, for those who may see it: the check looked at real output.
    escaped = "&lt;script&gt;alert(&quot;xss-1&quot;)&lt;/script&gt;"
    assert any(escaped in text for text in html.values())
    exports = [url for url in pages if "export" in url]
    assert exports and all(not kinds[url].startswith("text/html") for url in exports)
