"""Reminder e-mails before and after the entries' due date (run daily: `sasaeai send_reminders`):
to each organisation, the reports it has still to hand in (not those the cycle goes on without)
and the indicators' figures asked of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from sasaeai.accounts.models import Membership
from sasaeai.audit.actions import record
from sasaeai.progress.models import Cycle, Entry, FigureRequest, Reminder
from sasaeai.tenancy.models import Organization

OVERDUE_EVERY = timedelta(days=7)


@dataclass
class Sent:
    cycle: Cycle
    organization: str
    kind: str
    recipients: list[str]
    entries: int
    figures: int = 0


@dataclass
class Awaiting:
    """What one organisation has still to hand in: its reports (not those the 事務局 recorded
    「未提出のまま進める」 for) and the indicators' figures asked of it."""

    organization: Organization
    entries: list[Entry] = field(default_factory=list)
    figures: list[FigureRequest] = field(default_factory=list)


def awaiting_by_organization(cycle: Cycle) -> dict[int, Awaiting]:
    by_org: dict[int, Awaiting] = {}
    entries = (cycle.entries.blocking_review().select_related("organization").with_units()
               .in_plan_order())
    for entry in entries:
        entry.cycle = cycle
        by_org.setdefault(entry.organization_id, Awaiting(entry.organization)).entries.append(entry)
    figures = (FigureRequest.objects.filter(cycle=cycle).awaiting()
               .select_related("organization", "indicator__plan__municipality").in_plan_order())
    for figure in figures:
        by_org.setdefault(figure.organization_id, Awaiting(figure.organization)).figures.append(
            figure)
    return by_org


def due_kind(cycle: Cycle, today: date, days_before: int) -> str | None:
    if cycle.entries_due is None:
        return None
    if today > cycle.entries_due:
        return Reminder.Kind.OVERDUE
    if cycle.entries_due - today <= timedelta(days=days_before):
        return Reminder.Kind.BEFORE
    return None


def already_sent(cycle: Cycle, org_id: int, kind: str, today: date) -> bool:
    sent = Reminder.objects.filter(cycle=cycle, organization_id=org_id, kind=kind)
    if kind == Reminder.Kind.OVERDUE:
        sent = sent.filter(sent_on__gt=today - OVERDUE_EVERY)
    return sent.exists()


def send_reminders(*, today: date, days_before: int = 3, dry_run: bool = False) -> list[Sent]:
    results: list[Sent] = []
    cycles = Cycle.objects.filter(status=Cycle.Status.COLLECTING, entries_due__isnull=False)
    for cycle in cycles.select_related("plan__municipality"):
        kind = due_kind(cycle, today, days_before)
        if kind is None:
            continue
        for org_id, awaiting in awaiting_by_organization(cycle).items():
            if already_sent(cycle, org_id, kind, today):
                continue
            organization, entries, figures = awaiting.organization, awaiting.entries, awaiting.figures
            recipients = sorted(
                Membership.objects.filter(organization_id=org_id, role=Membership.Role.STAFF)
                .exclude(user__email="").filter(user__is_active=True, user__notice_mail=True)
                .values_list("user__email", flat=True)
            )
            if not recipients:
                continue
            results.append(Sent(cycle, organization.name, kind, recipients, len(entries),
                                len(figures)))
            if dry_run:
                continue
            context = {"cycle": cycle, "organization": organization, "entries": entries,
                       "figures": figures, "overdue": kind == Reminder.Kind.OVERDUE,
                       "base_url": settings.SASAEAI_BASE_URL.rstrip("/")}
            subject = render_to_string("progress/mail/reminder_subject.txt", context).strip()
            body = render_to_string("progress/mail/reminder_body.txt", context)
            asked = f"{len(entries)}件" + (f"・指標の実績値{len(figures)}件" if figures else "")
            with transaction.atomic():
                Reminder.objects.create(cycle=cycle, organization=organization, kind=kind,
                                        sent_on=today, recipients=len(recipients),
                                        entries=len(entries))
                record(by=None, action="progress.reminder", obj=cycle,
                       municipality_code=cycle.plan.municipality.code,
                       organization=organization.name,
                       note=f"{Reminder.Kind(kind).label}の督促：{asked}、宛先{len(recipients)}人")
                send_mail(subject, body, None, recipients)
    return results
