"""Every public page type, checked by axe-core in Debian's Chromium: no violation (WCAG 2.1 AA).

axe-core comes bundled in the axe-playwright-python package (see ADR 0008). The pages are those a
resident reaches without logging in, filled with the demo plans so that every part of each page
(trees, statements, tables, charts, judgements, published progress) is there to be checked.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from sasaeai.demo import synthetic_survey
from sasaeai.demo.loader import load_all
from sasaeai.indicators.models import Indicator
from sasaeai.plans.models import Initiative, Plan
from sasaeai.progress.models import Cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.1 A and AA, the level JIS X 8341-3 asks of municipalities, and axe's best practices
# (headings in order, landmarks, one main region).
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def public_pages() -> dict[str, str]:
    load_all(["omitama", "shimotsuke", "kurume"])
    synthetic_survey.load()
    omitama = Plan.objects.get(municipality__code="082368", slug="dai3ji")
    kurume = Plan.objects.get(municipality__code="402036", slug="jiki")
    shimotsuke_cycle = Cycle.objects.filter(plan__municipality__code="092169",
                                            status=Cycle.Status.PUBLISHED).first()
    assert shimotsuke_cycle is not None
    entry = shimotsuke_cycle.entries.order_by("id").first()
    assert entry is not None
    element = omitama.elements.filter(parent__isnull=False).first()
    assert element is not None
    initiative = Initiative.objects.filter(plan=kurume).first()
    assert initiative is not None
    survey_indicator = Indicator.objects.get(plan=omitama, observations__year=2023,
                                             name__startswith="地域活動の参加状況")
    return {
        "ホーム": "/",
        "自治体": "/082368/",
        "計画（体系図）": omitama.get_absolute_url(),
        "施策の項目": element.get_absolute_url(),
        "取組（主体ごとの役割）": initiative.get_absolute_url(),
        "課題と取組": f"{kurume.get_absolute_url()}challenges/",
        "成果指標の表": f"{omitama.get_absolute_url()}indicators/",
        "指標（グラフ・内訳）": f"{omitama.get_absolute_url()}indicators/{survey_indicator.pk}/",
        "進行管理の一覧": f"{shimotsuke_cycle.plan.get_absolute_url()}cycles/",
        "評価サイクル": shimotsuke_cycle.get_absolute_url(),
        "進捗のまとめ": f"{shimotsuke_cycle.get_absolute_url()}summary/",
        "進捗の報告": f"{shimotsuke_cycle.get_absolute_url()}entries/{entry.pk}/",
        "概要版": f"{omitama.get_absolute_url()}digest/",
        "計画内の検索": f"{kurume.get_absolute_url()}search/?q=見守り",
        "ログイン": "/accounts/login/",
    }


def test_every_public_page_type_has_no_accessibility_violation(live_server, page):
    axe = Axe()
    found: dict[str, list[str]] = {}
    for name, path in public_pages().items():
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, (name, path)
        assert page.locator("html").get_attribute("lang") == "ja"
        result = axe.run(page, options=OPTIONS)
        violations = result.response["violations"]
        if violations:
            found[name] = [f"{v['id']}: {v['help']} — {n['target']}"
                           for v in violations for n in v["nodes"][:3]]
    assert found == {}, found
