"""Who is told what, and when: the progress cycle's notices (issue #14).

Hooked to the audit trail (`audit.actions.recorded`, connected in ProgressConfig.ready): every
audited write of the cycle already names itself ("progress.cycle.move", "progress.entry.return",
"progress.figure.return"), so the actions need not know about notices. The notices are made in the
write's transaction and mailed once it commits (`notices.delivery.send`). The daily reminders
before and after the due date are in progress/daily.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from sasaeai.accounts.access import committee_of, reporters_of
from sasaeai.audit.models import AuditEvent
from sasaeai.notices.delivery import send
from sasaeai.notices.models import Notice
from sasaeai.progress.models import Cycle, Entry, FigureRequest

S = Cycle.Status
K = Notice.Kind
HAND_IN = "「わたしの作業」から開いて入力し、「保存して提出」を押してください。"


def day(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def cycle_name(cycle: Cycle) -> str:
    return f"{cycle.plan.title} {cycle.display_title}"


def cycle_url(cycle: Cycle, name: str = "progress:cycle") -> str:
    plan = cycle.plan
    return reverse(name, args=[plan.municipality.code, plan.slug, cycle.pk])


def due_line(cycle: Cycle) -> str:
    if cycle.entries_due is None:
        return "入力期限は事務局からの連絡をご確認ください。"
    return f"入力期限は{day(cycle.entries_due)}です。"


def asked_organizations(cycle: Cycle, *, handed_in: bool = False) -> dict[int, Any]:
    """The organizations the cycle asks for reports or figures (or that handed some in)."""
    entries = cycle.entries.all()
    figures = cycle.figure_requests.all()
    if handed_in:
        entries = entries.handed_in()
        figures = figures.filter(status__in=[FigureRequest.Status.SUBMITTED,
                                             FigureRequest.Status.ACCEPTED])
    found: dict[int, Any] = {}
    rows: list[Entry | FigureRequest] = [*entries.select_related("organization"),
                                         *figures.select_related("organization")]
    for row in rows:
        found.setdefault(row.organization_id, row.organization)
    return found


# The cycle moves ---------------------------------------------------------------------------------

def cycle_opened(cycle: Cycle) -> None:
    """準備中 → 入力中: each organization's 担当, with what they are asked for (one e-mail a
    person, whatever the number of their organizations)."""
    for org_id, organization in asked_organizations(cycle).items():
        reports = cycle.entries.filter(organization_id=org_id).count()
        figures = cycle.figure_requests.filter(organization_id=org_id).count()
        asked = f"報告が{reports}件" + (f"、指標の実績値が{figures}件" if figures else "")
        send(to=reporters_of([org_id]), kind=K.CYCLE_OPENED,
             subject=f"【入力開始】{cycle_name(cycle)}の進捗報告をお願いします",
             body=(f"「{cycle_name(cycle)}」の入力が始まりました。"
                   f"{organization.name}が書く{asked}あります。\n{due_line(cycle)}\n{HAND_IN}"),
             url=reverse("tasks:mine"), digest=f"opened-{cycle.pk}",
             digest_subject=f"【入力開始】{cycle_name(cycle)}の進捗報告をお願いします（{{count}}組織）")


def review_opened(cycle: Cycle) -> None:
    meeting = (f"委員会の開催日は{day(cycle.committee_meeting)}です。\n"
               if cycle.committee_meeting else "")
    send(to=committee_of(cycle.plan.municipality_id), kind=K.REVIEW_OPENED,
         subject=f"【委員会審議】{cycle_name(cycle)}の審議が始まりました",
         body=(f"事務局が取りまとめた「{cycle_name(cycle)}」の報告を、委員会で審議する段階になりました。\n"
               f"{meeting}評価サイクルのページで各報告を読み、委員会評価を付け、ご意見があれば書いてください。"),
         url=cycle_url(cycle))


def cycle_concluded(cycle: Cycle, *, published: bool) -> None:
    """確定 and 公開: everyone whose organization handed something in."""
    if published:
        subject = f"【公開】{cycle_name(cycle)}の評価結果を公開しました"
        body = (f"「{cycle_name(cycle)}」の評価結果を公開しました。市民の方も読めるようになりました。\n"
                "公開された内容をご確認ください。ご協力ありがとうございました。")
    else:
        subject = f"【確定】{cycle_name(cycle)}の評価が確定しました"
        body = (f"委員会の審議を経て、「{cycle_name(cycle)}」の評価が確定しました。\n"
                "確定した内容をまとめのページでご確認ください（公開されるまでは関係者だけが読めます）。")
    send(to=reporters_of(asked_organizations(cycle, handed_in=True)),
         kind=K.PUBLISHED if published else K.CONFIRMED, subject=subject, body=body,
         url=cycle_url(cycle, "progress:summary"))


def cycle_moved(event: AuditEvent, cycle: Cycle) -> None:
    before = (event.before or {}).get("status")
    if before == S.PREPARING and cycle.is_open_for_input:
        cycle_opened(cycle)
    elif before == S.COMPILING and cycle.is_under_review:
        review_opened(cycle)
    elif before == S.REVIEWING and cycle.status == S.CONFIRMED:
        cycle_concluded(cycle, published=False)
    elif before == S.CONFIRMED and cycle.is_published:
        cycle_concluded(cycle, published=True)


# Returned to the organization --------------------------------------------------------------------

def returned(item: Entry | FigureRequest, *, what: str, reason: str) -> None:
    """A report or a figure returned: its organization's 担当, with the reason. Several returned
    to one organization in one transaction go as one e-mail."""
    cycle, organization = item.cycle, item.organization
    send(to=reporters_of([organization.pk]), kind=K.RETURNED,
         subject=f"【差戻し】{what}が差し戻されました",
         body=(f"「{cycle_name(cycle)}」で{organization.name}が提出した{what}が、"
               f"事務局から差し戻されました。\n差戻しの理由：{reason}\n"
               f"理由を読んで内容を直し、もう一度「保存して提出」を押してください。{due_line(cycle)}"),
         url=item.get_absolute_url(), digest=f"returned-{cycle.pk}-{organization.pk}",
         digest_subject=f"【差戻し】{organization.name}の報告など{{count}}件が差し戻されました")


def entry_returned(event: AuditEvent, entry: Entry) -> None:
    title = f"{entry.subject.number_label} {entry.subject.title}".strip()
    returned(entry, what=f"報告「{title}」", reason=entry.return_comment or event.note)


def figure_returned(event: AuditEvent, figure: FigureRequest) -> None:
    returned(figure, what=f"指標「{figure.indicator.name}」の実績値",
             reason=figure.return_comment or event.note)


HANDLERS: dict[str, tuple[type, Callable[[AuditEvent, Any], None]]] = {
    "progress.cycle.move": (Cycle, cycle_moved),
    "progress.entry.return": (Entry, entry_returned),
    "progress.figure.return": (FigureRequest, figure_returned),
}


def on_recorded(sender: Any, *, event: AuditEvent, obj: Any = None, **kwargs: Any) -> None:
    """Receiver of `audit.actions.recorded`."""
    handler = HANDLERS.get(event.action)
    if handler is not None and isinstance(obj, handler[0]):
        handler[1](event, obj)
