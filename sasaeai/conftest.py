import os
import threading

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread

from sasaeai.testing import World, build_world
from sasaeai.testing_smtp import running_smtp_server

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Background tasks run at once in tests: a packet requested is a packet made.
settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Production hashing costs a second per password; the suite creates hundreds of users.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]



def _force_login_with_second_factor(self, user, backend=None):  # type: ignore[no-untyped-def]
    """`Client.force_login` signs in with both factors: for who needs a second factor, an
    authenticator app is registered (once) and this session counts it as given, as after
    /accounts/two-factor/. The second-factor pages themselves are tested through the real
    pages (accounts/tests/test_second_factor.py) and in the browser."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sasaeai.accounts.actions import needs_second_factor

    _plain_force_login(self, user, backend)
    if needs_second_factor(user):
        device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                  or TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True))
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


_plain_force_login = Client.force_login
Client.force_login = _force_login_with_second_factor  # type: ignore[method-assign]


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server's threads share the test's one in-memory SQLite connection: two requests at
    once (an autosave still in flight when a form is posted) interleave their savepoints and one
    fails with `no such savepoint` (stop 22's CI). On a shared connection requests take turns; on
    PostgreSQL each thread has its own connection and requests stay concurrent, as on a server."""

    def set_app(self, application):  # type: ignore[no-untyped-def]
        if not self.connections_override:
            return super().set_app(application)
        turn = threading.Lock()

        def in_turn(environ, start_response):  # type: ignore[no-untyped-def]
            with turn:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    response.close()

        return super().set_app(in_turn)


LiveServerThread.server_class = _OneRequestAtATimeServer


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The five demo municipalities (and the synthetic survey) are loaded once; every test runs in a rolled-back transaction."""
    from sasaeai.demo import synthetic_survey
    from sasaeai.demo.loader import load_all

    with django_db_blocker.unblock():
        load_all()
        synthetic_survey.load()


# The public page cache (ADR 0011) knows a change by the audit trail; tests build their worlds
# with factories, which leave none, so it is off unless a test asks for it (`public_cache`).
settings.SASAEAI_PUBLIC_CACHE_SECONDS = 0


@pytest.fixture
def public_cache():  # type: ignore[no-untyped-def]
    """The public page cache on, empty at the start and the end of the test."""
    from django.core.cache import cache
    from django.test import override_settings

    cache.clear()
    with override_settings(SASAEAI_PUBLIC_CACHE_SECONDS=300):
        yield cache
    cache.clear()


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    """A real SMTP server on loopback for this test: (inbox, port); see sasaeai/testing_smtp.py."""
    yield from running_smtp_server()
