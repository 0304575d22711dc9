"""The sheets and columns of the plan workbook, and the choice labels its cells are written in.

Both directions read these: `writing` lays the sheets out from them, `reading` matches headers,
choices and lengths against them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sasaeai.lib.spreadsheets import Column

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_RATIO = 100  # an .xlsx of text compresses 3–10×; a zip bomb, thousands of times
MAX_ERRORS = 100
LAST_ROW = 10_000  # rows read per sheet; data validation covers the same rows

FORMAT = "sasaeai-plan"
VERSION = "1.2"

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
REPORTING = "報告の割り当て"
SHEETS = (PLAN, ORGS, AREAS, ELEMENTS, ACTORS, INITIATIVES, STATEMENTS, CHALLENGES, INDICATORS,
          TARGETS, OBSERVATIONS, REPORTING)
# Added with plan file 1.1 (who reports what): a workbook made before lacks them, and reads as
# saying nothing about them (updating a plan from it leaves them as they are).
OPTIONAL_SHEETS = frozenset({REPORTING})
OPTIONAL_COLUMNS = {INDICATORS: frozenset({"実績を報告する組織"})}
REPORTING_LEVEL = "報告の単位"

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
        Column("実績を報告する組織", 24, "評価サイクルで年度の実績値を照会する組織の組織名"
               "（「組織」シートにあるもの）。なければ空欄。", source=_ref(ORGS)),
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
    REPORTING: (
        Column("項目コード", 24, "報告の単位になる項目の項目コード（必須）。計画の「報告の単位」が"
               "体系の階層のとき、その階層の項目ごとに報告する組織を書きます（取組ごとに報告する計画は"
               "「取組」シートの担当組織を使います）。", required=True, source=_ref(ELEMENTS)),
        Column("組織名", 30, "その項目を報告する組織の組織名（「組織」シートにあるもの）（必須）。"
               "1つの項目を複数の組織が報告するときは、組織ごとに行を分けます。", required=True,
               source=_ref(ORGS)),
        Column("サンプル", 10, f"資料に担当の記載がなく、仮に割り当てたものなら「{MARK}」。",
               choices=(MARK,)),
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
    PlanField(REPORTING_LEVEL, "評価サイクルで何ごとに報告するか。取組ごとなら空欄。体系の階層ごとなら、"
              "「体系」シートの階層名（例：施策の方向、重点目標）を書きます。"),
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

