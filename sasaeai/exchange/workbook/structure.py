"""Reading the sheets the others point to: 組織, 圏域, 計画, 体系 and 取組."""

from __future__ import annotations

import re
from typing import Any

from sasaeai.exchange.workbook.cells import (
    _SLUG,
    _fiscal_year_value,
    _flag_value,
    _Reader,
    _Row,
)
from sasaeai.exchange.workbook.codes import (
    _code_key,
    _key_number,
    _label,
    _lines,
    _orders,
    _split_names,
    _tree_order,
)
from sasaeai.exchange.workbook.columns import (
    AREAS,
    ELEMENTS,
    INITIATIVES,
    ORG_KINDS,
    ORGS,
    PLACEMENT_NOTE_MAX,
    PLAN,
    PLAN_FIELDS,
    PLAN_KINDS,
    PLAN_STATUSES,
    REPORTING,
    REPORTING_LEVEL,
    SEPARATOR,
)
from sasaeai.lib.spreadsheets import fold


class _Structure(_Reader):
    """Reads the sheets other sheets point to, and finds the rows they point at (`…_ref`)."""

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
        values = self._plan_fields()
        if values is None:
            return {}

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
        links = {label: self._plan_link(label, get(label), get(f"{label}の名称"))
                 for label in ("前計画", "上位計画")}
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
            # A workbook made before the row existed says nothing about the reporting unit.
            **({"reporting_level": text(REPORTING_LEVEL).strip()}
               if get(REPORTING_LEVEL).line else {}),
        }

    def _plan_fields(self) -> dict[str, _Row] | None:
        """The 計画 sheet's 項目・値 rows by label (each a one-cell row), or None without its
        header. Unknown and repeated labels and missing required values are errors."""
        rows = self.book.get(PLAN, [])
        header = [fold(t, ignore_case=True) for t in (rows[0] if rows else [])]
        if header[:2] != [fold("項目", ignore_case=True), fold("値", ignore_case=True)]:
            self.error(PLAN, "1行目の見出し（項目・値）がありません。1行目は変えないでください。")
            return None
        fields = {fold(f.label, ignore_case=True): f for f in PLAN_FIELDS}
        values: dict[str, _Row] = {}
        for line, cells in enumerate(rows[1:], start=2):
            label = cells[0] if cells else ""
            value = cells[1] if len(cells) > 1 else ""
            if not label.strip() and not value.strip():
                continue
            item = fields.get(fold(label, ignore_case=True))
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
        return values

    def _plan_link(self, label: str, slug_row: _Row, title_row: _Row) -> dict[str, str] | None:
        """前計画 or 上位計画: another plan of the municipality, by URL名."""
        slug = self.text(PLAN, slug_row, label).strip() if slug_row.line else ""
        title_label = f"{label}の名称"
        title = self.text(PLAN, title_row, title_label) if title_row.line else ""
        if slug and not _SLUG.fullmatch(slug):
            self.error(PLAN, f"「{slug}」はURL名として使えません（半角英数字・ハイフン・"
                             "下線）。", slug_row.line, label)
        if title.strip() and not slug:
            self.error(PLAN, f"{label}の名称があるのに、{label}のURL名がありません。",
                       title_row.line, title_label)
        return {"slug": slug, "title": title} if slug else None

    # 体系 ------------------------------------------------------------------------------------
    def elements(self, rows: list[_Row]) -> None:
        every = {_code_key(r["項目コード"]): r.line for r in rows if _code_key(r["項目コード"])}
        self.element_index: dict[str, int] = {}
        items: list[dict[str, Any]] = []
        parents: list[int | None] = []
        codes: list[str] = []
        numbers: dict[tuple[int | None, str, str], int] = {}
        for row in rows:
            parent = self.earlier(ELEMENTS, row, "上位の項目コード", self.element_index, every,
                                  "項目")
            level = self.text(ELEMENTS, row, "階層名", required=True)
            number = self.text(ELEMENTS, row, "番号")
            title = self.text(ELEMENTS, row, "名称", required=True)
            code = self.code(ELEMENTS, row, "項目コード", self.element_index, items,
                             codes[parent] if parent is not None else None, _label(number, title))
            if number.strip():
                self.once(ELEMENTS, numbers, (parent, _code_key(level), _code_key(number)), row,
                          "番号", f"同じ上位の項目の下に、階層名「{level.strip()}」・番号"
                                  f"「{number.strip()}」の項目が2つあります")
            items.append({"line": row.line, "level_label": level, "number_label": number,
                          "title": title, "description": self.text(ELEMENTS, row, "説明"),
                          "is_priority": bool(self.cell(ELEMENTS, row, "重点", _flag_value)),
                          "is_new": bool(self.cell(ELEMENTS, row, "新規", _flag_value))})
            parents.append(parent)
            codes.append(code)
            self.element_index.setdefault(code, len(items) - 1)
        self.element_order = _tree_order(parents)
        self.element_keys, self.elements_out = self._tree(items, parents, "E")

    def code(self, sheet: str, row: _Row, column: str, index: dict[str, int],
             items: list[dict[str, Any]], parent: str | None, own: str) -> str:
        """A row's code as written, or else made from its parent's code and its own label; a
        code already taken by an earlier row is an error."""
        code = _code_key(row[column]) or _code_key(f"{parent}{SEPARATOR}{own}" if parent is not None
                                                   else own)
        if code in index:
            self.error(sheet, f"{column}「{code}」が2回あります（{items[index[code]]['line']}行目と"
                              f"{row.line}行目）。", row.line, column)
        return code

    def element_ref(self, sheet: str, row: _Row, column: str, text: str | None = None
                    ) -> str | None:
        index = self.lookup(sheet, row, column, self.element_index, "項目", text)
        return self.element_keys[index] if index is not None else None

    # 報告の単位・報告の割り当て -------------------------------------------------------------------
    def check_reporting_level(self, plan: dict[str, Any]) -> None:
        """The reporting unit is 取組 (blank) or a 階層名 of the 体系 sheet."""
        level = plan.get("reporting_level", "")
        levels = list(dict.fromkeys(e["level_label"] for e in self.elements_out))
        if level and level not in levels:
            self.error(PLAN, f"報告の単位「{level}」は「体系」シートの階層名にありません。取組ごとなら空欄、"
                             f"体系の階層ごとなら{''.join(f'「{n}」' for n in levels)}のいずれかを"
                             "書いてください。", self._plan_line(REPORTING_LEVEL), "値")

    def _plan_line(self, label: str) -> int | None:
        for line, cells in enumerate(self.book.get(PLAN, [])[1:], start=2):
            if cells and fold(cells[0], ignore_case=True) == fold(label, ignore_case=True):
                return line
        return None

    def reporting(self, rows: list[_Row]) -> list[dict[str, Any]]:
        """The 報告の割り当て sheet: one element and one organization a row, each pair once."""
        out: list[dict[str, Any]] = []
        seen: dict[Any, int] = {}
        for row in rows:
            element = self.element_ref(REPORTING, row, "項目コード")
            org = self.lookup(REPORTING, row, "組織名", self.org_index, "組織（「組織」シートの組織名）")
            for column in ("項目コード", "組織名"):
                if not row[column].strip():
                    self.error(REPORTING, f"{column}がありません。", row.line, column)
            sample = bool(self.cell(REPORTING, row, "サンプル", _flag_value))
            if element is None or org is None:
                continue
            self.once(REPORTING, seen, (element, org), row, "組織名",
                      "同じ項目と組織の割り当てが2回あります")
            out.append({"element": element, "organization": self.org_keys[org],
                        "is_sample": sample})
        return out

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
            code = self.code(INITIATIVES, row, "取組コード", self.initiative_index, items,
                             codes_by_index[home] if home is not None else None,
                             _label(number, title))
            if number.strip() and home is not None:
                self.once(INITIATIVES, numbers, (home, _code_key(number)), row, "番号",
                          f"同じ項目の下に、番号「{number.strip()}」の取組が2つあります")
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
        self._initiatives_out(items, homes, placements)

    def _initiatives_out(self, items: list[dict[str, Any]], homes: list[int | None],
                         placements: list[list[tuple[int, str, int]]]) -> None:
        """Initiatives keyed and listed in the order of their home elements (the tree order),
        then of their rows; placements by position in their 再掲先 cell, then by initiative."""
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

