"""人事異動 by file (issue #16): every April the 事務局 uploads who arrives (着任), who leaves
(転出) and whose role changes (変更), as CSV or Excel (氏名, メールアドレス, 組織, 役割, 異動日,
区分). Every row is read and checked first, and the preview says what each will do; confirmed,
everything is made or nothing is: rows dated today or before at once, later rows kept as
`ScheduledChange` until their day, when the task worker makes them (progress/daily.py).

着任 adds the person to the organization (an existing account, started again if it was stopped
here) or invites them by mail; 変更 changes their role there; 転出 ends their membership there
(or, with no 組織, in the whole municipality) and stops the account when nothing is left. No file
may leave the municipality without an active 事務局."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts import invitations, members
from sasaeai.accounts.models import Membership, ScheduledChange, User
from sasaeai.audit.actions import record
from sasaeai.lib.spreadsheets import (
    Column,
    SpreadsheetError,
    fold,
    is_blank,
    match_header,
    read_csv,
    read_xlsx,
)
from sasaeai.tenancy.models import Municipality, Organization

SHEET = "人事異動"
MAX_BYTES = 2 * 1024 * 1024
MAX_RATIO = 100
MAX_ROWS = 2000
Kind = ScheduledChange.Kind
KINDS = {label: value for value, label in Kind.choices}
ROLES = {label: value for value, label in Membership.Role.choices}
COLUMNS = (
    Column("氏名", 16, key="name", help="招待メールの宛名（着任で新しく招待する人）"),
    Column("メールアドレス", 32, key="email", required=True, help="本人を見分けるのに使います"),
    Column("組織", 24, key="organization", help="「職員と組織」にある組織名。転出で空欄なら、この自治体のすべての所属を外します"),
    Column("役割", 10, key="role", choices=tuple(ROLES), help="着任・変更では必須"),
    Column("異動日", 14, key="date", required=True, help="2027-04-01、2027/4/1、令和9年4月1日 のいずれか"),
    Column("区分", 8, key="kind", required=True, choices=tuple(KINDS), help="着任・転出・変更"),
)
ERAS = {"令和": 2018, "平成": 1988}


@dataclass
class Row:
    line: int
    kind: str
    name: str
    email: str
    organization: Organization | None
    role: str
    on: datetime.date
    does: str = ""  # what it will do, in words (the preview)

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    def key(self) -> list[Any]:
        return [self.kind, self.email.casefold(), self.organization.pk if self.organization else None,
                self.role, self.on.isoformat()]


@dataclass
class Reading:
    rows: list[Row]
    errors: list[str]

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps([r.key() for r in self.rows]).encode()).hexdigest()


def read_date(text: str) -> datetime.date | None:
    text = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:00:00:00)?", text)
    era = re.fullmatch(r"(令和|平成)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日", text)
    try:
        if m:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if era:
            year = ERAS[era[1]] + (1 if era[2] == "元" else int(era[2]))
            return datetime.date(year, int(era[3]), int(era[4]))
    except ValueError:
        return None
    return None


def _rows_of(name: str, data: bytes) -> list[list[str]]:
    if name.lower().endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, max_bytes=MAX_BYTES, max_ratio=MAX_RATIO, sheet=SHEET,
                         max_rows=MAX_ROWS + 10, max_cols=20)
    if name.lower().endswith((".csv", ".txt")) or not data.startswith(b"PK"):
        return read_csv(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 10, max_cols=20)
    raise SpreadsheetError("CSVファイル（.csv）かExcelファイル（.xlsx）を選んでください。")


def read(municipality: Municipality, name: str, data: bytes, *,
         today: datetime.date | None = None) -> Reading:
    """Every row of the file checked against the municipality as it is now."""
    today = today or timezone.localdate()
    try:
        table = _rows_of(name, data)
    except SpreadsheetError as exc:
        return Reading([], [str(exc)])
    table = [r for r in table if not is_blank(r)]
    if not table:
        return Reading([], ["ファイルに行がありません。見出しの行と、1人1行の異動を書いてください。"])
    header = match_header(table[0], COLUMNS)
    missing = [c.title for c in COLUMNS if c.required and c.name not in header.positions]
    if missing:
        return Reading([], [f"1行目に見出し「{'」「'.join(missing)}」がありません（ひな形の見出しのまま使ってください）。"])
    if len(table) - 1 > MAX_ROWS:
        return Reading([], [f"行が多すぎます。{MAX_ROWS:,}行までにしてください。"])
    everyone = list(Organization.objects.filter(municipality=municipality))
    retired = {fold(o.name) for o in everyone if o.is_retired}
    organizations = {fold(o.name): o for o in everyone if not o.is_retired}
    organizations.update({fold(o.short_name): o for o in organizations.values() if o.short_name})
    rows, errors, seen = [], [], set()

    def cell(row: list[str], key: str) -> str:
        index = header.positions.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    for line, raw in enumerate(table[1:], start=2):
        problems: list[str] = []
        kind = KINDS.get(cell(raw, "kind"))
        if kind is None:
            problems.append(f"区分「{cell(raw, 'kind')}」は 着任・転出・変更 のどれかにしてください")
        email = cell(raw, "email")
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"メールアドレス「{email}」の形が正しくありません")
        on = read_date(cell(raw, "date"))
        if on is None:
            problems.append(f"異動日「{cell(raw, 'date')}」を日付として読めません（例：2027-04-01）")
        org_text = cell(raw, "organization")
        organization = organizations.get(fold(org_text)) if org_text else None
        if org_text and organization is None:
            problems.append(f"組織「{org_text}」は廃止されています" if fold(org_text) in retired
                            else f"組織「{org_text}」がありません（「職員と組織」で先に追加してください）")
        role_text = cell(raw, "role")
        role = ROLES.get(role_text, "")
        if role_text and not role:
            problems.append(f"役割「{role_text}」は 事務局・担当・委員・閲覧 のどれかにしてください")
        if kind in {Kind.ARRIVE, Kind.CHANGE} and not (org_text and role_text):
            problems.append("着任・変更には組織と役割が必要です")
        if not problems and kind != Kind.ARRIVE and on is not None and on <= today:
            person = User.objects.filter(email__iexact=email,
                                         memberships__organization__municipality=municipality).first()
            if person is None:
                problems.append(f"{email} の方は{municipality.name}に所属していません")
            elif kind == Kind.CHANGE and not Membership.objects.filter(
                    user=person, organization=organization).exists():
                problems.append(f"{email} の方は{org_text}に所属していません（着任にしてください）")
        if problems or kind is None or on is None:
            errors.append(f"{line}行目：" + "。".join(problems) + "。")
            continue
        row = Row(line, kind, cell(raw, "name"), email, organization, role, on)
        if tuple(row.key()) in seen:
            errors.append(f"{line}行目：同じ異動が2回書かれています。")
            continue
        seen.add(tuple(row.key()))
        row.does = _describe(row, today)
        rows.append(row)
    if not rows and not errors:
        errors.append("異動の行がありません。")
    return Reading(rows, errors)


def _describe(row: Row, today: datetime.date) -> str:
    when = "すぐに反映" if row.on <= today else f"{row.on:%Y年%-m月%-d日}に反映（予約）"
    org = row.organization.name if row.organization else "この自治体のすべての組織"
    role = dict(Membership.Role.choices).get(row.role, "")
    if row.kind == Kind.ARRIVE:
        has = User.objects.filter(email__iexact=row.email).exists()
        what = (f"{org}の{role}に加える" if has else f"{org}の{role}として招待メールを送る")
    elif row.kind == Kind.CHANGE:
        what = f"{org}での役割を「{role}」にする"
    else:
        what = f"{org}の所属を外す（ほかに所属がなければアカウントを停止）"
    return f"{what}・{when}"


def _arrive(by: Any, municipality: Municipality, row: Row) -> str:
    if row.organization is None:
        raise ValidationError(f"{row.email}：着任には組織が必要です。")
    person = User.objects.select_for_update().filter(email__iexact=row.email).order_by(
        "-is_active", "pk").first()
    if person is None:
        invitations.invite(by=by, organization=row.organization, email=row.email, role=row.role,
                           display_name=row.name)
        return "招待を送りました"
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
        record(by=by, action="accounts.user.activate", obj=person, before={"is_active": False},
               after={"is_active": True}, municipality_code=municipality.code, note="人事異動（着任）")
    membership, created = Membership.objects.get_or_create(
        user=person, organization=row.organization, defaults={"role": row.role})
    before = None if created else {"role": membership.role}
    if not created and membership.role != row.role:
        membership.role = row.role
        membership.save(update_fields=["role"])
    record(by=by, action="accounts.membership.add" if created else "accounts.membership.role",
           obj=membership, before=before, after={"role": row.role},
           municipality_code=municipality.code, note="人事異動（着任）")
    return "所属に加えました"


def _change(by: Any, municipality: Municipality, row: Row) -> str:
    membership = Membership.objects.select_for_update().filter(
        user__email__iexact=row.email, organization=row.organization).first()
    if membership is None:
        raise ValidationError(f"{row.email} の方は{row.organization}に所属していません。")
    if membership.role != row.role:
        before = {"role": membership.role}
        membership.role = row.role
        membership.save(update_fields=["role"])
        record(by=by, action="accounts.membership.role", obj=membership, before=before,
               after={"role": row.role}, municipality_code=municipality.code,
               note="人事異動（変更）")
    return "役割を変えました"


def _leave(by: Any, municipality: Municipality, row: Row) -> str:
    rows = Membership.objects.select_for_update().select_related("user", "organization").filter(
        user__email__iexact=row.email, organization__municipality=municipality)
    if row.organization is not None:
        rows = rows.filter(organization=row.organization)
    ended = 0
    for membership in rows:
        record(by=by, action="accounts.membership.end", obj=membership,
               before={"user": membership.user.get_username(),
                       "organization": membership.organization.name, "role": membership.role},
               municipality_code=municipality.code, note="人事異動（転出）")
        membership.delete()
        ended += 1
    return "所属を外しました" if ended else "外す所属はありませんでした"


def _stop_who_has_nothing_left(by: Any, municipality: Municipality, emails: set[str]) -> int:
    """After a file's rows (a 転出 and an 着任 of the same person is a move, not a leave):
    stop the accounts of who no longer belongs anywhere."""
    stopped = 0
    people = [p for email in sorted(emails)
              for p in User.objects.select_for_update().filter(email__iexact=email, is_active=True)]
    for person in people:
        if Membership.objects.filter(user=person).exists():
            continue
        person.is_active = False
        person.save(update_fields=["is_active"])
        record(by=by, action="accounts.user.deactivate", obj=person,
               before={"is_active": True}, after={"is_active": False},
               municipality_code=municipality.code, note="人事異動（転出）")
        stopped += 1
    return stopped


DO = {Kind.ARRIVE: _arrive, Kind.CHANGE: _change, Kind.LEAVE: _leave}


@dataclass
class Applied:
    now: int
    scheduled: int


def apply(*, by: Any, municipality: Municipality, reading: Reading, source: str,
          today: datetime.date | None = None) -> Applied:
    """Everything in the file, or nothing: today's rows made, later ones kept for their day."""
    members.allowed(by, municipality)
    if reading.errors:
        raise ValidationError(reading.errors)
    today = today or timezone.localdate()
    done = Applied(0, 0)
    leaving: set[str] = set()
    with transaction.atomic():
        for row in reading.rows:
            if row.on <= today:
                DO[Kind(row.kind)](by, municipality, row)
                done.now += 1
                if row.kind == Kind.LEAVE:
                    leaving.add(row.email.casefold())
            else:
                ScheduledChange.objects.create(
                    municipality=municipality, kind=row.kind, display_name=row.name,
                    email=row.email, organization=row.organization, role=row.role,
                    effective_on=row.on, source=f"{source} {row.line}行目"[:200],
                    created_by=by if getattr(by, "is_authenticated", False) else None)
                done.scheduled += 1
        _stop_who_has_nothing_left(by, municipality, leaving)
        if not members.others_run_it(municipality):
            raise ValidationError(members.LAST.format(m=municipality.name))
        record(by=by, action="accounts.personnel.import", obj=municipality,
               after={"file": source, "now": done.now, "scheduled": done.scheduled},
               municipality_code=municipality.code)
    return done


def apply_due(*, today: datetime.date) -> int:
    """The kept rows whose day has come, each by itself (one that cannot be made says why in
    its outcome and is not tried again)."""
    made = 0
    for change in ScheduledChange.objects.filter(applied_at__isnull=True, effective_on__lte=today
                                                 ).select_related("municipality", "organization"):
        row = Row(0, change.kind, change.display_name, change.email, change.organization,
                  change.role, change.effective_on)
        try:
            with transaction.atomic():
                outcome = DO[Kind(change.kind)](None, change.municipality, row)
                if change.kind == Kind.LEAVE and _stop_who_has_nothing_left(
                        None, change.municipality, {change.email.casefold()}):
                    outcome += "（アカウントを停止しました）"
                if not members.others_run_it(change.municipality):
                    raise ValidationError(members.LAST.format(m=change.municipality.name))
        except ValidationError as exc:
            outcome = "反映できませんでした：" + " ".join(exc.messages)
        else:
            made += 1
        ScheduledChange.objects.filter(pk=change.pk).update(applied_at=timezone.now(),
                                                            outcome=outcome)
    return made
