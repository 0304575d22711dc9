"""A national-scale synthetic dataset: every municipality of Japan with its 社協 and one plan.

    python -m bench.national --size tiny|small|national [--seed N]   (against the configured DB)

Sizes: `national` is 1,741 municipalities (47 prefectures with their real numbers of
municipalities, Tokyo's 23 wards included); `small` is the first municipality of each
prefecture (47); `tiny` (2) is for the tests. A size is a prefix of one national list (ordered
by rank within the prefecture, then prefecture), so the first municipality — the one the
benchmarks open — is the same at every size.

Per municipality: the city, its 福祉課, its 社会福祉協議会 and its 推進委員会; a few areas; a 事務局
user (city), a 担当 (福祉課), a 社協 user and a committee member; the A〜D rating scale; one published plan (一体的計画,
令和元〜6年度) owned by the city and the 社協 with 3 基本目標 × 4 基本施策 and 4–6 取組 each (about 60),
4 actors and their statements, 4 課題 with their evidence, 2 再掲; 15 indicators with a baseline
(平成30年度), 6 years of actual values (令和元〜6年度) and a target; 6 annual cycles (令和元〜5年度
published with accepted, rated reports; 令和6年度 collecting, its reports in every state) with
one report per 取組 from each of the two reporting bodies (福祉課 and 社協), each prefilled from the
year before; two committee opinions per published cycle. Entry versions (history) are not
generated: no benchmarked page reads them.

Deterministic: each municipality draws from its own random.Random seeded by (seed, code), so the
same seed gives the same rows (and the same ids: they are assigned here, not by the database).
Rows are written per batch of municipalities with PostgreSQL's COPY (executemany on SQLite), in
one transaction per batch; sequences are reset and the tables analysed at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

SEED = 20_260_401
SIZES = {"tiny": 2, "small": 47, "national": 1741}
BATCH = 40
SLUG = "dai3ji"
START_FY, END_FY = 2019, 2024
YEARS = list(range(START_FY, END_FY + 1))  # 6 annual cycles, 6 years of actual values
BASELINE_FY = 2018

# 都道府県 with their numbers of municipalities (市町村 and Tokyo's 特別区): 1,741 in all.
PREFECTURES: list[tuple[str, int]] = [
    ("北海道", 179), ("青森県", 40), ("岩手県", 33), ("宮城県", 35), ("秋田県", 25), ("山形県", 35),
    ("福島県", 59), ("茨城県", 44), ("栃木県", 25), ("群馬県", 35), ("埼玉県", 63), ("千葉県", 54),
    ("東京都", 62), ("神奈川県", 33), ("新潟県", 30), ("富山県", 15), ("石川県", 19), ("福井県", 17),
    ("山梨県", 27), ("長野県", 77), ("岐阜県", 42), ("静岡県", 35), ("愛知県", 54), ("三重県", 29),
    ("滋賀県", 19), ("京都府", 26), ("大阪府", 43), ("兵庫県", 41), ("奈良県", 39), ("和歌山県", 30),
    ("鳥取県", 19), ("島根県", 19), ("岡山県", 27), ("広島県", 23), ("山口県", 19), ("徳島県", 24),
    ("香川県", 17), ("愛媛県", 20), ("高知県", 34), ("福岡県", 60), ("佐賀県", 20), ("長崎県", 21),
    ("熊本県", 45), ("大分県", 18), ("宮崎県", 26), ("鹿児島県", 43), ("沖縄県", 41),
]
NAME_FIRST = "上下東西南北大小高中本新古若青白長川山松竹桜梅杉森林石岩田沢浜島原野宮富福吉安平和豊美春朝日月星"
NAME_SECOND = "川山田野原沢島崎浜津江岡谷里城尾本瀬井根倉橋見部宮森松河口代丘"

GOALS = [
    "地域で支え合い、つながりを育むまちづくり", "誰もが安心して相談できる支援体制づくり",
    "安全・安心に暮らせるまちづくり", "地域福祉を担う人づくり",
    "ふれあい、支え合い、助け合いの輪が広がる地域づくり", "一人ひとりの尊厳が守られるまちづくり",
    "健やかに自分らしく暮らせる地域づくり",
]
MEASURES = [
    "見守り体制の充実", "地域の場と交流の拠点づくり", "包括的な相談支援体制の充実", "権利擁護の推進",
    "地域福祉の広報・啓発活動の充実", "福祉人材の養成と資質の向上", "災害時に支援が必要な人への支援",
    "生活困窮者への支援", "ボランティア活動への支援", "世代間交流の推進", "福祉サービスの充実",
    "地域活動やボランティア活動への支援", "学校や地域における福祉教育の充実", "多機関連携の推進",
    "社会的孤立への対策", "バリアフリー・ユニバーサルデザインの推進", "健康づくりの推進",
    "地域コミュニティ組織等への支援", "身近な相談窓口の仕組みづくり", "虐待、DV防止の連携強化",
    "利用しやすい交通環境の整備", "地域リーダーの育成", "情報提供の充実", "防犯・防災体制の充実",
]
TOPICS = [
    "見守り活動", "ふれあい・いきいきサロン", "子ども食堂", "ボランティアセンター", "生活支援コーディネーター",
    "民生委員・児童委員活動", "地域ケア会議", "成年後見制度", "日常生活自立支援事業", "避難行動要支援者名簿",
    "自主防災組織", "福祉教育", "地域福祉座談会", "コミュニティソーシャルワーカー", "フードバンク", "移動支援",
    "認知症サポーター養成", "ひきこもり相談", "生活困窮者自立相談", "再犯防止", "ヤングケアラー支援",
    "多世代交流拠点", "小地域福祉活動", "共同募金運動", "広報紙による情報発信", "災害ボランティアセンター",
    "権利擁護センター", "地域包括支援センター", "重層的支援体制整備事業", "買い物支援",
]
ACTIONS = ["の推進", "の充実", "への支援", "の普及・啓発", "の体制づくり", "の拡充", "の担い手育成"]
VERBS = ["関係機関と連携して取り組みます", "地区社協や自治会と協力して進めます",
         "専門職と住民が連携して実施します", "利用しやすい形に見直しながら継続します"]
ISSUES = [
    "担い手の高齢化が進み、新たな協力者の確保が課題である。", "周知が十分でなく、利用が伸び悩んでいる。",
    "関係機関との情報共有の方法に課題がある。", "地区によって活動の状況に差がある。",
    "感染症対策のため、開催方法の工夫が必要であった。", "対象者の把握が難しく、支援につながりにくい。",
]
DIRECTIONS = [("continue", "引き続き実施する。"), ("expand", "対象地区を拡大して実施する。"),
              ("review", "実施方法を見直したうえで継続する。"), ("continue", "関係機関と連携して継続する。")]
RATINGS = ["A", "B", "B", "C", "D"]
SURVEY_INDICATORS = [
    "地域での支え合いや助け合いが充実していると感じる市民の割合", "困っている人の相談にのることができる市民の割合",
    "地域の活動やボランティア・NPO活動に参加していると回答した人の割合",
    "居住地区の担当民生委員・児童委員を「知っている」と回答した割合", "地域の防災訓練に参加していると回答した割合",
    "福祉に関する相談窓口を知っている市民の割合",
]
RECORD_INDICATORS = [
    ("ふれあい・いきいきサロンの箇所数", "か所"), ("サロンの参加者数", "人"), ("地域での見守り訪問活動件数", "件"),
    ("ボランティア登録者数", "人"), ("認知症サポーター養成講座の受講者数（累計）", "人"),
    ("地域包括支援センター等の相談件数", "件"), ("子ども食堂の実施箇所数", "か所"),
    ("成年後見制度の利用者数", "人"), ("生活困窮者自立相談支援事業の新規相談件数", "件"),
    ("福祉教育の実施校数", "校"), ("個別避難計画の作成件数", "件"),
]
CHALLENGES = [
    "地域活動等の担い手不足への対応が必要", "支え合う意識やつながりの希薄化への対応が必要",
    "相談しづらいことへの対応が必要", "誰もが気軽に集える場の不足への対応が必要",
    "情報が適切に入手できていないことへの対応が必要", "複合的な課題や制度の狭間の課題等への対応が必要",
    "地域防災力の強化が必要",
]
ACTORS = [("residents", "市民・地域住民ができること", "self"),
          ("community", "地域の団体ができること", "mutual"),
          ("shakyo", "社会福祉協議会の取組", "mutual"), ("city", "市の取組", "public")]
RESIDENT_STATEMENTS = ["あいさつや声かけを心がけます。", "地域の行事や活動に参加します。",
                       "困ったときは一人で悩まず相談します。", "隣近所で見守り合います。"]
COMMUNITY_STATEMENTS = ["自治会・町内会の活動に多くの人が参加できるよう工夫します。",
                        "地域の見守り活動を関係機関と連携して行います。", "サロンや交流の場を運営します。"]
OPINIONS = [("担い手の確保について、具体的な方策を示してほしい。", "地区社協と連携し、養成講座の開催を増やします。"),
            ("相談窓口の周知が不十分ではないか。", "広報紙とホームページで定期的に周知します。"),
            ("指標の実績が伸びていない理由を分析してほしい。", "次回の委員会で要因の分析をお示しします。")]
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def lg_code(prefecture: int, number: int) -> str:
    from sasaeai.tenancy.models import lg_code_check_digit

    first = f"{prefecture:02d}{number:03d}"
    return first + str(lg_code_check_digit(first))


@dataclass
class Place:
    code: str
    name: str
    prefecture: str
    kind: str  # 市, 町, 村, 区


def places(seed: int = SEED) -> list[Place]:
    """The national list, in selection order (rank within the prefecture, then prefecture)."""
    ranked: list[tuple[int, int, Place]] = []
    for p_index, (prefecture, count) in enumerate(PREFECTURES, start=1):
        rng = random.Random(f"{seed}:{prefecture}")  # noqa: S311 - reproducible, not secret
        wards = 23 if prefecture == "東京都" else 0
        cities = max(1, round((count - wards) * 0.45))
        used: set[str] = set()
        for rank in range(count):
            if rank < wards:
                kind, number = "区", 101 + rank
            elif rank < wards + cities:
                kind, number = "市", 201 + rank - wards
            else:
                kind = "村" if rng.random() < 0.2 else "町"
                number = 301 + rank - wards - cities
            stem = ""
            while not stem or stem in used:
                stem = rng.choice(NAME_FIRST) + rng.choice(NAME_SECOND)
                if rng.random() < 0.15:
                    stem += rng.choice(NAME_SECOND)
            used.add(stem)
            ranked.append((rank, p_index, Place(lg_code(p_index, number), stem + kind,
                                                prefecture, kind)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [place for _, _, place in ranked]


def size_count(size: str | int) -> int:
    return size if isinstance(size, int) else SIZES[size]


# -- writing ------------------------------------------------------------------------------------

class Table:
    """The rows of one table for the current batch, with ids assigned here."""

    def __init__(self, model: Any, connection: Any) -> None:
        from django.db import models

        self.model = model
        fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.defaults = {f.attname: (None if f.primary_key else f.get_default()) for f in fields}
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            self.next_id = int(cursor.fetchone()[0]) + 1
        sqlite = connection.vendor == "sqlite"
        self.convert: list[Any] = []
        for f in fields:
            if isinstance(f, models.JSONField):
                self.convert.append(lambda v: json.dumps(v, ensure_ascii=False))
            elif sqlite and isinstance(f, models.DateTimeField | models.DateField
                                       | models.DecimalField):
                self.convert.append(lambda v, f=f: f.get_db_prep_save(v, connection))
            else:
                self.convert.append(None)

    def add(self, **values: Any) -> int:
        if "id" not in values:
            values["id"] = self.next_id
            self.next_id += 1
        defaults = self.defaults
        self.rows.append(tuple(values[n] if n in values else defaults[n] for n in self.names))
        return int(values["id"])

    def flush(self, connection: Any) -> None:
        if not self.rows:
            return
        converters = [(i, c) for i, c in enumerate(self.convert) if c is not None]
        rows = self.rows
        if converters:
            converted = []
            for row in rows:
                items = list(row)
                for i, c in converters:
                    if items[i] is not None:
                        items[i] = c(items[i])
                converted.append(tuple(items))
            rows = converted
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(c) for c in self.columns)
        if connection.vendor == "postgresql":
            raw = connection.connection.cursor()
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                                   rows)
        self.written += len(self.rows)
        self.rows = []


class Writer:
    """One Table per model, flushed in dependency order."""

    def __init__(self, connection: Any) -> None:
        from sasaeai.accounts.models import Membership, User
        from sasaeai.indicators.models import Indicator, Observation, Target
        from sasaeai.plans.models import (
            Actor,
            ActorStatement,
            Challenge,
            Evidence,
            Initiative,
            Placement,
            Plan,
            PlanElement,
        )
        from sasaeai.progress.models import (
            Cycle,
            Entry,
            Opinion,
            PlanRatingScale,
            RatingLevel,
            RatingScale,
        )
        from sasaeai.tenancy.models import Area, Municipality, Organization

        self.connection = connection
        order: list[Any] = [
            Municipality, Organization, Area, User, Membership, RatingScale, RatingLevel, Plan,
            Plan.owners.through, PlanRatingScale, PlanElement, Initiative,
            Initiative.responsible.through, Placement, Actor, ActorStatement, Challenge,
            Evidence, Challenge.elements.through, Challenge.initiatives.through, Indicator,
            Observation, Target, Cycle, Entry, Opinion,
        ]
        self.tables: dict[Any, Table] = {model: Table(model, connection) for model in order}
        self.t = {model.__name__: table for model, table in self.tables.items()}

    def __getitem__(self, name: str) -> Table:
        return self.t[name]

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            for table in self.tables.values():
                table.flush(self.connection)

    def finish(self) -> None:
        from django.core.management.color import no_style

        connection = self.connection
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
            else:
                cursor.execute("ANALYZE")

    def counts(self) -> dict[str, int]:
        return {model._meta.db_table: table.written for model, table in self.tables.items()}


# -- one municipality ---------------------------------------------------------------------------

def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 1, 0, tzinfo=UTC)


def reiwa(fy: int) -> str:
    return "令和元年度" if fy == 2019 else f"令和{fy - 2018}年度" if fy > 2019 else f"平成{fy - 1988}年度"


def figure_text(value: Decimal, unit: str) -> str:
    return f"{value}{unit}" if unit == "%" else f"{int(value):,}{unit}"


def build_municipality(w: Writer, place: Place, seed: int) -> None:
    rng = random.Random(f"{seed}:{place.code}")  # noqa: S311 - reproducible, not secret
    name = place.name
    muni = w["Municipality"].add(code=place.code, name=name, kana="", prefecture=place.prefecture)
    org = w["Organization"]
    city = org.add(municipality_id=muni, name=name, short_name="", kind="city", parent_id=None,
                   order=0)
    dept = org.add(municipality_id=muni, name="福祉課", short_name="", kind="department",
                   parent_id=city, order=1)
    shakyo = org.add(municipality_id=muni, name=f"{name}社会福祉協議会", short_name="社協",
                     kind="shakyo", parent_id=None, order=2)
    committee = org.add(municipality_id=muni, name=f"{name}地域福祉計画推進委員会", short_name="",
                        kind="committee", parent_id=None, order=3)
    whole = "全区" if place.kind == "区" else "全市" if place.kind == "市" else "全町村"
    root = w["Area"].add(municipality_id=muni, name=f"{name}全域", level_label=whole,
                         parent_id=None, order=0)
    for n in range(rng.randint(3, 6)):
        w["Area"].add(municipality_id=muni, name=f"第{n + 1}地区", level_label="小学校区",
                      parent_id=root, order=n + 1)
    joined = at(2019, 4, 1)
    users = {}
    for suffix, label, org_id, role in (("jimukyoku", "佐藤", city, "secretariat"),
                                        ("tanto", "田中", dept, "staff"),
                                        ("shakyo", "鈴木", shakyo, "staff"),
                                        ("iin", "高橋", committee, "committee")):
        users[suffix] = user = w["User"].add(username=f"b{place.code}-{suffix}", password="!bench",  # noqa: S106
                             display_name=f"{name} {label}", email="", date_joined=joined,
                             last_login=None)
        w["Membership"].add(user_id=user, organization_id=org_id, role=role, created_at=joined)
    scale = w["RatingScale"].add(municipality_id=muni, name="A〜Dの4段階", description="")
    for order, (code, label) in enumerate((("A", "順調"), ("B", "おおむね順調"), ("C", "やや遅れ"),
                                           ("D", "遅れ"))):
        w["RatingLevel"].add(scale_id=scale, code=code, label=label, order=order)

    title_place = name
    plan = w["Plan"].add(
        municipality_id=muni, slug=SLUG, kind="integrated", generation="第3次",
        title=f"第3次{title_place}地域福祉計画・地域福祉活動計画", predecessor_id=None, parent_id=None,
        area_id=None, start_fy=START_FY, end_fy=END_FY, philosophy=rng.choice(GOALS),
        summary=f"{name}と{name}社会福祉協議会が一体的に策定した計画です。", status="published",
        source_document=f"第3次{name}地域福祉計画（令和元年3月）", updated_at=at(2019, 3, 31))
    w["Plan_owners"].add(plan_id=plan, organization_id=city)
    w["Plan_owners"].add(plan_id=plan, organization_id=shakyo)
    w["PlanRatingScale"].add(plan_id=plan, scale_id=scale)

    actors = [w["Actor"].add(plan_id=plan, kind=kind, label=label, sphere=sphere,
                             sphere_label="", order=order)
              for order, (kind, label, sphere) in enumerate(ACTORS)]
    statement_order = 0

    def statement(actor: int, text: str, element: int | None = None,
                  initiative: int | None = None) -> None:
        nonlocal statement_order
        statement_order += 1
        w["ActorStatement"].add(plan_id=plan, actor_id=actor, element_id=element,
                                initiative_id=initiative, text=text, repeat_of_id=None,
                                order=statement_order)

    for actor, text in zip(actors, ("地域に関心を持ち、できることから始めます。", "地域の課題を話し合い、解決に取り組みます。",
                                    "地域福祉活動計画に基づき、住民の活動を支えます。", "地域福祉計画に基づき、施策を総合的に進めます。"),
                           strict=True):
        statement(actor, text)

    elements: list[tuple[int, int]] = []  # (id, goal id) of 基本施策
    goals: list[int] = []
    initiatives: list[tuple[int, int, str]] = []  # (id, goal id, topic)
    element_order = initiative_order = 0
    topics = rng.sample([(t, a) for t in TOPICS for a in ACTIONS], 80)
    for g, goal_title in enumerate(rng.sample(GOALS, 3), start=1):
        element_order += 1
        goal = w["PlanElement"].add(plan_id=plan, parent_id=None, level_label="基本目標",
                                    number_label=str(g), title=goal_title,
                                    description=f"{goal_title}を目指します。",
                                    is_priority=g == 1, is_new=False, order=element_order)
        goals.append(goal)
        for m, measure in enumerate(rng.sample(MEASURES, 4), start=1):
            element_order += 1
            element = w["PlanElement"].add(plan_id=plan, parent_id=goal, level_label="基本施策",
                                           number_label=f"({m})", title=measure,
                                           description="", is_priority=False,
                                           is_new=rng.random() < 0.1, order=element_order)
            elements.append((element, goal))
            statement(actors[0], rng.choice(RESIDENT_STATEMENTS), element=element)
            statement(actors[1], rng.choice(COMMUNITY_STATEMENTS), element=element)
            for i in range(rng.randint(4, 6)):
                topic, action = topics.pop()
                initiative_order += 1
                initiative = w["Initiative"].add(
                    plan_id=plan, element_id=element, number_label=CIRCLED[i],
                    title=f"{topic}{action}",
                    description=f"{topic}について、{rng.choice(VERBS)}。",
                    is_priority=rng.random() < 0.15, is_new=rng.random() < 0.1,
                    order=initiative_order)
                initiatives.append((initiative, goal, topic))
                w["Initiative_responsible"].add(initiative_id=initiative, organization_id=dept)
                w["Initiative_responsible"].add(initiative_id=initiative, organization_id=shakyo)
                statement(actors[2] if rng.random() < 0.5 else actors[3],
                          f"{topic}を、{rng.choice(VERBS)}。", initiative=initiative)
    for n in range(2):
        initiative, goal, _topic = initiatives[n * 7]
        target = next(e for e, g in reversed(elements) if g != goal)
        w["Placement"].add(initiative_id=initiative, element_id=target, note="【再掲】", order=n)
    for order, title in enumerate(rng.sample(CHALLENGES, 4)):
        challenge = w["Challenge"].add(plan_id=plan, number_label=f"課題{order + 1}", title=title,
                                       description="", order=order)
        w["Evidence"].add(challenge_id=challenge, kind="survey", order=0,
                          text=f"市民意識調査で「{title[:12]}」に関する回答が{rng.randint(20, 60)}%でした。")
        w["Challenge_elements"].add(challenge_id=challenge,
                                    planelement_id=elements[rng.randrange(len(elements))][0])
        w["Challenge_initiatives"].add(challenge_id=challenge,
                                       initiative_id=initiatives[rng.randrange(len(initiatives))][0])

    specs = ([(n, "%", "survey") for n in rng.sample(SURVEY_INDICATORS, 5)]
             + [(n, u, "records") for n, u in rng.sample(RECORD_INDICATORS, 10)])
    for order, (indicator_name, unit, source) in enumerate(specs):
        on_initiative = order % 3 == 2
        initiative, goal, _topic = initiatives[rng.randrange(len(initiatives))]
        indicator = w["Indicator"].add(
            plan_id=plan, element_id=goal if not on_initiative else None,
            initiative_id=initiative if on_initiative else None, name=indicator_name, unit=unit,
            polarity="higher", polarity_inferred=False, kind="outcome",
            aggregation="point" if source == "survey" else "fiscal", source_kind=source,
            source_text="市民意識調査" if source == "survey" else "業務統計",
            source_organization_id=city if source == "survey" else dept, order=order)
        value = (Decimal(rng.randint(200, 600)) / 10 if unit == "%"
                 else Decimal(rng.randint(20, 3000)))
        for year in [BASELINE_FY, *YEARS]:
            w["Observation"].add(
                indicator_id=indicator, role="baseline" if year == BASELINE_FY else "actual",
                year=year, year_end=None, year_kind="fiscal", as_of=None, value=value,
                verbatim=figure_text(value, unit), status="measured", sample_size=None,
                margin=None, margin_basis="", ci_low=None, ci_high=None, breakdown=[],
                area_id=None, note="")
            step = Decimal(rng.randint(-15, 30)) / 10
            value = max(Decimal(0), (value + step) if unit == "%" else
                        (value * (1 + step / 50)).quantize(Decimal(1)))
            if unit == "%":
                value = min(value, Decimal(100))
        goal_value = (Decimal(rng.randint(450, 800)) / 10 if unit == "%"
                      else (value * Decimal("1.2")).quantize(Decimal(1)))
        w["Target"].add(indicator_id=indicator, year=END_FY, year_kind="fiscal", kind="value",
                        value=goal_value, verbatim=figure_text(goal_value, unit))

    previous: dict[tuple[int, int], int] = {}
    for fy in YEARS:
        open_cycle = fy == END_FY
        cycle = w["Cycle"].add(
            plan_id=plan, fiscal_year=fy, kind="annual", title="",
            entries_due=date(fy + 1, 6, 30), committee_meeting=date(fy + 1, 8, 20),
            status="collecting" if open_cycle else "published", rating_scale_id=scale,
            confirmed_by_id=None if open_cycle else committee,
            confirmed_at=None if open_cycle else at(fy + 1, 8, 31), confirmation_note="",
            published_at=None if open_cycle else at(fy + 1, 9, 30), version=1,
            created_at=at(fy + 1, 4, 1))
        current: dict[tuple[int, int], int] = {}
        for initiative, _goal, topic in initiatives:
            for org_id in (dept, shakyo):
                times, people = rng.randint(2, 48), rng.randint(20, 2400)
                direction, direction_text = rng.choice(DIRECTIONS)
                status = "accepted"
                texts = {"results": f"実施回数 {times}回／参加者数 延べ{people:,}人",
                         "progress": f"{topic}を{times}回実施し、延べ{people:,}人が参加した。",
                         "issues": rng.choice(ISSUES), "direction": direction,
                         "direction_text": direction_text}
                rating = rng.choice(RATINGS)
                ratings = {"self_rating": rating, "self_rating_verbatim": rating,
                           "committee_rating": rating, "committee_rating_verbatim": rating,
                           "committee_reason": "" if rating in "AB" else "進捗に遅れが見られる。"}
                if open_cycle:
                    status = rng.choices(["not_started", "draft", "submitted", "returned"],
                                         [3, 3, 3, 1])[0]
                    ratings = {k: "" for k in ratings}
                    if status in {"submitted", "returned"}:
                        ratings["self_rating"] = ratings["self_rating_verbatim"] = rating
                entry = w["Entry"].add(
                    cycle_id=cycle, initiative_id=initiative, element_id=None,
                    organization_id=org_id, results_value=Decimal(times), results_unit="回",
                    status=status, prefilled_from_id=previous.get((initiative, org_id)),
                    return_comment="実績の数値を追記してください。" if status == "returned" else "",
                    version=1, updated_at=at(fy + 1, 5, 15), updated_by_id=None,
                    **texts, **ratings)
                current[(initiative, org_id)] = entry
        previous = current
        if not open_cycle:
            for n, (text, response) in enumerate(rng.sample(OPINIONS, 2)):
                w["Opinion"].add(cycle_id=cycle, entry_id=None, author_id=users["iin"],
                                 author_label=f"{name} 高橋", text=text, response=response,
                                 responded_by_id=users["jimukyoku"], responded_at=at(fy + 1, 9, 1 + n),
                                 created_at=at(fy + 1, 8, 20 + n), version=1)


# -- the whole dataset --------------------------------------------------------------------------

def generate(size: str | int, *, seed: int = SEED, batch: int = BATCH,
             say: Any = None) -> dict[str, Any]:
    """Write the dataset into the configured (migrated, bench-free) database."""
    from django.db import connection

    from sasaeai.tenancy.models import Municipality

    chosen = places(seed)[:size_count(size)]
    if Municipality.objects.filter(code__in=[p.code for p in chosen[:50]]).exists():
        raise SystemExit("the database already holds bench municipalities: use a fresh one")
    started = time.perf_counter()
    writer = Writer(connection)
    for start in range(0, len(chosen), batch):
        for place in chosen[start:start + batch]:
            build_municipality(writer, place, seed)
        writer.flush()
        if say is not None:
            done = min(start + batch, len(chosen))
            say(f"{done:,}/{len(chosen):,} municipalities, "
                f"{writer['Entry'].written:,} entries, {time.perf_counter() - started:.0f} s")
    loaded = time.perf_counter() - started
    writer.finish()
    total = time.perf_counter() - started
    counts = writer.counts()
    return {"municipalities": len(chosen), "seed": seed, "load_s": round(loaded, 1),
            "total_s": round(total, 1), "rows": sum(counts.values()), "counts": counts,
            "vendor": connection.vendor, "first": chosen[0].code}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="small",
                        help="tiny, small, national or a number of municipalities")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = parser.parse_args(argv)
    size: str | int = int(args.size) if args.size.isdigit() else args.size
    if isinstance(size, str) and size not in SIZES:
        parser.error(f"unknown size {size!r}")

    from bench.common import setup_django

    setup_django()
    result = generate(size, seed=args.seed, batch=args.batch,
                      say=lambda text: print(text, file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"{result['municipalities']:,} municipalities, {result['rows']:,} rows in "
              f"{result['total_s']} s ({result['vendor']})")
        for table, count in result["counts"].items():
            print(f"  {table:<36} {count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
