"""The plan workbook: a whole plan in one .xlsx, to and from a `sasaeai-plan` document.

Many plans are first typed into spreadsheets, so a plan can also travel as a workbook: one sheet
per kind of row (計画, 組織, 圏域, 体系, 取組, 主体, 役割, 課題, 指標, 目標値, 実績値), behind a
「記入方法」 sheet that explains them. `build_plan_workbook(doc)` writes a document (or, with
None, the empty template); `parse_plan_workbook(data, municipality=...)` reads a filled workbook
back into a document that `planimport.import_plan` takes, or into Japanese error messages that
name the sheet, the row and the column. Pure functions over documents: no database here.

What the workbook leaves out, on purpose: progress cycles, judgement overrides, the judgement
rule and the rating scale, which have their own screens. A document read from a workbook has
`cycles == []`, `judgement_rule is None`, `rating_scale is None` and no overrides.

How rows find each other (the same rules are written in the 記入方法 sheet):
- 体系 rows by 項目コード: the number as printed (or the title when there is none) of the row
  and its ancestors, joined with " > " (「1 > (1) > ①」). A code is only a name: any text that is
  unique works, and an empty code is made from the parent's code and the row's own number.
  Two siblings that would get the same code are told apart with 「（2）」 on writing.
- 取組 rows by 取組コード: the home element's code + " > " + the number (or title).
- organizations by 組織名 (unique in a municipality), actors by 見出し (unique in a plan),
  indicators by 指標名 (unique in a plan), areas by 圏域名, or by 「上位の圏域名 > 圏域名」 when
  the name alone is not unique (names are unique only under one parent).
- 役割番号 and 課題番号 are numbers local to the file, for 再掲 and for evidence rows.
Rows are never matched by position; the order of rows is the display order (the `order` of
each row is 0, 1, 2 … within its group, in row order).

Every cell is written as text (`TextCells`), so no text becomes a formula and a decimal keeps
its exact digits; reading goes through `read_xlsx_book`, which refuses formulas, zip bombs and
oversized files. Bad input never raises: each problem becomes one message and `doc` is None.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter

from sasaeai.lib.spreadsheets import SpreadsheetError, TextCells, read_xlsx_book
from sasaeai.lib.wareki import MAX_AD, MIN_AD, WarekiError, format_fy, parse_year

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_RATIO = 100  # an .xlsx of text compresses 3–10×; a zip bomb, thousands of times
MAX_ERRORS = 100
FONT = "BIZ UDPゴシック"
LAST_ROW = 10_000  # rows read per sheet; data validation covers the same rows

FORMAT = "sasaeai-plan"
VERSION = "1.0"

GUIDE = "記入方法"
PLAN = "計画"
ORGS = "組織"
AREAS = "圏域"
ELEMENTS = "体系"
ACTORS = "主体"
INITIATIVES = "取組"
STATEMENTS = "役割"
CHALLENGES = "課題"
INDICATORS = "指標"
TARGETS = "目標値"
OBSERVATIONS = "実績値"
SHEETS = (PLAN, ORGS, AREAS, ELEMENTS, ACTORS, INITIATIVES, STATEMENTS, CHALLENGES, INDICATORS,
          TARGETS, OBSERVATIONS)

# Choice labels, as the models name them (a test keeps them in step with the models).
PLAN_KINDS = {"community": "地域福祉計画", "activity": "地域福祉活動計画",
              "integrated": "一体的計画", "district": "地区福祉活動計画",
              "multilayer": "重層的支援体制整備事業実施計画"}
PLAN_STATUSES = {"draft": "素案", "adopted": "策定済", "published": "公開"}
ORG_KINDS = {"city": "市町村", "shakyo": "社会福祉協議会", "district_shakyo": "地区社協",
             "department": "担当課", "committee": "審議会・委員会", "community": "地域団体"}
ACTOR_KINDS = {"residents": "市民・地域住民等", "community": "地域の団体",
               "business": "事業者・社会福祉法人", "shakyo": "社協", "city": "市",
               "everyone": "みんな（協働）"}
SPHERES = {"self": "自助", "mutual": "共助", "public": "公助"}
EVIDENCE_KINDS = {"statistics": "統計", "hearing": "ヒアリング", "workshop": "ワークショップ",
                  "survey": "アンケート", "council": "協議会"}
POLARITIES = {"higher": "高いほどよい", "lower": "低いほどよい", "band": "一定の範囲がよい"}
INDICATOR_KINDS = {"outcome": "成果", "activity": "活動"}
AGGREGATIONS = {"fiscal": "年度値", "cumulative": "累計", "point": "時点値",
                "average": "複数年平均"}
SOURCE_KINDS = {"survey": "アンケート調査", "records": "業務統計"}
YEAR_KINDS = {"fiscal": "年度", "calendar": "年", "unspecified": "記載なし"}
TARGET_KINDS = {"value": "数値", "at_least": "以上", "at_most": "以下", "up": "↗（増加）",
                "down": "↘（減少）", "maintain": "維持", "not_set": "設定しない",
                "pending": "検討中"}
ROLES = {"baseline": "基準値", "actual": "実績値"}
OBSERVATION_STATUSES = {"measured": "実測", "estimated": "推計", "surveying": "調査中",
                        "not_surveyed": "未調査", "placeholder": "未記入（〇〇）"}
MARGIN_BASES = {"sampling": "標本誤差（95%信頼区間）",
                "two_proportion": "基準値との差の検定（95%）"}
MARGIN_PRINTED = "資料の記載"  # the label of the empty basis
SUBJECTS = {"plan": "計画全体", "element": "項目", "initiative": "取組"}
# Other spellings of a choice (the models' own names for the empty choices among them).
SPHERE_ALIASES = {"区分なし": "", "なし": ""}
EVIDENCE_ALIASES = {"区分なし": "", "なし": ""}
SOURCE_ALIASES = {"記載なし": "", "なし": ""}
YEAR_KIND_ALIASES = {"年・年度の記載なし": "unspecified", "なし": "unspecified"}
MARGIN_ALIASES = {MARGIN_PRINTED: ""}

MARK = "○"
TRUE_MARKS = {"○", "〇", "◯", "●", "◎", "✓", "✔", "レ", "1", "TRUE", "はい", "YES", "Y"}
FALSE_MARKS = {"×", "✕", "0", "FALSE", "いいえ", "NO", "N", "-", "ー"}
NUMERIC_TARGETS = {"value", "at_least", "at_most"}
VALUED_STATUSES = {"measured", "estimated"}
SEPARATOR = " > "


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    help: str
    required: bool = False  # a value is needed on every row (the header is yellow)
    choices: tuple[str, ...] = ()  # a dropdown of these
    source: str = ""  # or a dropdown of the values in another sheet's first column
    wrap: bool = False


def _choices(labels: dict[str, str], *, blank: bool = False) -> tuple[str, ...]:
    return tuple(labels.values()) + (("",) if blank else ())


def _listing(labels: Iterable[str]) -> str:
    """Choices as the messages list them: 「市町村」「担当課」 (a label may hold 「・」)."""
    return "".join(f"「{label}」" for label in labels if label)


def _ref(sheet: str) -> str:
    return f"='{sheet}'!$A$2:$A${LAST_ROW}"


FLAG_HELP = f"該当するときは「{MARK}」、しないときは空欄。"
LINES_HELP = "複数のときはセル内で改行して（Alt＋Enter）1行に1つずつ書きます。"

COLUMNS: dict[str, tuple[Column, ...]] = {
    PLAN: (
        Column("項目", 26, "計画のどの情報かを示します。変えないでください。"),
        Column("値", 90, "各項目の値を書きます。", wrap=True),
    ),
    ORGS: (
        Column("組織名", 30, "組織の正式な名称（必須）。他のシートからはこの名称で組織を指します。"
               "取り込むときは、自治体に同じ名称の組織があればそれを使い、なければ新しく作ります。",
               required=True),
        Column("略称", 14, "例：社協。"),
        Column("種別", 16, f"{_listing(ORG_KINDS.values())}から選びます（必須）。",
               required=True, choices=_choices(ORG_KINDS)),
        Column("上位の組織", 30, "上位の組織の組織名（例：担当課の上位の市）。上位の組織は、"
               "その組織より上の行に書きます。なければ空欄。", source=_ref(ORGS)),
    ),
    AREAS: (
        Column("圏域名", 24, "圏域の名称（必須）。同じ上位の圏域の下では重複できません。"
               "他のシートからはこの名称で圏域を指します。同じ名称が上位の圏域違いで複数あるときは、"
               "「上位の圏域名 > 圏域名」のように書いて指します。", required=True),
        Column("階層名", 16, "例：全市、中学校区、小学校区、町内会（必須）。", required=True),
        Column("上位の圏域", 24, "上位の圏域の圏域名。上位の圏域は、その圏域より上の行に書きます。"
               "なければ空欄。", source=_ref(AREAS)),
        Column("説明", 40, "圏域の説明。", wrap=True),
        Column("仮の名称", 10, f"資料に件数しかなく、名称を仮に付けた圏域なら「{MARK}」。",
               choices=(MARK,)),
    ),
    ELEMENTS: (
        Column("項目コード", 24, "この項目を指すコード。上位の項目と自分の番号（番号がなければ名称）を"
               "「 > 」でつないだもの（例：1 > (1) > ①）。他の項目と重ならなければ自由に決めて"
               "かまいません。空欄なら上位の項目コードと番号から作ります。"),
        Column("上位の項目コード", 20, "上位の項目の項目コード。基本目標など一番上の項目は空欄。"
               "上位の項目は、その項目より上の行に書きます。", source=_ref(ELEMENTS)),
        Column("階層名", 14, "例：基本目標、基本施策、施策の方向（必須）。", required=True),
        Column("番号", 10, "計画書に印字されたとおりの番号（例：1、(1)、①、★重点目標①）。"
               "同じ上位の項目の下で、同じ階層名・同じ番号の項目は2つ置けません。"),
        Column("名称", 40, "項目の名称（必須）。", required=True, wrap=True),
        Column("説明", 50, "項目の説明。", wrap=True),
        Column("重点", 8, FLAG_HELP, choices=(MARK,)),
        Column("新規", 8, FLAG_HELP, choices=(MARK,)),
    ),
    ACTORS: (
        Column("主体の見出し", 34, "計画書の見出しのとおり（例：地域住民等ができること）（必須）。"
               "計画の中で重複できません。「役割」シートからはこの見出しで主体を指します。",
               required=True),
        Column("主体の種類", 20, f"{_listing(ACTOR_KINDS.values())}から選びます（必須）。",
               required=True, choices=_choices(ACTOR_KINDS)),
        Column("自助・共助・公助", 14, f"{_listing(SPHERES.values())}から選ぶか、区分がなければ空欄。",
               choices=_choices(SPHERES)),
        Column("区分の表記", 16, "計画独自の区分の表記（例：互助・共助）。"),
    ),
    INITIATIVES: (
        Column("取組コード", 30, "この取組を指すコード。掲載先の項目コードに「 > 」と番号"
               "（番号がなければ名称）をつないだもの。他の取組と重ならなければ自由に決めて"
               "かまいません。空欄なら項目コードと番号から作ります。"),
        Column("項目コード", 22, "取組を掲載する項目（掲載先）の項目コード（必須）。",
               required=True, source=_ref(ELEMENTS)),
        Column("番号", 10, "計画書に印字されたとおりの番号。同じ項目の下で重複できません。"),
        Column("名称", 40, "取組の名称（必須）。", required=True, wrap=True),
        Column("説明", 50, "取組の説明。", wrap=True),
        Column("重点", 8, FLAG_HELP, choices=(MARK,)),
        Column("新規", 8, FLAG_HELP, choices=(MARK,)),
        Column("担当組織", 30, "進捗を報告する組織の組織名。複数のときは「、」で区切ります。",
               wrap=True),
        Column("再掲先", 34, "ほかの項目にも再掲するとき、その項目コード。表記を付けるときは"
               "「項目コード｜【再掲】」のように「｜」の後に書きます。" + LINES_HELP, wrap=True),
    ),
    STATEMENTS: (
        Column("役割番号", 10, "このファイルの中だけの番号（1、2、3…）。再掲の役割から"
               "「再掲元の役割番号」で指すときに使います。重複できません。"),
        Column("主体の見出し", 30, "「主体」シートの主体の見出し（必須）。", required=True,
               source=_ref(ACTORS)),
        Column("対象の種類", 12, f"{_listing(SUBJECTS.values())}から選びます。空欄なら、対象が空欄のときは"
               "計画全体、対象があれば項目コードか取組コードのどちらかから探します。",
               choices=_choices(SUBJECTS)),
        Column("対象", 30, "項目の役割なら項目コード、取組の役割なら取組コード。"
               "計画全体の役割なら空欄。"),
        Column("内容", 50, "その主体が行うこと（必須）。", required=True, wrap=True),
        Column("補足", 30, "補足の説明。", wrap=True),
        Column("再掲の表記", 18, "例：【再掲 p○参照】。"),
        Column("再掲元の役割番号", 12, "再掲の役割なら、再掲元の役割の役割番号。",
               source=_ref(STATEMENTS)),
    ),
    CHALLENGES: (
        Column("課題番号", 10, "このファイルの中だけの番号（C1、C2…）（必須）。1つの課題に根拠が"
               "複数あるときは、根拠ごとに行を分け、同じ課題番号を書きます"
               "（課題の名称などは最初の行にだけ書けば足ります）。", required=True),
        Column("番号", 10, "計画書に印字されたとおりの課題の番号。計画の中で重複できません。"),
        Column("課題", 40, "課題の名称（必須）。", wrap=True),
        Column("説明", 50, "課題の説明。", wrap=True),
        Column("対応する項目コード", 24, "課題に対応する項目の項目コード。" + LINES_HELP,
               wrap=True),
        Column("対応する取組コード", 24, "課題に対応する取組の取組コード。" + LINES_HELP,
               wrap=True),
        Column("根拠の種類", 14, f"{_listing(EVIDENCE_KINDS.values())}から選ぶか空欄。",
               choices=_choices(EVIDENCE_KINDS)),
        Column("根拠", 50, "課題の根拠の内容。根拠がなければ、根拠の種類とともに空欄。",
               wrap=True),
    ),
    INDICATORS: (
        Column("指標名", 40, "計画書に印字されたとおりの指標名（必須）。計画の中で重複できません。"
               "「目標値」「実績値」シートからはこの指標名で指します。", required=True,
               wrap=True),
        Column("項目コード", 20, "指標が対応する項目の項目コード。計画全体の指標なら空欄。",
               source=_ref(ELEMENTS)),
        Column("取組コード", 20, "指標が対応する取組の取組コード。なければ空欄。",
               source=_ref(INITIATIVES)),
        Column("単位", 8, "例：%、人、件。"),
        Column("望ましい方向", 16, f"{_listing(POLARITIES.values())}から選びます（必須）。",
               required=True, choices=_choices(POLARITIES)),
        Column("方向は推定", 10, f"計画書に明記がなく方向を推定したときは「{MARK}」。",
               choices=(MARK,)),
        Column("種類", 8, f"{_listing(INDICATOR_KINDS.values())}から選びます（空欄は成果）。",
               choices=_choices(INDICATOR_KINDS)),
        Column("集計方法", 12, f"{_listing(AGGREGATIONS.values())}から選びます（空欄は年度値）。",
               choices=_choices(AGGREGATIONS)),
        Column("出典の種類", 14, f"{_listing(SOURCE_KINDS.values())}から選ぶか空欄。",
               choices=_choices(SOURCE_KINDS)),
        Column("出典（表記どおり）", 24, "計画書に書かれた出典。", wrap=True),
        Column("出典の組織", 24, "数値を出す組織の組織名。", source=_ref(ORGS)),
        Column("定義", 30, "指標の定義。", wrap=True),
        Column("設定理由", 30, "指標を設定した理由。", wrap=True),
        Column("注記", 30, "注記。", wrap=True),
    ),
    TARGETS: (
        Column("指標名", 40, "「指標」シートの指標名（必須）。", required=True,
               source=_ref(INDICATORS), wrap=True),
        Column("年", 8, "目標の年・年度を西暦の数字で（例：2025）。令和7年度 のようにも書けます。"
               "年の定めがなければ空欄。"),
        Column("年・年度の別", 12, f"{_listing(YEAR_KINDS.values())}から選びます（空欄は年度）。",
               choices=_choices(YEAR_KINDS)),
        Column("目標の種類", 14, f"{_listing(TARGET_KINDS.values())}から選びます（必須）。"
               "数値・以上・以下は目標値が必要です。↗・↘・設定しない・検討中には目標値を書きません。",
               required=True, choices=_choices(TARGET_KINDS)),
        Column("目標値", 12, "半角の数字と小数点だけで（例：35000、85.3）。単位は書きません。"),
        Column("表記どおり", 24, "計画書に書かれたとおりの目標（例：35,000 件以上）。", wrap=True),
    ),
    OBSERVATIONS: (
        Column("指標名", 40, "「指標」シートの指標名（必須）。", required=True,
               source=_ref(INDICATORS), wrap=True),
        Column("区分", 10, f"{_listing(ROLES.values())}から選びます（必須）。", required=True,
               choices=_choices(ROLES)),
        Column("年", 8, "値の年・年度を西暦の数字で（例：2023）。令和5年度 のようにも書けます。"),
        Column("期間の終わりの年", 10, "複数年の平均など、期間の値のときの終わりの年（西暦）。"),
        Column("年・年度の別", 12, f"{_listing(YEAR_KINDS.values())}から選びます（空欄は年度）。",
               choices=_choices(YEAR_KINDS)),
        Column("時点", 12, "値の時点の日付（例：2023-10-01）。"),
        Column("値", 12, "半角の数字と小数点だけで（例：41.6）。単位は書きません。"),
        Column("表記どおり", 20, "計画書に書かれたとおりの値（例：41.6%、調査中）。", wrap=True),
        Column("状態", 12, f"{_listing(OBSERVATION_STATUSES.values())}から選びます（空欄は実測）。"
               "実測・推計は値が必要です。それ以外には値を書きません。",
               choices=_choices(OBSERVATION_STATUSES)),
        Column("回答数", 8, "アンケートの回答数（n）。"),
        Column("誤差", 8, "誤差（±ポイント）。"),
        Column("誤差の根拠", 22, f"{_listing((MARGIN_PRINTED, *MARGIN_BASES.values()))}から選びます"
               f"（空欄は{MARGIN_PRINTED}）。", choices=(MARGIN_PRINTED, *MARGIN_BASES.values())),
        Column("95%信頼区間の下限", 12, "95%信頼区間の下限。"),
        Column("95%信頼区間の上限", 12, "95%信頼区間の上限。"),
        Column("圏域", 16, "地区別などの値なら、その圏域の圏域名。市全体の値なら空欄。",
               source=_ref(AREAS)),
        Column("内訳の区分", 14, "例：地区別。"),
        Column("内訳（JSON）", 30, "区分ごとの内訳（ささえあいが書き出したもの）。"
               "変えずにそのままにしてください。", wrap=True),
        Column("注記", 30, "注記。", wrap=True),
    ),
}


@dataclass(frozen=True)
class PlanField:
    label: str
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()


PLAN_FIELDS = (
    PlanField("計画名", "計画書の表紙のとおりの計画名（必須）。", required=True),
    PlanField("URL名", "計画のURLに使う名前。半角英数字・ハイフン（-）・下線（_）で書きます"
              "（必須。例：dai3ji）。", required=True),
    PlanField("計画の種類", f"{_listing(PLAN_KINDS.values())}から選びます（必須）。",
              required=True, choices=_choices(PLAN_KINDS)),
    PlanField("期・次", "例：第3次、第4期。"),
    PlanField("計画期間（開始年度）", "令和3年度 のように書きます（2021 や R3 でも読めます）。"),
    PlanField("計画期間（終了年度）", "令和7年度 のように書きます（2025 や R7 でも読めます）。"),
    PlanField("基本理念", "計画の基本理念。"),
    PlanField("基本理念の説明", "基本理念の説明。"),
    PlanField("計画の概要", "計画の概要。"),
    PlanField("状態", f"{_listing(PLAN_STATUSES.values())}から選びます（空欄は素案）。",
              choices=_choices(PLAN_STATUSES)),
    PlanField("出典資料", "計画書の資料名や掲載場所。"),
    PlanField("策定主体", "計画を策定した組織の組織名（「組織」シートにあるもの）。"
              "複数のときは「、」で区切ります。"),
    PlanField("前計画", "前の計画のURL名（同じ自治体の計画）。なければ空欄。"),
    PlanField("前計画の名称", "前の計画の名称（参考。照合はURL名で行います）。"),
    PlanField("上位計画", "地区福祉活動計画なら、上位の計画のURL名。なければ空欄。"),
    PlanField("上位計画の名称", "上位の計画の名称（参考。照合はURL名で行います）。"),
    PlanField("対象圏域", "計画の対象が一部の圏域なら、その圏域名（「圏域」シートにあるもの）。"
              "市全体なら空欄。"),
)

MAX_LENGTHS: dict[tuple[str, str], int] = {
    (PLAN, "計画名"): 200, (PLAN, "URL名"): 60, (PLAN, "期・次"): 20, (PLAN, "基本理念"): 200,
    (PLAN, "出典資料"): 300,
    (ORGS, "組織名"): 100, (ORGS, "略称"): 30,
    (AREAS, "圏域名"): 100, (AREAS, "階層名"): 40,
    (ELEMENTS, "階層名"): 40, (ELEMENTS, "番号"): 30, (ELEMENTS, "名称"): 300,
    (INITIATIVES, "番号"): 30, (INITIATIVES, "名称"): 300,
    (ACTORS, "主体の見出し"): 100, (ACTORS, "区分の表記"): 20,
    (STATEMENTS, "再掲の表記"): 60,
    (CHALLENGES, "番号"): 30, (CHALLENGES, "課題"): 300,
    (INDICATORS, "指標名"): 300, (INDICATORS, "単位"): 20, (INDICATORS, "出典（表記どおり）"): 200,
    (TARGETS, "表記どおり"): 200,
    (OBSERVATIONS, "表記どおり"): 200, (OBSERVATIONS, "内訳の区分"): 100,
    (OBSERVATIONS, "注記"): 300,
}
PLACEMENT_NOTE_MAX = 100


# Shared helpers ----------------------------------------------------------------------------

def _fold(text: str) -> str:
    """The matching key of a header or a choice: width and spaces do not matter."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _code_key(text: str) -> str:
    """The matching key of a code or a name: spaces around 「>」 and runs of spaces do not
    matter (full width stays full width: ① is not 1)."""
    return re.sub(r"\s*>\s*", SEPARATOR, " ".join(text.split())).strip()


def _label(number_label: str, title: str) -> str:
    """A row's part of a code: its number, or its title when it has none, on one line."""
    text = " ".join((number_label or title or "").split()).replace("｜", "|")
    return text or "（名称なし）"


def _unique(code: str, used: set[str]) -> str:
    candidate, n = code, 2
    while _code_key(candidate) in used:
        candidate, n = f"{code}（{n}）", n + 1
    used.add(_code_key(candidate))
    return candidate


def _tree_order(parents: list[int | None]) -> list[int]:
    """Rows (given by the index of their parent row, which comes first) depth first, siblings
    in row order: the order `planjson` writes trees in."""
    children: dict[int | None, list[int]] = {}
    for index, parent in enumerate(parents):
        children.setdefault(parent, []).append(index)
    out: list[int] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        index = stack.pop()
        out.append(index)
        stack.extend(reversed(children.get(index, [])))
    return out


def _orders(groups: list[Any]) -> list[int]:
    """0, 1, 2 … within each group, in list order."""
    seen: dict[Any, int] = {}
    out = []
    for group in groups:
        out.append(seen.get(group, 0))
        seen[group] = out[-1] + 1
    return out


def _key_number(key: str) -> int:
    return int(key[1:]) if key[1:].isascii() and key[1:].isdigit() else 0


# Writing -----------------------------------------------------------------------------------

class _Names:
    """What each key of a document is called in the workbook."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.org = {o["key"]: o.get("name", "") for o in doc.get("organizations", [])}
        areas = doc.get("areas", [])
        by_key = {a["key"]: a for a in areas}
        counts: dict[str, int] = {}
        for area in areas:
            key = _code_key(area.get("name", ""))
            counts[key] = counts.get(key, 0) + 1

        def path(area: dict[str, Any]) -> str:
            parent = by_key.get(area.get("parent") or "")
            name = area.get("name", "")
            return f"{path(parent)}{SEPARATOR}{name}" if parent else name

        self.area = {a["key"]: a.get("name", "") if counts[_code_key(a.get("name", ""))] == 1
                     else path(a) for a in areas}
        self.element: dict[str, str] = {}
        used: set[str] = set()
        for element in doc.get("elements", []):
            own = _label(element.get("number_label", ""), element.get("title", ""))
            parent = self.element.get(element.get("parent") or "")
            self.element[element["key"]] = _unique(
                f"{parent}{SEPARATOR}{own}" if parent else own, used)
        self.initiative: dict[str, str] = {}
        used = set()
        for initiative in doc.get("initiatives", []):
            own = _label(initiative.get("number_label", ""), initiative.get("title", ""))
            home = self.element.get(initiative.get("element") or "")
            self.initiative[initiative["key"]] = _unique(
                f"{home}{SEPARATOR}{own}" if home else own, used)
        self.actor = {a["key"]: a.get("label", "") for a in doc.get("actors", [])}
        self.statement = {s["key"]: str(i) for i, s in enumerate(doc.get("statements", []),
                                                                  start=1)}


def _flag(value: Any) -> str:
    return MARK if value else ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _plan_values(doc: dict[str, Any], names: _Names) -> dict[str, str]:
    plan = doc.get("plan") or {}
    if not plan:
        return {}

    def fiscal(value: Any) -> str:
        if value is None:
            return ""
        try:
            return format_fy(int(value), ad=False)
        except (WarekiError, ValueError):
            return str(value)

    def ref(link: Any, member: str) -> str:
        return _text(link.get(member)) if isinstance(link, dict) else ""

    return {
        "計画名": _text(plan.get("title")), "URL名": _text(plan.get("slug")),
        "計画の種類": PLAN_KINDS.get(plan.get("kind", ""), _text(plan.get("kind"))),
        "期・次": _text(plan.get("generation")),
        "計画期間（開始年度）": fiscal(plan.get("start_fy")),
        "計画期間（終了年度）": fiscal(plan.get("end_fy")),
        "基本理念": _text(plan.get("philosophy")),
        "基本理念の説明": _text(plan.get("philosophy_description")),
        "計画の概要": _text(plan.get("summary")),
        "状態": PLAN_STATUSES.get(plan.get("status", ""), _text(plan.get("status"))),
        "出典資料": _text(plan.get("source_document")),
        "策定主体": "、".join(names.org.get(k, k) for k in plan.get("owners", [])),
        "前計画": ref(plan.get("predecessor"), "slug"),
        "前計画の名称": ref(plan.get("predecessor"), "title"),
        "上位計画": ref(plan.get("parent"), "slug"),
        "上位計画の名称": ref(plan.get("parent"), "title"),
        "対象圏域": names.area.get(plan.get("area") or "", ""),
    }


def _table_rows(doc: dict[str, Any], names: _Names) -> dict[str, list[list[str]]]:
    """The rows of every table sheet, in the order of the columns."""
    org, area, element, initiative = names.org, names.area, names.element, names.initiative
    rows: dict[str, list[list[str]]] = {}
    rows[ORGS] = [[o.get("name", ""), o.get("short_name", ""),
                   ORG_KINDS.get(o.get("kind", ""), o.get("kind", "")),
                   org.get(o.get("parent") or "", "")] for o in doc.get("organizations", [])]
    rows[AREAS] = [[a.get("name", ""), a.get("level_label", ""),
                    area.get(a.get("parent") or "", ""), a.get("description", ""),
                    _flag(a.get("is_sample_name"))]
                   for a in doc.get("areas", [])]
    rows[ELEMENTS] = [[element[e["key"]], element.get(e.get("parent") or "", ""),
                       e.get("level_label", ""), e.get("number_label", ""), e.get("title", ""),
                       e.get("description", ""), _flag(e.get("is_priority")),
                       _flag(e.get("is_new"))] for e in doc.get("elements", [])]
    rows[ACTORS] = [[a.get("label", ""), ACTOR_KINDS.get(a.get("kind", ""), a.get("kind", "")),
                     SPHERES.get(a.get("sphere", ""), a.get("sphere", "")),
                     a.get("sphere_label", "")] for a in doc.get("actors", [])]
    placements: dict[str, list[str]] = {}
    for p in doc.get("placements", []):
        code = element.get(p.get("element") or "", "")
        note = p.get("note", "")
        placements.setdefault(p.get("initiative", ""), []).append(f"{code}｜{note}" if note
                                                                  else code)
    rows[INITIATIVES] = [[initiative[i["key"]], element.get(i.get("element") or "", ""),
                          i.get("number_label", ""), i.get("title", ""), i.get("description", ""),
                          _flag(i.get("is_priority")), _flag(i.get("is_new")),
                          "、".join(org.get(k, k) for k in i.get("responsible", [])),
                          "\n".join(placements.get(i["key"], []))]
                         for i in doc.get("initiatives", [])]
    rows[STATEMENTS] = []
    for s in doc.get("statements", []):
        if s.get("initiative"):
            kind, target = SUBJECTS["initiative"], initiative.get(s["initiative"], "")
        elif s.get("element"):
            kind, target = SUBJECTS["element"], element.get(s["element"], "")
        else:
            kind, target = SUBJECTS["plan"], ""
        rows[STATEMENTS].append([
            names.statement[s["key"]], names.actor.get(s.get("actor", ""), ""), kind, target,
            s.get("text", ""), s.get("detail", ""), s.get("repeat_note", ""),
            names.statement.get(s.get("repeat_of") or "", "")])
    rows[CHALLENGES] = []
    for number, c in enumerate(doc.get("challenges", []), start=1):
        head = [f"C{number}", c.get("number_label", ""), c.get("title", ""),
                c.get("description", ""),
                "\n".join(element.get(k, "") for k in c.get("elements", [])),
                "\n".join(initiative.get(k, "") for k in c.get("initiatives", []))]
        evidence = c.get("evidence", []) or [None]
        for index, item in enumerate(evidence):
            tail = ["", ""] if item is None else [
                EVIDENCE_KINDS.get(item.get("kind", ""), item.get("kind", "")),
                item.get("text", "")]
            rows[CHALLENGES].append((head if index == 0 else [head[0], "", "", "", "", ""]) + tail)
    rows[INDICATORS], rows[TARGETS], rows[OBSERVATIONS] = [], [], []
    for i in doc.get("indicators", []):
        name = i.get("name", "")
        rows[INDICATORS].append([
            name, element.get(i.get("element") or "", ""),
            initiative.get(i.get("initiative") or "", ""), i.get("unit", ""),
            POLARITIES.get(i.get("polarity", ""), i.get("polarity", "")),
            _flag(i.get("polarity_inferred")),
            INDICATOR_KINDS.get(i.get("kind", ""), i.get("kind", "")),
            AGGREGATIONS.get(i.get("aggregation", ""), i.get("aggregation", "")),
            SOURCE_KINDS.get(i.get("source_kind", ""), i.get("source_kind", "")),
            i.get("source_text", ""), org.get(i.get("source_organization") or "", ""),
            i.get("definition", ""), i.get("rationale", ""), i.get("note", "")])
        for t in i.get("targets", []):
            rows[TARGETS].append([
                name, _text(t.get("year")), YEAR_KINDS.get(t.get("year_kind", ""), ""),
                TARGET_KINDS.get(t.get("kind", ""), t.get("kind", "")), _text(t.get("value")),
                t.get("verbatim", "")])
        for o in i.get("observations", []):
            basis = o.get("margin_basis", "")
            breakdown = o.get("breakdown") or []
            rows[OBSERVATIONS].append([
                name, ROLES.get(o.get("role", ""), o.get("role", "")), _text(o.get("year")),
                _text(o.get("year_end")), YEAR_KINDS.get(o.get("year_kind", ""), ""),
                _text(o.get("as_of")), _text(o.get("value")), o.get("verbatim", ""),
                OBSERVATION_STATUSES.get(o.get("status", ""), o.get("status", "")),
                _text(o.get("sample_size")), _text(o.get("margin")),
                MARGIN_BASES.get(basis, basis) if basis else
                (MARGIN_PRINTED if o.get("margin") is not None else ""),
                _text(o.get("ci_low")), _text(o.get("ci_high")),
                area.get(o.get("area") or "", ""), o.get("breakdown_label", ""),
                json.dumps(breakdown, ensure_ascii=False) if breakdown else "",
                o.get("note", "")])
    return rows


class _Writer:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.cells = TextCells(book)
        base = {"font_name": FONT, "font_size": 10, "valign": "top", "num_format": "@"}
        self.cells.add_format("cell", base)
        self.cells.add_format("wrap", {**base, "text_wrap": True})
        head = {**base, "bold": True, "text_wrap": True, "valign": "vcenter",
                "border": 1, "border_color": "#8c8c8c"}
        self.cells.add_format("head", {**head, "bg_color": "#d9d9d9"})
        self.cells.add_format("head_required", {**head, "bg_color": "#fff2cc"})
        self.cells.add_format("label", {**base, "bold": True, "bg_color": "#f2f2f2",
                                        "border": 1, "border_color": "#bfbfbf"})
        self.cells.add_format("label_required", {**base, "bold": True, "bg_color": "#fff2cc",
                                                 "border": 1, "border_color": "#bfbfbf"})
        guide = {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top"}
        self.cells.add_format("guide", guide)
        self.cells.add_format("guide_bold", {**guide, "bold": True})
        self.cells.add_format("guide_head", {**guide, "bold": True, "font_size": 12,
                                             "bg_color": "#d9d9d9"})
        self.cells.add_format("title", {**guide, "bold": True, "font_size": 14,
                                        "text_wrap": False})

    def write(self, sheet: Any, row: int, col: int, value: Any, name: str) -> None:
        if value is None or value == "":
            return
        self.cells.write(sheet, row, col, value, name)

    def header(self, sheet: Any, columns: tuple[Column, ...]) -> None:
        for index, column in enumerate(columns):
            self.cells.write(sheet, 0, index, column.title,
                             "head_required" if column.required else "head")
            sheet.set_column(index, index, column.width,
                             self.cells.format("wrap" if column.wrap else "cell"))
        sheet.set_row(0, 30)
        sheet.freeze_panes(1, 1)

    def validate(self, sheet: Any, index: int, column: Column) -> None:
        if not (column.choices or column.source):
            return
        if column.choices:
            options = [c for c in column.choices if c]
            blank = "" in column.choices or not column.required
            message = f"{_listing(options)}から選んでください。" + ("空欄でもかまいません。"
                                                               if blank else "")
            sheet.data_validation(1, index, LAST_ROW - 1, index, {
                "validate": "list", "source": options, "ignore_blank": True,
                "input_title": column.title[:32], "input_message": message[:255],
                "error_title": column.title[:32], "error_type": "stop",
                "error_message": f"一覧にない値です。{message}"[:255],
            })
        else:
            sheet.data_validation(1, index, LAST_ROW - 1, index, {
                "validate": "list", "source": column.source, "ignore_blank": True,
                "input_title": column.title[:32], "input_message": column.help[:255],
                "error_title": column.title[:32], "error_type": "warning",
                "error_message": "ほかのシートにない値です。綴りを確かめてください。"[:255],
            })

    def table(self, name: str, rows: list[list[str]]) -> None:
        columns = COLUMNS[name]
        sheet = self.book.add_worksheet(name)
        self.header(sheet, columns)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                self.write(sheet, r, c, value, "wrap" if columns[c].wrap else "cell")
        for index, column in enumerate(columns):
            self.validate(sheet, index, column)

    def plan(self, values: dict[str, str]) -> None:
        sheet = self.book.add_worksheet(PLAN)
        self.header(sheet, COLUMNS[PLAN])
        for r, item in enumerate(PLAN_FIELDS, start=1):
            self.cells.write(sheet, r, 0, item.label,
                             "label_required" if item.required else "label")
            self.write(sheet, r, 1, values.get(item.label, ""), "wrap")
            if item.choices:
                options = [c for c in item.choices if c]
                message = f"{_listing(options)}から選んでください。"
                sheet.data_validation(r, 1, r, 1, {
                    "validate": "list", "source": options,
                    "input_title": item.label[:32], "input_message": message[:255],
                    "error_title": item.label[:32], "error_type": "stop",
                    "error_message": f"一覧にない値です。{message}"[:255],
                })
            else:
                sheet.data_validation(r, 1, r, 1, {
                    "validate": "any", "input_title": item.label[:32],
                    "input_message": item.help[:255],
                })

    def guide(self, doc: dict[str, Any] | None) -> None:
        sheet = self.book.add_worksheet(GUIDE)
        sheet.hide_gridlines(2)
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 100)
        write = self.cells.write
        title = ((doc or {}).get("plan") or {}).get("title", "")
        write(sheet, 0, 0, f"計画ワークブックの記入方法{f'（{title}）' if title else ''}", "title")
        row = 2
        for heading, paragraphs in GUIDE_TEXT:
            write(sheet, row, 0, heading, "guide_head")
            write(sheet, row, 1, "", "guide_head")
            row += 1
            for text in paragraphs:
                write(sheet, row, 1, text, "guide")
                row += 1
            row += 1
        for name in SHEETS:
            write(sheet, row, 0, f"「{name}」シート", "guide_head")
            write(sheet, row, 1, SHEET_HELP[name], "guide_head")
            row += 1
            if name == PLAN:
                items = [(f.label, f.help) for f in PLAN_FIELDS]
            else:
                items = [(c.title, c.help) for c in COLUMNS[name]]
            for label, text in items:
                write(sheet, row, 0, label, "guide_bold")
                write(sheet, row, 1, text, "guide")
                row += 1
            row += 1
        sheet.activate()


SHEET_HELP = {
    PLAN: "計画そのものの情報。1行に1項目で、「値」の列に書きます。",
    ORGS: "計画に出てくる組織（策定主体、担当組織、出典の組織）。1行に1組織。",
    AREAS: "計画に出てくる圏域（対象圏域、地区別の実績値）。1行に1圏域。",
    ELEMENTS: "計画の体系（基本目標・基本施策・施策の方向など）。1行に1項目。上位の項目を先に書きます。",
    ACTORS: "主体（「地域住民等ができること」などの見出しのまとまり）。1行に1主体。",
    INITIATIVES: "取組（事業）。1行に1取組。掲載先の項目ごとに、行の順が表示の順になります。",
    STATEMENTS: "主体ごとの役割（「〇〇ができること」の内容）。1行に1つ。",
    CHALLENGES: "課題とその根拠。1行に1つの根拠。根拠のない課題は根拠の列を空欄にして1行。",
    INDICATORS: "指標。1行に1指標。",
    TARGETS: "指標の目標値。1行に1つ（指標名で指標を指します）。",
    OBSERVATIONS: "指標の基準値と実績値。1行に1つ（指標名で指標を指します）。",
}

GUIDE_TEXT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("このファイルについて", (
        "計画の全体（計画の情報、組織、圏域、体系、取組、主体と役割、課題、指標・目標値・実績値）を"
        "1つのExcelブックにまとめたものです。書き出したファイルを直して、または空のひな形に入力して、"
        "新しい計画として取り込めます。",
        "評価サイクル（進捗の報告と委員会の評価）、判定の修正、判定の基準、評価の尺度はこのファイルに"
        "含まれません。それぞれの画面で扱います。",
    )),
    ("共通のきまり", (
        "シート名と、各シートの1行目の見出しは変えないでください。2行目から、1行に1件ずつ書きます。"
        "見出しが黄色の列は必須です。空の行は読み飛ばします。",
        "行の順番が、そのまま表示の順番になります（体系は同じ上位の項目の中で、取組は同じ項目の中で）。",
        "数式は使えません。数式が1つでもあるファイルは取り込めません。ほかのファイルから写すときは"
        "「値の貼り付け」をしてください。セルの値はすべて文字列として読みます。",
        "選択肢のある列は、セルを選ぶと出る一覧から選んでください。",
        f"「重点」「新規」などの列は、該当するときに「{MARK}」を書き、しないときは空欄にします。",
        "1つのセルに複数を書く列は、セル内で改行して（Alt キーを押しながら Enter）1行に1つずつ書きます"
        "（策定主体と担当組織は「、」で区切ります）。",
        "数値（目標値・値・誤差など）は半角の数字と小数点だけで書き、単位は書きません。計画書の表記"
        "（「35,000 件以上」など）は「表記どおり」の列に書きます。年は西暦の数字で書きます。",
    )),
    ("行どうしの結びつき（コードと名前）", (
        "ほかのシートの行は、行の位置ではなくコードや名前で指します。",
        "項目コード：体系の項目を指すコードです。上位の項目から順に番号（番号がなければ名称）を"
        "「 > 」でつないで作ります（例：1 > (1) > ①）。他の項目と重ならなければ自由に決めてかまいません。"
        "空欄にすると、上位の項目コードと番号から作ります。",
        "取組コード：取組を指すコードです。掲載先の項目コードに「 > 」と取組の番号（番号がなければ名称）を"
        "つないで作ります（例：1 > (1) > ① > 1）。",
        "組織は組織名、主体は主体の見出し、指標は指標名で指します。圏域は圏域名で指し、同じ名前の圏域が"
        "複数あるときは「上位の圏域名 > 圏域名」と書きます。",
        "役割番号（「役割」シート）と課題番号（「課題」シート）は、このファイルの中だけの番号です。",
        "コードや名前を変えるときは、それを指しているほかのシートのセルも同じように直してください。",
    )),
    ("取り込み", (
        "エラーが1つでもあると、何も取り込まれません。エラーは「シート名・行・列」で示されるので、"
        "直してからもう一度アップロードしてください。",
        "組織と圏域は、名前で自治体の組織・圏域と照合し、ないものは新しく作られます。",
        "前計画・上位計画は、同じ自治体の計画とURL名で照合します。",
    )),
)


def build_plan_workbook(doc: dict[str, Any] | None) -> bytes:
    """The plan workbook of a `sasaeai-plan` document, as .xlsx bytes; None gives the empty
    template (headers, guide and data validation, no rows)."""
    names = _Names(doc or {})
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "default_format_properties": {"font_name": FONT, "font_size": 10},
    })
    plan = (doc or {}).get("plan") or {}
    municipality = (doc or {}).get("municipality") or {}
    book.set_properties({
        "title": f"{plan.get('title', '')} 計画ワークブック".strip(),
        "author": "ささえあい", "company": municipality.get("name", ""),
        "comments": "ささえあいで作成した計画ワークブックです（sasaeai-plan 1.0）。",
    })
    writer = _Writer(book)
    writer.guide(doc)
    writer.plan(_plan_values(doc or {}, names))
    rows = _table_rows(doc or {}, names)
    for name in SHEETS[1:]:
        writer.table(name, rows[name])
    book.close()
    return buffer.getvalue()


# Reading -----------------------------------------------------------------------------------

@dataclass
class WorkbookResult:
    doc: dict[str, Any] | None  # a valid sasaeai-plan 1.0 document, or None when errors
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int  # the row number Excel shows
    cells: dict[str, str]

    def __getitem__(self, title: str) -> str:
        return self.cells.get(title, "")


_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[ T]00:00(?::00)?)?")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class _Bad(ValueError):
    """A cell that cannot be read; the message says why, in Japanese."""


class _Reader:
    def __init__(self, book: dict[str, list[list[str]]]) -> None:
        self.book = book
        self.errors: list[str] = []
        self.notes: list[str] = []

    # Messages --------------------------------------------------------------------------------
    def error(self, sheet: str, message: str, line: int | None = None,
              column: str | None = None) -> None:
        where = f"「{sheet}」シート"
        if line is not None:
            where += f" {line}行目"
        if column:
            where += f"「{column}」"
        self.errors.append(f"{where}：{message}")

    # Sheets ----------------------------------------------------------------------------------
    def table(self, name: str) -> list[_Row] | None:
        rows = self.book.get(name, [])
        columns = COLUMNS[name]
        known = {_fold(c.title): c.title for c in columns}
        positions: dict[str, int] = {}
        for index, text in enumerate(rows[0] if rows else []):
            if not text.strip():
                continue
            title = known.get(_fold(text))
            if title is None:
                self.notes.append(f"「{name}」シート：列「{text.strip()}」は読み込みませんでした。")
            elif title in positions:
                self.error(name, f"列「{title}」が2つあります。", 1)
            else:
                positions[title] = index
        missing = [c.title for c in columns if c.title not in positions]
        if missing:
            self.error(name, f"列「{'」「'.join(missing)}」がありません。"
                             "1行目の見出しは変えないでください。")
            return None
        out: list[_Row] = []
        for line, row in enumerate(rows[1:], start=2):
            if not any(text.strip() for text in row):
                continue
            out.append(_Row(line, {t: row[i] if i < len(row) else ""
                                   for t, i in positions.items()}))
        return out

    # Cells -----------------------------------------------------------------------------------
    def text(self, sheet: str, row: _Row, column: str, *, required: bool = False) -> str:
        value = row[column]
        if required and not value.strip():
            self.error(sheet, f"{column}がありません。", row.line, column)
        limit = MAX_LENGTHS.get((sheet, column))
        if limit is not None and len(value) > limit:
            self.error(sheet, f"{limit}文字までです（{len(value)}文字あります）。", row.line, column)
        return value

    def cell(self, sheet: str, row: _Row, column: str, read: Callable[[str], Any]) -> Any:
        """A cell through one of the readers below; a bad cell is an error and None."""
        try:
            return read(row[column])
        except _Bad as exc:
            self.error(sheet, str(exc), row.line, column)
            return None

    def choice(self, sheet: str, row: _Row, column: str, labels: dict[str, str], *,
               required: bool = False, default: str = "",
               aliases: dict[str, str] | None = None) -> str | None:
        """The code of a choice written by its label (or its code, or an alias); an empty cell
        is `default` unless the choice is required. A bad cell is an error and None."""
        text = row[column].strip()
        if not text:
            if required:
                self.error(sheet, f"{column}がありません（{_listing(labels.values())}から選んで"
                                  "ください）。", row.line, column)
                return None
            return default
        key = _fold(text)
        for code, label in labels.items():
            if key in (_fold(label), _fold(code)):
                return code
        for alias, code in (aliases or {}).items():
            if key == _fold(alias):
                return code
        self.error(sheet, f"「{text}」は選択肢にありません（{_listing(labels.values())}から選んで"
                          "ください）。", row.line, column)
        return None

    # References ------------------------------------------------------------------------------
    def lookup(self, sheet: str, row: _Row, column: str, table: dict[str, int], what: str,
               text: str | None = None) -> int | None:
        value = row[column] if text is None else text
        key = _code_key(value)
        if not key:
            return None
        if key not in table:
            self.error(sheet, f"「{value.strip()}」という{what}がありません。", row.line, column)
            return None
        return table[key]


def _flag_value(text: str) -> bool:
    key = _fold(text)
    if not key or key in FALSE_MARKS:
        return False
    if key in {_fold(m) for m in TRUE_MARKS}:
        return True
    raise _Bad(f"「{text.strip()}」は読み取れません（該当するときは「{MARK}」、しないときは空欄に"
               "してください）。")


def _decimal_value(limit: int) -> Callable[[str], str | None]:
    def read(text: str) -> str | None:
        folded = unicodedata.normalize("NFKC", text).strip().replace("−", "-")
        if not folded:
            return None
        if _GROUPED.fullmatch(folded):
            folded = folded.replace(",", "")
        if not _DECIMAL.fullmatch(folded):
            raise _Bad(f"「{text.strip()}」は数値として読めません。半角の数字と小数点だけで書いて"
                       "ください（例：85.3）。単位や「以上」などは「表記どおり」の列に書きます。")
        number = Decimal(folded).normalize()
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -4:
            raise _Bad(f"「{text.strip()}」：小数点以下は4桁までにしてください。")
        if abs(number) >= limit:
            raise _Bad(f"「{text.strip()}」は大きすぎます。")
        return format(number, "f")
    return read


def _year_reader(example: str) -> Callable[[str], int | None]:
    """A year written as an AD number (2025) or in 和暦 (令和7年度, R7); one year, not a range."""
    def read(text: str) -> int | None:
        folded = unicodedata.normalize("NFKC", text).strip()
        if not folded:
            return None
        if re.fullmatch(r"[0-9]+", folded):
            year = int(folded)
        else:
            try:
                parsed = parse_year(text)
            except WarekiError as exc:
                # parse_year's generic reason carries its own examples; a specific one (令和99年)
                # is worth showing.
                why = "" if exc.reason.startswith("年として読める形では") else f"（{exc.reason}）"
                raise _Bad(f"「{text.strip()}」は年として読めません{why}。{example}") from exc
            if parsed.end is not None or parsed.month is not None:
                raise _Bad(f"「{text.strip()}」は1つの年ではありません。{example}")
            year = parsed.start
        if not MIN_AD <= year <= MAX_AD:
            raise _Bad(f"「{text.strip()}」は年として読めません（西暦{MIN_AD}〜{MAX_AD}年の範囲に"
                       f"してください）。{example}")
        return year
    return read


_year_value = _year_reader("西暦の数字で書いてください（例：2025）。")
_fiscal_year_value = _year_reader("令和3年度 または 2021 のように書いてください。")


def _integer_value(text: str) -> int | None:
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return None
    if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+", folded):
        folded = folded.replace(",", "")
    if not re.fullmatch(r"[0-9]{1,9}", folded):
        raise _Bad(f"「{text.strip()}」は0以上の整数として読めません（半角の数字で書いてください）。")
    return int(folded)


def _date_value(text: str) -> str | None:
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return None
    match = _DATE.fullmatch(folded)
    try:
        if match is None:
            raise ValueError(folded)
        return datetime.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError as exc:
        raise _Bad(f"「{text.strip()}」は日付として読めません（例：2023-10-01）。") from exc


def _breakdown_value(text: str) -> list[Any]:
    if not text.strip():
        return []
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _Bad("内訳のJSONが読み取れません。書き出したときのまま変えないか、空欄にしてください。"
                   ) from exc
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _Bad("内訳のJSONは、区分ごとの項目（{…}）を並べた配列（[…]）にしてください。")
    return value


def _split_names(text: str, known: dict[str, int]) -> tuple[list[int], list[str]]:
    """Organization names separated by 「、」 or line breaks; a name that itself holds 「、」 is
    found by trying the longest run of pieces first. Returns indexes and unknown names."""
    pieces = re.split(r"[、,，\n]", text)
    separators = re.findall(r"[、,，\n]", text)
    found: list[int] = []
    unknown: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            joined = pieces[i]
            for k in range(i + 1, j):
                joined += separators[k - 1] + pieces[k]
            if _code_key(joined) in known:
                if known[_code_key(joined)] not in found:
                    found.append(known[_code_key(joined)])
                i = j
                break
        else:
            if pieces[i].strip():
                unknown.append(pieces[i].strip())
            i += 1
    return found, unknown


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


class _Parser(_Reader):
    """Reads the sheets in dependency order into the rows of a document."""

    def __init__(self, book: dict[str, list[list[str]]], municipality: dict[str, str]) -> None:
        super().__init__(book)
        self.municipality = municipality

    # 組織 ------------------------------------------------------------------------------------
    def organizations(self, rows: list[_Row]) -> None:
        every = {_code_key(r["組織名"]): r.line for r in rows if _code_key(r["組織名"])}
        self.org_index: dict[str, int] = {}
        items: list[dict[str, Any]] = []
        parents: list[int | None] = []
        for row in rows:
            name = self.text(ORGS, row, "組織名", required=True)
            key = _code_key(name)
            parent = self.earlier(ORGS, row, "上位の組織", self.org_index, every, "組織")
            if key in self.org_index:
                self.error(ORGS, f"組織名「{name.strip()}」が2回あります"
                                 f"（{items[self.org_index[key]]['line']}行目と{row.line}行目）。",
                           row.line, "組織名")
            items.append({"line": row.line, "name": name,
                          "short_name": self.text(ORGS, row, "略称"),
                          "kind": self.choice(ORGS, row, "種別", ORG_KINDS, required=True)})
            parents.append(parent)
            if key:
                self.org_index.setdefault(key, len(items) - 1)
        self.org_keys, self.orgs = self._tree(items, parents, "O")

    def earlier(self, sheet: str, row: _Row, column: str, table: dict[str, int],
                every: dict[str, int], what: str) -> int | None:
        """A parent, which must be on an earlier row (so that no row is its own ancestor)."""
        value = row[column]
        key = _code_key(value)
        if not key:
            return None
        if key in table:
            return table[key]
        if key in every:
            self.error(sheet, f"上位の{what}「{value.strip()}」（{every[key]}行目）は、この行より上に"
                              "書いてください。", row.line, column)
        else:
            self.error(sheet, f"「{value.strip()}」という{what}がありません。", row.line, column)
        return None

    def _tree(self, items: list[dict[str, Any]], parents: list[int | None],
              prefix: str) -> tuple[dict[int, str], list[dict[str, Any]]]:
        orders = _orders(parents)
        keys: dict[int, str] = {}
        out: list[dict[str, Any]] = []
        for position, index in enumerate(_tree_order(parents), start=1):
            keys[index] = f"{prefix}{position}"
            item = {k: v for k, v in items[index].items() if k != "line"}
            parent = parents[index]
            out.append({"key": keys[index], "parent": keys[parent] if parent is not None else None,
                        **item, "order": orders[index]})
        return keys, out

    # 圏域 ------------------------------------------------------------------------------------
    def areas(self, rows: list[_Row]) -> None:
        # An area is named by its name when no other area has it, else by its path
        # (「上位の圏域名 > 圏域名」); a root's path is its name.
        self.area_counts: dict[str, int] = {}
        for row in rows:
            key = _code_key(row["圏域名"])
            self.area_counts[key] = self.area_counts.get(key, 0) + 1
        self.area_table: dict[str, int] = {}
        every = {_code_key(r["圏域名"]): r.line for r in rows if _code_key(r["圏域名"])}
        items: list[dict[str, Any]] = []
        parents: list[int | None] = []
        paths: dict[str, int] = {}
        path_of: list[str] = []
        for row in rows:
            name = self.text(AREAS, row, "圏域名", required=True)
            parent = None
            if _code_key(row["上位の圏域"]):
                if self.area_ambiguous(row["上位の圏域"]):
                    self.error(AREAS, self.ambiguous_area(row["上位の圏域"]), row.line, "上位の圏域")
                else:
                    parent = self.earlier(AREAS, row, "上位の圏域", self.area_table, every, "圏域")
            items.append({"line": row.line, "name": name,
                          "level_label": self.text(AREAS, row, "階層名", required=True),
                          "description": self.text(AREAS, row, "説明"),
                          "is_sample_name": bool(self.cell(AREAS, row, "仮の名称", _flag_value))})
            parents.append(parent)
            index = len(items) - 1
            path = _code_key(f"{path_of[parent]}{SEPARATOR}{name}" if parent is not None
                             else name)
            path_of.append(path)
            if path in paths:
                self.error(AREAS, f"同じ上位の圏域の下に、圏域名「{name.strip()}」が2回あります"
                                  f"（{items[paths[path]]['line']}行目と{row.line}行目）。",
                           row.line, "圏域名")
                continue
            paths[path] = index
            self.area_table.setdefault(path, index)
            if self.area_counts.get(_code_key(name)) == 1:
                self.area_table.setdefault(_code_key(name), index)
        self.area_keys, self.areas_out = self._tree(items, parents, "R")

    def area_ambiguous(self, text: str) -> bool:
        key = _code_key(text)
        return key not in self.area_table and self.area_counts.get(key, 0) > 1

    @staticmethod
    def ambiguous_area(text: str) -> str:
        return (f"「{text.strip()}」という名前の圏域が複数あります。"
                "「上位の圏域名 > 圏域名」のように書いてください。")

    def area_ref(self, sheet: str, row: _Row, column: str) -> str | None:
        if self.area_ambiguous(row[column]):
            self.error(sheet, self.ambiguous_area(row[column]), row.line, column)
            return None
        index = self.lookup(sheet, row, column, self.area_table, "圏域")
        return self.area_keys[index] if index is not None else None

    # 計画 ------------------------------------------------------------------------------------
    def plan(self) -> dict[str, Any]:
        rows = self.book.get(PLAN, [])
        header = [_fold(t) for t in (rows[0] if rows else [])]
        if header[:2] != [_fold("項目"), _fold("値")]:
            self.error(PLAN, "1行目の見出し（項目・値）がありません。1行目は変えないでください。")
            return {}
        fields = {_fold(f.label): f for f in PLAN_FIELDS}
        values: dict[str, _Row] = {}
        for line, cells in enumerate(rows[1:], start=2):
            label = cells[0] if cells else ""
            value = cells[1] if len(cells) > 1 else ""
            if not label.strip() and not value.strip():
                continue
            item = fields.get(_fold(label))
            if item is None:
                self.error(PLAN, f"「{label.strip()}」という項目はありません。項目の列は変えないで"
                                 "ください。" if label.strip() else "項目の名前がありません。",
                           line, "項目")
            elif item.label in values:
                self.error(PLAN, f"項目「{item.label}」が2回あります"
                                 f"（{values[item.label].line}行目と{line}行目）。", line, "項目")
            else:
                values[item.label] = _Row(line, {item.label: value})
        for item in PLAN_FIELDS:
            if item.required and not values.get(item.label, _Row(0, {}))[item.label].strip():
                self.error(PLAN, f"{item.label}がありません。")

        def get(label: str) -> _Row:
            return values.get(label, _Row(0, {}))

        def text(label: str) -> str:
            row = get(label)
            return self.text(PLAN, row, label) if row.line else ""

        slug = text("URL名").strip()
        if slug and not _SLUG.fullmatch(slug):
            self.error(PLAN, f"「{slug}」は使えません。URL名は半角英数字・ハイフン（-）・下線（_）"
                             "で書いてください。", get("URL名").line, "URL名")
        kind = self.choice(PLAN, get("計画の種類"), "計画の種類", PLAN_KINDS) or None
        status = self.choice(PLAN, get("状態"), "状態", PLAN_STATUSES, default="draft")
        start = self.cell(PLAN, get("計画期間（開始年度）"), "計画期間（開始年度）",
                          _fiscal_year_value)
        end = self.cell(PLAN, get("計画期間（終了年度）"), "計画期間（終了年度）", _fiscal_year_value)
        if start is not None and end is not None and end < start:
            self.error(PLAN, "終了年度が開始年度より前です。", get("計画期間（終了年度）").line,
                       "計画期間（終了年度）")
        owners_row = get("策定主体")
        owners, unknown = _split_names(owners_row["策定主体"], self.org_index)
        for name in unknown:
            self.error(PLAN, f"「{name}」という組織がありません（「組織」シートの組織名を書いて"
                             "ください）。", owners_row.line, "策定主体")
        links: dict[str, dict[str, str] | None] = {}
        for label in ("前計画", "上位計画"):
            link_slug, title = text(label).strip(), text(f"{label}の名称")
            if link_slug and not _SLUG.fullmatch(link_slug):
                self.error(PLAN, f"「{link_slug}」はURL名として使えません（半角英数字・ハイフン・"
                                 "下線）。", get(label).line, label)
            if title.strip() and not link_slug:
                self.error(PLAN, f"{label}の名称があるのに、{label}のURL名がありません。",
                           get(f"{label}の名称").line, f"{label}の名称")
            links[label] = {"slug": link_slug, "title": title} if link_slug else None
        area_row = get("対象圏域")
        return {
            "slug": slug, "title": text("計画名"), "kind": kind,
            "generation": text("期・次"), "start_fy": start, "end_fy": end,
            "philosophy": text("基本理念"), "philosophy_description": text("基本理念の説明"),
            "summary": text("計画の概要"), "status": status,
            "source_document": text("出典資料"),
            "owners": sorted((self.org_keys[i] for i in owners), key=_key_number),
            "predecessor": links["前計画"], "parent": links["上位計画"],
            "area": self.area_ref(PLAN, area_row, "対象圏域") if area_row.line else None,
        }

    # 体系 ------------------------------------------------------------------------------------
    def elements(self, rows: list[_Row]) -> None:
        every = {_code_key(r["項目コード"]): r.line for r in rows if _code_key(r["項目コード"])}
        self.element_index: dict[str, int] = {}
        items: list[dict[str, Any]] = []
        parents: list[int | None] = []
        codes: list[str] = []
        numbers: dict[tuple[int | None, str, str], int] = {}
        for row in rows:
            parent: int | None = None
            parent_key = _code_key(row["上位の項目コード"])
            if parent_key:
                if parent_key in self.element_index:
                    parent = self.element_index[parent_key]
                elif parent_key in every:
                    self.error(ELEMENTS, f"上位の項目「{row['上位の項目コード'].strip()}」"
                                         f"（{every[parent_key]}行目）は、この行より上に書いてください。",
                               row.line, "上位の項目コード")
                else:
                    self.error(ELEMENTS, f"「{row['上位の項目コード'].strip()}」という項目がありません。",
                               row.line, "上位の項目コード")
            level = self.text(ELEMENTS, row, "階層名", required=True)
            number = self.text(ELEMENTS, row, "番号")
            title = self.text(ELEMENTS, row, "名称", required=True)
            code = _code_key(row["項目コード"])
            if not code:
                own = _label(number, title)
                code = _code_key(f"{codes[parent]}{SEPARATOR}{own}" if parent is not None
                                 else own)
            if code in self.element_index:
                first = items[self.element_index[code]]["line"]
                self.error(ELEMENTS, f"項目コード「{code}」が2回あります（{first}行目と{row.line}"
                                     "行目）。", row.line, "項目コード")
            if number.strip():
                slot = (parent, _code_key(level), _code_key(number))
                if slot in numbers:
                    self.error(ELEMENTS, f"同じ上位の項目の下に、階層名「{level.strip()}」・番号"
                                         f"「{number.strip()}」の項目が2つあります"
                                         f"（{numbers[slot]}行目と{row.line}行目）。",
                               row.line, "番号")
                numbers.setdefault(slot, row.line)
            items.append({"line": row.line, "level_label": level, "number_label": number,
                          "title": title, "description": self.text(ELEMENTS, row, "説明"),
                          "is_priority": bool(self.cell(ELEMENTS, row, "重点", _flag_value)),
                          "is_new": bool(self.cell(ELEMENTS, row, "新規", _flag_value))})
            parents.append(parent)
            codes.append(code)
            self.element_index.setdefault(code, len(items) - 1)
        self.element_order = _tree_order(parents)
        self.element_keys, self.elements_out = self._tree(items, parents, "E")

    def element_ref(self, sheet: str, row: _Row, column: str, text: str | None = None
                    ) -> str | None:
        index = self.lookup(sheet, row, column, self.element_index, "項目", text)
        return self.element_keys[index] if index is not None else None

    # 取組 ------------------------------------------------------------------------------------
    def initiatives(self, rows: list[_Row]) -> None:
        self.initiative_index: dict[str, int] = {}
        items: list[dict[str, Any]] = []
        homes: list[int | None] = []
        placements: list[list[tuple[int, str, int]]] = []
        numbers: dict[tuple[int, str], int] = {}
        codes_by_index = {i: k for k, i in self.element_index.items()}
        for row in rows:
            home = self.lookup(INITIATIVES, row, "項目コード", self.element_index, "項目")
            if not _code_key(row["項目コード"]):
                self.error(INITIATIVES, "項目コード（掲載先の項目）がありません。", row.line,
                           "項目コード")
            number = self.text(INITIATIVES, row, "番号")
            title = self.text(INITIATIVES, row, "名称", required=True)
            code = _code_key(row["取組コード"])
            if not code:
                own = _label(number, title)
                code = _code_key(f"{codes_by_index[home]}{SEPARATOR}{own}" if home is not None
                                 else own)
            if code in self.initiative_index:
                first = items[self.initiative_index[code]]["line"]
                self.error(INITIATIVES, f"取組コード「{code}」が2回あります（{first}行目と"
                                        f"{row.line}行目）。", row.line, "取組コード")
            if number.strip() and home is not None:
                slot = (home, _code_key(number))
                if slot in numbers:
                    self.error(INITIATIVES, f"同じ項目の下に、番号「{number.strip()}」の取組が2つ"
                                            f"あります（{numbers[slot]}行目と{row.line}行目）。",
                               row.line, "番号")
                numbers.setdefault(slot, row.line)
            responsible, unknown = _split_names(row["担当組織"], self.org_index)
            for name in unknown:
                self.error(INITIATIVES, f"「{name}」という組織がありません（「組織」シートの組織名を"
                                        "書いてください）。", row.line, "担当組織")
            items.append({"line": row.line, "number_label": number, "title": title,
                          "description": self.text(INITIATIVES, row, "説明"),
                          "is_priority": bool(self.cell(INITIATIVES, row, "重点", _flag_value)),
                          "is_new": bool(self.cell(INITIATIVES, row, "新規", _flag_value)),
                          "responsible": responsible})
            homes.append(home)
            placements.append(self._placements(row, home))
            self.initiative_index.setdefault(code, len(items) - 1)
        rank = {index: position for position, index in enumerate(self.element_order)}

        def home_rank(i: int) -> int:
            home = homes[i]
            return rank.get(home, -1) if home is not None else -1

        order = sorted(range(len(items)), key=lambda i: (home_rank(i), i))
        orders = _orders(homes)
        self.initiative_keys = {index: f"I{n}" for n, index in enumerate(order, start=1)}
        self.initiatives_out = []
        for index in order:
            item = items[index]
            home = homes[index]
            self.initiatives_out.append({
                "key": self.initiative_keys[index],
                "element": self.element_keys[home] if home is not None else None,
                "number_label": item["number_label"], "title": item["title"],
                "description": item["description"], "is_priority": item["is_priority"],
                "is_new": item["is_new"], "order": orders[index],
                "responsible": sorted((self.org_keys[i] for i in item["responsible"]),
                                      key=_key_number),
            })
        found = [(position, n, index, element, note) for n, index in enumerate(order)
                 for position, (element, note, _line) in enumerate(placements[index])]
        self.placements_out = [
            {"initiative": self.initiative_keys[index], "element": self.element_keys[element],
             "note": note, "order": position}
            for position, _n, index, element, note in sorted(found, key=lambda f: (f[0], f[1]))]

    def _placements(self, row: _Row, home: int | None) -> list[tuple[int, str, int]]:
        """The 再掲先 lines of a row: (element index, note, line)."""
        out: list[tuple[int, str, int]] = []
        for text in _lines(row["再掲先"]):
            element: int | None = None
            note = ""
            if _code_key(text) in self.element_index:
                element = self.element_index[_code_key(text)]
            else:
                for match in re.finditer(r"[｜|]", text):
                    prefix = _code_key(text[:match.start()])
                    if prefix in self.element_index:
                        element, note = self.element_index[prefix], text[match.end():]
                        break
            if element is None:
                shown = re.split(r"[｜|]", text)[0].strip()
                self.error(INITIATIVES, f"「{shown}」という項目がありません。", row.line, "再掲先")
                continue
            if element == home:
                self.error(INITIATIVES, f"「{text.strip()}」：掲載先と同じ項目には再掲できません。",
                           row.line, "再掲先")
                continue
            if any(e == element for e, _, _ in out):
                self.error(INITIATIVES, f"「{text.strip()}」：同じ項目への再掲が2回あります。",
                           row.line, "再掲先")
                continue
            if len(note) > PLACEMENT_NOTE_MAX:
                self.error(INITIATIVES, f"再掲の表記は{PLACEMENT_NOTE_MAX}文字までです"
                                        f"（「{note[:20]}…」）。", row.line, "再掲先")
            out.append((element, note, row.line))
        return out

    def initiative_ref(self, sheet: str, row: _Row, column: str, text: str | None = None
                       ) -> str | None:
        index = self.lookup(sheet, row, column, self.initiative_index, "取組", text)
        return self.initiative_keys[index] if index is not None else None

    # 主体 ------------------------------------------------------------------------------------
    def actors(self, rows: list[_Row]) -> None:
        self.actor_index: dict[str, int] = {}
        self.actors_out: list[dict[str, Any]] = []
        lines: dict[str, int] = {}
        for row in rows:
            label = self.text(ACTORS, row, "主体の見出し", required=True)
            key = _code_key(label)
            if key in lines:
                self.error(ACTORS, f"主体の見出し「{label.strip()}」が2回あります（{lines[key]}行目と"
                                   f"{row.line}行目）。計画の中で見出しは重複できません。",
                           row.line, "主体の見出し")
            lines.setdefault(key, row.line)
            self.actor_index.setdefault(key, len(self.actors_out))
            self.actors_out.append({
                "key": f"A{len(self.actors_out) + 1}",
                "kind": self.choice(ACTORS, row, "主体の種類", ACTOR_KINDS, required=True),
                "label": label,
                "sphere": self.choice(ACTORS, row, "自助・共助・公助", SPHERES,
                                      aliases=SPHERE_ALIASES),
                "sphere_label": self.text(ACTORS, row, "区分の表記"),
                "order": len(self.actors_out),
            })

    # 役割 ------------------------------------------------------------------------------------
    def statements(self, rows: list[_Row]) -> None:
        numbers: dict[str, int] = {}
        for index, row in enumerate(rows):
            number = _fold(row["役割番号"])
            if not number:
                continue
            if number in numbers:
                self.error(STATEMENTS, f"役割番号「{row['役割番号'].strip()}」が2回あります"
                                       f"（{rows[numbers[number]].line}行目と{row.line}行目）。",
                           row.line, "役割番号")
            else:
                numbers[number] = index
        self.statements_out: list[dict[str, Any]] = []
        targets: list[tuple[str | None, str | None]] = []
        for index, row in enumerate(rows):
            actor = self.lookup(STATEMENTS, row, "主体の見出し", self.actor_index, "主体")
            if not _code_key(row["主体の見出し"]):
                self.error(STATEMENTS, "主体の見出しがありません。", row.line, "主体の見出し")
            element, initiative = self._subject(row)
            repeat_of = None
            repeat = _fold(row["再掲元の役割番号"])
            if repeat:
                if repeat not in numbers:
                    self.error(STATEMENTS, f"役割番号「{row['再掲元の役割番号'].strip()}」の役割が"
                                           "ありません。", row.line, "再掲元の役割番号")
                elif numbers[repeat] == index:
                    self.error(STATEMENTS, "自分自身を再掲元にはできません。", row.line,
                               "再掲元の役割番号")
                else:
                    repeat_of = f"S{numbers[repeat] + 1}"
            targets.append((element, initiative))
            self.statements_out.append({
                "key": f"S{index + 1}",
                "actor": self.actors_out[actor]["key"] if actor is not None else "A0",
                "element": element, "initiative": initiative, "repeat_of": repeat_of,
                "text": self.text(STATEMENTS, row, "内容", required=True),
                "detail": self.text(STATEMENTS, row, "補足"),
                "repeat_note": self.text(STATEMENTS, row, "再掲の表記"),
            })
        for item, order in zip(self.statements_out, _orders(targets), strict=True):
            item["order"] = order

    def _subject(self, row: _Row) -> tuple[str | None, str | None]:
        kind = self.choice(STATEMENTS, row, "対象の種類", SUBJECTS)
        target = row["対象"]
        key = _code_key(target)
        if kind is None:
            return None, None
        if kind == "plan" or (not kind and not key):
            if key:
                self.error(STATEMENTS, "対象の種類が「計画全体」のときは、対象を空欄にしてください。",
                           row.line, "対象")
            return None, None
        if not key:
            self.error(STATEMENTS, f"対象の種類が「{SUBJECTS[kind]}」なのに、対象がありません。",
                       row.line, "対象")
            return None, None
        if kind == "element":
            return self.element_ref(STATEMENTS, row, "対象"), None
        if kind == "initiative":
            return None, self.initiative_ref(STATEMENTS, row, "対象")
        in_elements = key in self.element_index
        in_initiatives = key in self.initiative_index
        if in_elements and in_initiatives:
            self.error(STATEMENTS, f"「{target.strip()}」は項目コードにも取組コードにもあります。"
                                   "対象の種類（項目・取組）を選んでください。", row.line, "対象")
            return None, None
        if in_initiatives:
            return None, self.initiative_ref(STATEMENTS, row, "対象")
        if in_elements:
            return self.element_ref(STATEMENTS, row, "対象"), None
        self.error(STATEMENTS, f"「{target.strip()}」という項目コード・取組コードがありません。",
                   row.line, "対象")
        return None, None

    # 課題 ------------------------------------------------------------------------------------
    def challenges(self, rows: list[_Row]) -> None:
        groups: dict[str, list[_Row]] = {}
        for row in rows:
            number = _fold(row["課題番号"])
            if not number:
                self.error(CHALLENGES, "課題番号がありません（C1 のように書き、同じ課題の根拠の行には"
                                       "同じ課題番号を書きます）。", row.line, "課題番号")
                continue
            groups.setdefault(number, []).append(row)
        self.challenges_out: list[dict[str, Any]] = []
        labels: dict[str, int] = {}
        head_columns = ("番号", "課題", "説明", "対応する項目コード", "対応する取組コード")
        for group in groups.values():
            first = group[0]
            for row in group[1:]:
                for column in head_columns:
                    if row[column].strip() and row[column] != first[column]:
                        self.error(CHALLENGES, f"同じ課題番号の最初の行（{first.line}行目）と内容が"
                                               "違います。課題の内容は最初の行にだけ書いてください。",
                                   row.line, column)
            number = self.text(CHALLENGES, first, "番号")
            if number.strip():
                key = _code_key(number)
                if key in labels:
                    self.error(CHALLENGES, f"課題の番号「{number.strip()}」が2回あります"
                                           f"（{labels[key]}行目と{first.line}行目）。",
                               first.line, "番号")
                labels.setdefault(key, first.line)
            elements = [self.element_ref(CHALLENGES, first, "対応する項目コード", line)
                        for line in _lines(first["対応する項目コード"])]
            initiatives = [self.initiative_ref(CHALLENGES, first, "対応する取組コード", line)
                           for line in _lines(first["対応する取組コード"])]
            evidence: list[dict[str, Any]] = []
            for row in group:
                kind = self.choice(CHALLENGES, row, "根拠の種類", EVIDENCE_KINDS,
                                   aliases=EVIDENCE_ALIASES)
                text = self.text(CHALLENGES, row, "根拠")
                if not text.strip():
                    if kind:
                        self.error(CHALLENGES, "根拠の種類があるのに、根拠がありません。", row.line,
                                   "根拠")
                    continue
                evidence.append({"kind": kind or "", "text": text, "order": len(evidence)})
            self.challenges_out.append({
                "number_label": number,
                "title": self.text(CHALLENGES, first, "課題", required=True),
                "description": self.text(CHALLENGES, first, "説明"),
                "order": len(self.challenges_out),
                "elements": sorted({k for k in elements if k}, key=_key_number),
                "initiatives": sorted({k for k in initiatives if k}, key=_key_number),
                "evidence": evidence,
            })

    # 指標・目標値・実績値 --------------------------------------------------------------------
    def indicators(self, rows: list[_Row]) -> None:
        self.indicator_index: dict[str, int] = {}
        self.indicators_out: list[dict[str, Any]] = []
        lines: list[int] = []
        for row in rows:
            name = self.text(INDICATORS, row, "指標名", required=True)
            key = _code_key(name)
            if key in self.indicator_index:
                first = self.indicator_index[key]
                self.error(INDICATORS, f"指標名「{name.strip()}」が2回あります"
                                       f"（{lines[first]}行目と{row.line}行目）。"
                                       "計画の中で指標名は重複できません。", row.line, "指標名")
            source = self.lookup(INDICATORS, row, "出典の組織", self.org_index, "組織")
            self.indicator_index.setdefault(key, len(self.indicators_out))
            lines.append(row.line)
            self.indicators_out.append({
                "name": name, "unit": self.text(INDICATORS, row, "単位"),
                "polarity": self.choice(INDICATORS, row, "望ましい方向", POLARITIES,
                                        required=True),
                "polarity_inferred": bool(self.cell(INDICATORS, row, "方向は推定", _flag_value)),
                "kind": self.choice(INDICATORS, row, "種類", INDICATOR_KINDS, default="outcome"),
                "aggregation": self.choice(INDICATORS, row, "集計方法", AGGREGATIONS,
                                           default="fiscal"),
                "source_kind": self.choice(INDICATORS, row, "出典の種類", SOURCE_KINDS,
                                           aliases=SOURCE_ALIASES),
                "source_text": self.text(INDICATORS, row, "出典（表記どおり）"),
                "definition": self.text(INDICATORS, row, "定義"),
                "rationale": self.text(INDICATORS, row, "設定理由"),
                "note": self.text(INDICATORS, row, "注記"),
                "order": len(self.indicators_out),
                "element": self.element_ref(INDICATORS, row, "項目コード"),
                "initiative": self.initiative_ref(INDICATORS, row, "取組コード"),
                "source_organization": self.org_keys[source] if source is not None else None,
                "targets": [], "observations": [], "judgement_overrides": [],
            })

    def _indicator(self, sheet: str, row: _Row) -> dict[str, Any] | None:
        if not row["指標名"].strip():
            self.error(sheet, "指標名がありません。", row.line, "指標名")
            return None
        index = self.lookup(sheet, row, "指標名", self.indicator_index, "指標（「指標」シートの指標名）")
        return self.indicators_out[index] if index is not None else None

    def targets(self, rows: list[_Row]) -> None:
        found: list[tuple[dict[str, Any], tuple[int, int], dict[str, Any]]] = []
        years: dict[tuple[int, int, str], int] = {}
        for position, row in enumerate(rows):
            indicator = self._indicator(TARGETS, row)
            year = self.cell(TARGETS, row, "年", _year_value)
            year_kind = self.choice(TARGETS, row, "年・年度の別", YEAR_KINDS, default="fiscal",
                                    aliases=YEAR_KIND_ALIASES)
            kind = self.choice(TARGETS, row, "目標の種類", TARGET_KINDS, required=True)
            value = self.cell(TARGETS, row, "目標値", _decimal_value(10**10))
            if kind in NUMERIC_TARGETS and value is None and not row["目標値"].strip():
                self.error(TARGETS, f"目標の種類が「{TARGET_KINDS[kind]}」のときは目標値が必要です。",
                           row.line, "目標値")
            if kind and kind not in NUMERIC_TARGETS and kind != "maintain" and value is not None:
                self.error(TARGETS, f"目標の種類が「{TARGET_KINDS[kind]}」のときは目標値を書きません"
                                    "（計画書の表記は「表記どおり」の列に書きます）。",
                           row.line, "目標値")
            if indicator is not None and year is not None and year_kind is not None:
                slot = (id(indicator), year, year_kind)
                if slot in years:
                    self.error(TARGETS, f"この指標の{year}{YEAR_KINDS[year_kind]}の目標値が2つあります"
                                        f"（{years[slot]}行目と{row.line}行目）。", row.line, "年")
                years.setdefault(slot, row.line)
            if indicator is not None:
                found.append((indicator, (year or 0, position), {
                    "year": year, "year_kind": year_kind, "kind": kind, "value": value,
                    "verbatim": self.text(TARGETS, row, "表記どおり")}))
        for indicator, _sort, target in sorted(found, key=lambda f: f[1]):
            indicator["targets"].append(target)

    def observations(self, rows: list[_Row]) -> None:
        found: list[tuple[dict[str, Any], tuple[str, int, int], dict[str, Any]]] = []
        for position, row in enumerate(rows):
            indicator = self._indicator(OBSERVATIONS, row)
            role = self.choice(OBSERVATIONS, row, "区分", ROLES, required=True)
            year = self.cell(OBSERVATIONS, row, "年", _year_value)
            year_end = self.cell(OBSERVATIONS, row, "期間の終わりの年", _year_value)
            if year_end is not None:
                if year is None and not row["年"].strip():
                    self.error(OBSERVATIONS, "期間の終わりの年があるのに、年がありません。",
                               row.line, "年")
                elif year is not None and year_end < year:
                    self.error(OBSERVATIONS, "期間の終わりの年が、年より前です。", row.line,
                               "期間の終わりの年")
            status = self.choice(OBSERVATIONS, row, "状態", OBSERVATION_STATUSES,
                                 default="measured")
            value = self.cell(OBSERVATIONS, row, "値", _decimal_value(10**10))
            if status in VALUED_STATUSES and value is None and not row["値"].strip():
                self.error(OBSERVATIONS, f"状態が「{OBSERVATION_STATUSES[status]}」のときは値が"
                                         "必要です（値がなければ状態を選んでください）。",
                           row.line, "値")
            if status and status not in VALUED_STATUSES and value is not None:
                self.error(OBSERVATIONS, f"状態が「{OBSERVATION_STATUSES[status]}」のときは値を"
                                         "書きません。", row.line, "値")
            low = self.cell(OBSERVATIONS, row, "95%信頼区間の下限", _decimal_value(10**10))
            high = self.cell(OBSERVATIONS, row, "95%信頼区間の上限", _decimal_value(10**10))
            if low is not None and high is not None and Decimal(low) > Decimal(high):
                self.error(OBSERVATIONS, "95%信頼区間の下限が上限より大きくなっています。",
                           row.line, "95%信頼区間の下限")
            margin = self.cell(OBSERVATIONS, row, "誤差", _decimal_value(10**4))
            basis = self.choice(OBSERVATIONS, row, "誤差の根拠", MARGIN_BASES,
                                aliases=MARGIN_ALIASES)
            breakdown = self.cell(OBSERVATIONS, row, "内訳（JSON）", _breakdown_value)
            item = {
                "role": role, "year": year, "year_end": year_end,
                "year_kind": self.choice(OBSERVATIONS, row, "年・年度の別", YEAR_KINDS,
                                         default="fiscal", aliases=YEAR_KIND_ALIASES),
                "as_of": self.cell(OBSERVATIONS, row, "時点", _date_value), "value": value,
                "verbatim": self.text(OBSERVATIONS, row, "表記どおり"), "status": status,
                "sample_size": self.cell(OBSERVATIONS, row, "回答数", _integer_value),
                "margin": margin, "margin_basis": basis, "ci_low": low, "ci_high": high,
                "breakdown_label": self.text(OBSERVATIONS, row, "内訳の区分"),
                "breakdown": breakdown if breakdown is not None else [],
                "note": self.text(OBSERVATIONS, row, "注記"),
                "area": self.area_ref(OBSERVATIONS, row, "圏域"),
            }
            if indicator is not None:
                found.append((indicator, (role or "", year or 0, position), item))
        for indicator, _sort, observation in sorted(found, key=lambda f: f[1]):
            indicator["observations"].append(observation)

    # The whole book --------------------------------------------------------------------------
    def run(self) -> dict[str, Any] | None:
        missing = [name for name in SHEETS if name not in self.book]
        if missing:
            for name in missing:
                self.errors.append(f"「{name}」シートがありません。シート名は変えないでください"
                                   "（計画ワークブックのひな形をダウンロードして使ってください）。")
            return None
        for name in self.book:
            if name not in SHEETS and name != GUIDE:
                self.notes.append(f"シート「{name}」は読み込みませんでした。")
        tables = {name: self.table(name) for name in SHEETS[1:]}
        if any(rows is None for rows in tables.values()):
            return None
        rows = {name: found for name, found in tables.items() if found is not None}
        self.organizations(rows[ORGS])
        self.areas(rows[AREAS])
        plan = self.plan()
        self.elements(rows[ELEMENTS])
        self.initiatives(rows[INITIATIVES])
        self.actors(rows[ACTORS])
        self.statements(rows[STATEMENTS])
        self.challenges(rows[CHALLENGES])
        self.indicators(rows[INDICATORS])
        self.targets(rows[TARGETS])
        self.observations(rows[OBSERVATIONS])
        if self.errors:
            return None
        municipality = self.municipality
        return {
            "format": FORMAT, "version": VERSION,
            "municipality": {"code": municipality.get("code", ""),
                             "name": municipality.get("name", ""),
                             "prefecture": municipality.get("prefecture", "")},
            "organizations": self.orgs, "areas": self.areas_out, "plan": plan,
            "elements": self.elements_out, "initiatives": self.initiatives_out,
            "placements": self.placements_out, "actors": self.actors_out,
            "statements": self.statements_out, "challenges": self.challenges_out,
            "indicators": self.indicators_out, "judgement_rule": None, "rating_scale": None,
            "cycles": [],
        }


def _summary(doc: dict[str, Any]) -> str:
    indicators = doc["indicators"]
    targets = sum(len(i["targets"]) for i in indicators)
    observations = sum(len(i["observations"]) for i in indicators)
    return (f"「{doc['plan']['title']}」を読み込みました：組織{len(doc['organizations'])}件、"
            f"圏域{len(doc['areas'])}件、体系の項目{len(doc['elements'])}件、"
            f"取組{len(doc['initiatives'])}件（再掲{len(doc['placements'])}件）、"
            f"主体{len(doc['actors'])}件、役割{len(doc['statements'])}件、"
            f"課題{len(doc['challenges'])}件、指標{len(indicators)}件"
            f"（目標値{targets}件、実績値・基準値{observations}件）。")


def parse_plan_workbook(data: bytes, *, municipality: dict[str, str]) -> WorkbookResult:
    """Read a plan workbook into a `sasaeai-plan` 1.0 document for `municipality`
    ({"code", "name", "prefecture"}). Never raises for bad input: every problem is a Japanese
    message naming the sheet, the row and the column, and `doc` is then None."""
    try:
        book = read_xlsx_book(data, max_bytes=MAX_UPLOAD_BYTES, max_ratio=MAX_RATIO,
                              max_rows=LAST_ROW, max_cols=100)
    except SpreadsheetError as exc:
        return WorkbookResult(doc=None, errors=[str(exc)])
    parser = _Parser(book, municipality)
    try:
        doc = parser.run()
    except Exception:  # a reader bug must not take the upload page down with it
        logger.exception("plan workbook could not be read")
        return WorkbookResult(doc=None, errors=[
            "ファイルを読み取れませんでした（想定していない内容があります）。"
            "ひな形をダウンロードし直して入力するか、事務局にお問い合わせください。"
        ], notes=parser.notes)
    errors = parser.errors
    if doc is not None:
        from sasaeai.exchange.planimport import check_document

        errors = [f"計画ファイルの形式に合わない値があります：{m}" for m in check_document(doc)]
        if not errors:
            return WorkbookResult(doc=doc, errors=[], notes=[*parser.notes, _summary(doc)])
    if len(errors) > MAX_ERRORS:
        errors = [*errors[:MAX_ERRORS],
                  f"ほかにもエラーが{len(errors) - MAX_ERRORS}件あります（最初の{MAX_ERRORS}件を"
                  "表示しています）。"]
    return WorkbookResult(doc=None, errors=errors or ["ファイルを読み取れませんでした。"],
                          notes=parser.notes)
