"""Reading a filled plan workbook back into a `sasaeai-plan` document, or into Japanese messages."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sasaeai.exchange.workbook.cells import (
    _breakdown_value,
    _date_value,
    _decimal_value,
    _flag_value,
    _integer_value,
    _Row,
    _year_value,
)
from sasaeai.exchange.workbook.codes import _code_key, _key_number, _lines, _orders
from sasaeai.exchange.workbook.columns import (
    ACTOR_KINDS,
    ACTORS,
    AGGREGATIONS,
    AREAS,
    CHALLENGES,
    ELEMENTS,
    EVIDENCE_ALIASES,
    EVIDENCE_KINDS,
    FORMAT,
    GUIDE,
    INDICATOR_KINDS,
    INDICATORS,
    INITIATIVES,
    LAST_ROW,
    MARGIN_ALIASES,
    MARGIN_BASES,
    MAX_ERRORS,
    MAX_RATIO,
    MAX_UPLOAD_BYTES,
    NUMERIC_TARGETS,
    OBSERVATION_STATUSES,
    OBSERVATIONS,
    OPTIONAL_SHEETS,
    ORGS,
    POLARITIES,
    REPORTING,
    ROLES,
    SHEETS,
    SOURCE_ALIASES,
    SOURCE_KINDS,
    SPHERE_ALIASES,
    SPHERES,
    STATEMENTS,
    SUBJECTS,
    TARGET_KINDS,
    TARGETS,
    VALUED_STATUSES,
    VERSION,
    YEAR_KIND_ALIASES,
    YEAR_KINDS,
)
from sasaeai.exchange.workbook.structure import _Structure
from sasaeai.lib.spreadsheets import SpreadsheetError, fold, read_xlsx_book

# The name the module had before it was a package, so logging set up for it still applies.
logger = logging.getLogger("sasaeai.exchange.workbook")


@dataclass
class WorkbookResult:
    doc: dict[str, Any] | None  # a valid sasaeai-plan 1.x document, or None when errors
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Parser(_Structure):
    """Reads the sheets in dependency order into the rows of a document."""

    # 主体 ------------------------------------------------------------------------------------
    def actors(self, rows: list[_Row]) -> None:
        self.actor_index: dict[str, int] = {}
        self.actors_out: list[dict[str, Any]] = []
        lines: dict[str, int] = {}
        for row in rows:
            label = self.text(ACTORS, row, "主体の見出し", required=True)
            key = _code_key(label)
            self.once(ACTORS, lines, key, row, "主体の見出し",
                      f"主体の見出し「{label.strip()}」が2回あります", "計画の中で見出しは重複できません。")
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
        numbers = self._statement_numbers(rows)
        self.statements_out: list[dict[str, Any]] = []
        targets: list[tuple[str | None, str | None]] = []
        for index, row in enumerate(rows):
            actor = self.lookup(STATEMENTS, row, "主体の見出し", self.actor_index, "主体")
            if not _code_key(row["主体の見出し"]):
                self.error(STATEMENTS, "主体の見出しがありません。", row.line, "主体の見出し")
            element, initiative = self._subject(row)
            repeat_of = self._repeat_of(row, index, numbers)
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

    def _statement_numbers(self, rows: list[_Row]) -> dict[str, int]:
        """The 役割番号 of the rows (by its folded text) and the index of its row."""
        numbers: dict[str, int] = {}
        for index, row in enumerate(rows):
            number = fold(row["役割番号"], ignore_case=True)
            if not number:
                continue
            if number in numbers:
                self.error(STATEMENTS, f"役割番号「{row['役割番号'].strip()}」が2回あります"
                                       f"（{rows[numbers[number]].line}行目と{row.line}行目）。",
                           row.line, "役割番号")
            else:
                numbers[number] = index
        return numbers

    def _repeat_of(self, row: _Row, index: int, numbers: dict[str, int]) -> str | None:
        """The key of the statement a 再掲 row repeats."""
        repeat = fold(row["再掲元の役割番号"], ignore_case=True)
        if not repeat:
            return None
        if repeat not in numbers:
            self.error(STATEMENTS, f"役割番号「{row['再掲元の役割番号'].strip()}」の役割が"
                                   "ありません。", row.line, "再掲元の役割番号")
            return None
        if numbers[repeat] == index:
            self.error(STATEMENTS, "自分自身を再掲元にはできません。", row.line, "再掲元の役割番号")
            return None
        return f"S{numbers[repeat] + 1}"

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
        self.challenges_out: list[dict[str, Any]] = []
        labels: dict[str, int] = {}
        for group in self._challenge_groups(rows):
            first = group[0]
            self._same_challenge(group)
            number = self.text(CHALLENGES, first, "番号")
            if number.strip():
                self.once(CHALLENGES, labels, _code_key(number), first, "番号",
                          f"課題の番号「{number.strip()}」が2回あります")
            elements = [self.element_ref(CHALLENGES, first, "対応する項目コード", line)
                        for line in _lines(first["対応する項目コード"])]
            initiatives = [self.initiative_ref(CHALLENGES, first, "対応する取組コード", line)
                           for line in _lines(first["対応する取組コード"])]
            evidence = self._evidence(group)
            self.challenges_out.append({
                "number_label": number,
                "title": self.text(CHALLENGES, first, "課題", required=True),
                "description": self.text(CHALLENGES, first, "説明"),
                "order": len(self.challenges_out),
                "elements": sorted({k for k in elements if k}, key=_key_number),
                "initiatives": sorted({k for k in initiatives if k}, key=_key_number),
                "evidence": evidence,
            })

    def _challenge_groups(self, rows: list[_Row]) -> list[list[_Row]]:
        """The rows of each challenge (one a piece of evidence), grouped by 課題番号."""
        groups: dict[str, list[_Row]] = {}
        for row in rows:
            number = fold(row["課題番号"], ignore_case=True)
            if not number:
                self.error(CHALLENGES, "課題番号がありません（C1 のように書き、同じ課題の根拠の行には"
                                       "同じ課題番号を書きます）。", row.line, "課題番号")
                continue
            groups.setdefault(number, []).append(row)
        return list(groups.values())

    def _same_challenge(self, group: list[_Row]) -> None:
        """The challenge itself is written on its first row: a later row may repeat it, not
        change it."""
        first = group[0]
        for row in group[1:]:
            for column in ("番号", "課題", "説明", "対応する項目コード", "対応する取組コード"):
                if row[column].strip() and row[column] != first[column]:
                    self.error(CHALLENGES, f"同じ課題番号の最初の行（{first.line}行目）と内容が"
                                           "違います。課題の内容は最初の行にだけ書いてください。",
                               row.line, column)

    def _evidence(self, group: list[_Row]) -> list[dict[str, Any]]:
        evidence: list[dict[str, Any]] = []
        for row in group:
            kind = self.choice(CHALLENGES, row, "根拠の種類", EVIDENCE_KINDS,
                               aliases=EVIDENCE_ALIASES)
            text = self.text(CHALLENGES, row, "根拠")
            if not text.strip():
                if kind:
                    self.error(CHALLENGES, "根拠の種類があるのに、根拠がありません。", row.line, "根拠")
                continue
            evidence.append({"kind": kind or "", "text": text, "order": len(evidence)})
        return evidence

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
            reporter = self.lookup(INDICATORS, row, "実績を報告する組織", self.org_index, "組織")
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
            if "実績を報告する組織" in self.columns_present.get(INDICATORS, ()):
                self.indicators_out[-1]["reporting_organization"] = (
                    self.org_keys[reporter] if reporter is not None else None)

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
                self.once(TARGETS, years, (id(indicator), year, year_kind), row, "年",
                          f"この指標の{year}{YEAR_KINDS[year_kind]}の目標値が2つあります")
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
            item = self._observation(row)
            if indicator is not None:
                found.append((indicator, (item["role"] or "", item["year"] or 0, position), item))
        for indicator, _sort, observation in sorted(found, key=lambda f: f[1]):
            indicator["observations"].append(observation)

    def _observation(self, row: _Row) -> dict[str, Any]:
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
        status = self.choice(OBSERVATIONS, row, "状態", OBSERVATION_STATUSES, default="measured")
        value = self._observed_value(row, status)
        low = self.cell(OBSERVATIONS, row, "95%信頼区間の下限", _decimal_value(10**10))
        high = self.cell(OBSERVATIONS, row, "95%信頼区間の上限", _decimal_value(10**10))
        if low is not None and high is not None and Decimal(low) > Decimal(high):
            self.error(OBSERVATIONS, "95%信頼区間の下限が上限より大きくなっています。",
                       row.line, "95%信頼区間の下限")
        margin = self.cell(OBSERVATIONS, row, "誤差", _decimal_value(10**4))
        basis = self.choice(OBSERVATIONS, row, "誤差の根拠", MARGIN_BASES, aliases=MARGIN_ALIASES)
        breakdown = self.cell(OBSERVATIONS, row, "内訳（JSON）", _breakdown_value)
        return {
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

    def _observed_value(self, row: _Row, status: str | None) -> str | None:
        """The 値, which a measured or estimated observation needs and no other may have."""
        value: str | None = self.cell(OBSERVATIONS, row, "値", _decimal_value(10**10))
        if status in VALUED_STATUSES and value is None and not row["値"].strip():
            self.error(OBSERVATIONS, f"状態が「{OBSERVATION_STATUSES[status]}」のときは値が"
                                     "必要です（値がなければ状態を選んでください）。",
                       row.line, "値")
        if status and status not in VALUED_STATUSES and value is not None:
            self.error(OBSERVATIONS, f"状態が「{OBSERVATION_STATUSES[status]}」のときは値を"
                                     "書きません。", row.line, "値")
        return value

    # The whole book --------------------------------------------------------------------------
    def run(self) -> dict[str, Any] | None:
        missing = [name for name in SHEETS if name not in self.book
                   and name not in OPTIONAL_SHEETS]
        if missing:
            for name in missing:
                self.errors.append(f"「{name}」シートがありません。シート名は変えないでください"
                                   "（計画ワークブックのひな形をダウンロードして使ってください）。")
            return None
        for name in self.book:
            if name not in SHEETS and name != GUIDE:
                self.notes.append(f"シート「{name}」は読み込みませんでした。")
        tables = {name: self.table(name) for name in SHEETS[1:] if name in self.book}
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
        self.check_reporting_level(plan)
        assignments = self.reporting(rows[REPORTING]) if REPORTING in rows else None
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
            **({"reporting_assignments": assignments} if assignments is not None else {}),
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
