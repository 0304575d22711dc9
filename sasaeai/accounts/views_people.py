"""「職員と組織」 (issue #16): the 事務局's page of its municipality's organizations and people —
invite, change a role, end a membership, stop or restart an account, reset an authenticator,
withdraw an invitation, add or rename an organization. Each form posts here and comes back to
the page with a message; the rules are in members.py, organizations.py and invitations.py."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts import invitations, members, organizations
from sasaeai.accounts.access import get_municipality_for_people_manager
from sasaeai.accounts.forms_people import ROLE_CHOICES, InviteForm, OrganizationForm
from sasaeai.tenancy.models import Municipality


def _url(municipality: Municipality, anchor: str = "") -> str:
    return reverse("people:people", args=[municipality.code]) + (f"#{anchor}" if anchor else "")


def _page(request: HttpRequest, municipality: Municipality, *, invite_form: InviteForm | None = None,
          organization_form: OrganizationForm | None = None, status: int = 200) -> HttpResponse:
    response = render(request, "accounts/people.html", {
        "municipality": municipality,
        "groups": members.people_of(municipality),
        "invitations": members.open_invitations(municipality),
        "invite_form": invite_form or InviteForm(municipality),
        "organization_form": organization_form or OrganizationForm(municipality),
        "roles": ROLE_CHOICES,
        "kinds": OrganizationForm.base_fields["kind"].choices,  # type: ignore[attr-defined]
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def people(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, get_municipality_for_people_manager(request.user, code))


def _done(request: HttpRequest, municipality: Municipality, change: Callable[[], str],
          anchor: str = "") -> HttpResponse:
    """Make the change; its message, or the refusal's, on the page it came from."""
    try:
        messages.success(request, change())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(_url(municipality, anchor))


@require_POST
@login_required
def invite(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    form = InviteForm(municipality, request.POST)
    if not form.is_valid():
        return _page(request, municipality, invite_form=form, status=400)
    data = form.cleaned_data
    try:
        invitation, _key = invitations.invite(
            by=request.user, organization=data["organization"], email=data["email"],
            role=data["role"], display_name=data["display_name"])
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return _page(request, municipality, invite_form=form, status=400)
    messages.success(request, f"{invitation.email} に、{invitation.organization}の"
                              f"{invitation.get_role_display()}への招待を送りました（7日間有効）。")
    return HttpResponseRedirect(_url(municipality, "invitations"))


@require_POST
@login_required
def invitation_withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    row = members.withdraw_invitation(by=request.user, municipality=municipality, pk=pk)
    messages.success(request, f"{row.email} への招待を取り消しました。")
    return HttpResponseRedirect(_url(municipality, "invitations"))


@require_POST
@login_required
def membership_role(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    membership = members.membership_in(municipality, pk)

    def change() -> str:
        row = members.change_role(by=request.user, municipality=municipality,
                                  membership=membership, role=request.POST.get("role", ""),
                                  seen=request.POST.get("seen", ""))
        return f"{row.user}さんの{row.organization}での役割を「{row.get_role_display()}」にしました。"
    return _done(request, municipality, change, f"org-{membership.organization_id}")


@require_POST
@login_required
def membership_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    membership = members.membership_in(municipality, pk)

    def change() -> str:
        members.end_membership(by=request.user, municipality=municipality, membership=membership)
        return f"{membership.user}さんの{membership.organization}への所属を外しました。"
    return _done(request, municipality, change, f"org-{membership.organization_id}")


@require_POST
@login_required
def person_active(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    person = members.person_in(municipality, pk)
    active = request.POST.get("active") == "1"

    def change() -> str:
        members.set_active(by=request.user, municipality=municipality, person=person,
                           active=active)
        return (f"{person}さんのアカウントを再開しました。" if active else
                f"{person}さんのアカウントを停止しました。ログインできなくなり、メールも届きません。")
    return _done(request, municipality, change)


@require_POST
@login_required
def person_second_factor(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    person = members.person_in(municipality, pk)

    def change() -> str:
        members.reset_second_factor(by=request.user, municipality=municipality, person=person)
        return f"{person}さんの認証アプリの登録を解除しました。次のログインで登録し直します。"
    return _done(request, municipality, change)


@require_POST
@login_required
def organization_add(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    form = OrganizationForm(municipality, request.POST)
    if not form.is_valid():
        return _page(request, municipality, organization_form=form, status=400)
    data = form.cleaned_data
    try:
        row = organizations.add_organization(
            by=request.user, municipality=municipality, name=data["name"], kind=data["kind"],
            short_name=data["short_name"], parent=data["parent"])
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return _page(request, municipality, organization_form=form, status=400)
    messages.success(request, f"組織「{row.name}」を追加しました。")
    return HttpResponseRedirect(_url(municipality, f"org-{row.pk}"))


@require_POST
@login_required
def organization_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_people_manager(request.user, code)
    organization = organizations.organization_in(municipality, pk)
    form = OrganizationForm(municipality, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(_url(municipality, f"org-{pk}"))
    data = form.cleaned_data

    def change() -> str:
        row = organizations.change_organization(
            by=request.user, municipality=municipality, organization=organization,
            name=data["name"], short_name=data["short_name"], kind=data["kind"],
            parent=data["parent"], seen=request.POST.get("seen", ""))
        return (f"組織の名称を「{organization.name}」から「{row.name}」に変えました。"
                if row.name != organization.name else f"組織「{row.name}」を変更しました。")
    return _done(request, municipality, change, f"org-{pk}")
