"""A synthetic 令和5年度 市民意識調査 for 小美玉市: generated, labelled as synthetic, never real.

About 2,000 respondents over the city's three districts (小川・美野里・玉里, the former towns),
with age band, sex and a design weight, answering the questions behind two of the plan's survey
indicators. Generated with a fixed seed so the demo, the tests and the browser walk-through all
see the same file. It goes through the same importer as an uploaded file: the demo is the
importer's first user.
"""

from __future__ import annotations

import csv
import io
import random
from typing import Any

ROUND_NAME = "令和5年度市民意識調査（合成データ）"
FISCAL_YEAR = 2023
SEED = 20231101
MUNICIPALITY_CODE = "082368"
PLAN_SLUG = "dai3ji"

DISTRICTS = [("1", "小川地区", 0.36), ("2", "美野里地区", 0.42), ("3", "玉里地区", 0.22)]
AGES = [("1", "18〜29歳", 0.10), ("2", "30〜39歳", 0.12), ("3", "40〜49歳", 0.15),
        ("4", "50〜59歳", 0.17), ("5", "60〜69歳", 0.22), ("6", "70歳以上", 0.24)]
# Younger people answer less often: the design weight (population share / respondent share)
# brings them back to their share of the population.
AGE_WEIGHTS = {"1": 1.6, "2": 1.35, "3": 1.1, "4": 1.0, "5": 0.85, "6": 0.8}
SEXES = [("1", "男性"), ("2", "女性"), ("3", "回答しない")]
Q_ACTIVITY = ("問8", "あなたは、自治会や子ども会などの地域活動に参加していますか。",
              [("1", "参加している"), ("2", "以前は参加していたが、今はしていない"),
               ("3", "参加したことがない"), ("9", "無回答")])
Q_MINSEI = ("問15", "あなたは、お住まいの地区を担当する民生委員・児童委員を知っていますか。",
            [("1", "知っている"), ("2", "名前は聞いたことがある"), ("3", "知らない"),
             ("9", "無回答")])
# The measures the demo defines: (indicator name as printed, question column, options).
MEASURES = [
    ("地域活動の参加状況は「参加している」と回答した割合", Q_ACTIVITY[0], ["1"]),
    ("居住地区の担当民生委員・児童委員を「知っている」と回答した割合", Q_MINSEI[0], ["1"]),
]
ATTRIBUTE_COLUMNS = [("地区", "お住まいの地区", DISTRICTS), ("年代", "年代", AGES),
                     ("性別", "性別", [(c, label, 0.0) for c, label in SEXES])]


def _pick(rng: random.Random, choices: list[tuple[str, str, float]]) -> str:
    return rng.choices([c for c, _l, _w in choices], weights=[w for _c, _l, w in choices])[0]


def _answer(rng: random.Random, yes: float, middle: float, no_answer: float = 0.02) -> str:
    roll = rng.random()
    if roll < no_answer:
        return "9"
    roll = rng.random()
    return "1" if roll < yes else "2" if roll < yes + middle else "3"


def respondents(n: int = 2000, seed: int = SEED) -> list[dict[str, str]]:
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not secrets)
    rows = []
    for number in range(1, n + 1):
        district = _pick(rng, DISTRICTS)
        age = _pick(rng, AGES)
        older = int(age) / 6
        activity = _answer(rng, 0.48 + 0.25 * older + (0.05 if district == "3" else 0), 0.18)
        minsei = _answer(rng, 0.22 + 0.25 * older + (0.04 if district == "3" else 0), 0.2)
        rows.append({
            "回答者番号": f"{number:05d}", "地区": district, "年代": age,
            "性別": rng.choices(["1", "2", "3", ""], weights=[46, 50, 3, 1])[0],
            Q_ACTIVITY[0]: activity, Q_MINSEI[0]: minsei,
            "ウェイト": f"{AGE_WEIGHTS[age]:.2f}",
        })
    return rows


def microdata_csv(n: int = 2000, seed: int = SEED, *, encoding: str = "utf-8-sig") -> bytes:
    rows = respondents(n, seed)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def codebook_csv(*, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["列名", "設問文", "区分", "コード", "選択肢", "無回答"])
    writer.writerow(["回答者番号", "回答者番号", "対象外", "", "", ""])
    for column, text, options in ATTRIBUTE_COLUMNS:
        for i, (code, label, _w) in enumerate(options):
            writer.writerow([column if i == 0 else "", text if i == 0 else "",
                             "属性" if i == 0 else "", code, label, ""])
    for column, text, answers in (Q_ACTIVITY, Q_MINSEI):
        for i, (code, label) in enumerate(answers):
            writer.writerow([column if i == 0 else "", text if i == 0 else "",
                             "設問" if i == 0 else "", code, label, "○" if code == "9" else ""])
    writer.writerow(["ウェイト", "年代別の回収率を補正するウェイト", "ウェイト", "", "", ""])
    return buffer.getvalue().encode(encoding)


def load(*, by: Any = None) -> bool:
    """Import the synthetic round for 小美玉市 and compute its two indicators (once)."""
    from django.db import transaction

    from sasaeai.indicators.models import Indicator
    from sasaeai.plans.models import Plan
    from sasaeai.surveys import actions
    from sasaeai.surveys.microdata import parse_survey
    from sasaeai.surveys.models import SurveyRound

    plan = Plan.objects.select_related("municipality").filter(
        municipality__code=MUNICIPALITY_CODE, slug=PLAN_SLUG).first()
    if plan is None or SurveyRound.objects.filter(municipality=plan.municipality,
                                                  name=ROUND_NAME).exists():
        return False
    parsed = parse_survey(microdata_csv(), "shiminishiki_r5_synthetic.csv",
                          codebook=codebook_csv(), codebook_name="codebook.csv")
    info = actions.RoundInfo(
        name=ROUND_NAME, year=FISCAL_YEAR, population="市内在住の18歳以上の市民（合成データ）",
        frame="住民基本台帳からの無作為抽出を模した合成データ", sample_size=4000,
        mode="郵送配布・郵送回収（Web回答併用）を想定", is_synthetic=True,
        note="デモ用に乱数（固定シード）で生成したデータです。実際の市民の回答ではありません。",
    )
    with transaction.atomic():
        survey = actions.import_round(by=by, municipality=plan.municipality, info=info,
                                      parsed=parsed, plans=[plan],
                                      filename="shiminishiki_r5_synthetic.csv",
                                      codebook_filename="codebook.csv")
        for name, column, options in MEASURES:
            indicator = Indicator.objects.select_related("plan__municipality").get(
                plan=plan, name=name)
            measure = actions.define_measure(by=by, indicator=indicator, survey=survey,
                                             column=column, option_codes=options,
                                             breakdown_column="地区")
            actions.compute_measure(by=by, measure=measure, survey=survey)
    return True
