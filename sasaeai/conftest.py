import os

import pytest
from django.conf import settings

from sasaeai.testing import World, build_world

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Background tasks run at once in tests: a packet requested is a packet made.
settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Production hashing costs a second per password; the suite creates hundreds of users.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The five demo municipalities (and the synthetic survey) are loaded once; every test runs in a rolled-back transaction."""
    from sasaeai.demo import synthetic_survey
    from sasaeai.demo.loader import load_all

    with django_db_blocker.unblock():
        load_all()
        synthetic_survey.load()


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()
