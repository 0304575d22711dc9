"""Refused requests and failed sign-ins go to the `sasaeai.security` log.

The audit log (`AuditEvent`) records what changed; a refusal changes nothing, so it is not an
audit event but a log line: who asked (user id and name, or 匿名), their organizations, the method,
the path and why it was refused. A 404 from an access helper looks exactly like one for a missing
object (so nobody learns what exists); both are logged, at INFO, and 403s at WARNING. Neither the
query string nor the body is logged: they may hold what a person typed. Failed sign-ins log the
user name tried, never the password.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse

logger = logging.getLogger("sasaeai.security")


def who(user: Any) -> str:
    """The user and their organizations, as a log names them."""
    if user is None or not user.is_authenticated:
        return "匿名"
    from sasaeai.audit.actions import standing

    orgs = ", ".join(f"{org}({role})" for org, role in standing(user))
    return f"user={user.pk}:{user.get_username()} [{orgs}]"


class RefusalLogMiddleware:
    """Logs every PermissionDenied (403) and Http404 a view raises."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            logger.warning("拒否 403 %s %s by %s: %s", request.method, request.path,
                           who(getattr(request, "user", None)), exception or "権限がありません")
        elif isinstance(exception, Http404):
            logger.info("拒否または不存在 404 %s %s by %s", request.method, request.path,
                        who(getattr(request, "user", None)))


@receiver(user_login_failed)
def log_failed_sign_in(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                       **kwargs: Any) -> None:
    # Django already replaces the password in `credentials`; only the user name is logged, with
    # the address django-axes counts (behind our proxies, the client's).
    from sasaeai.accounts.throttle import client_ip

    address = client_ip(request) if request is not None else ""
    logger.warning("ログイン失敗 username=%r from %s", credentials.get("username", ""), address)
