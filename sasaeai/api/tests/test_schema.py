"""schemathesis against the read API: its examples, coverage and fuzzing phases, as the public
and with a staff member's key. Every response must match the OpenAPI document: declared status
codes, declared content types, bodies that fit their schemas, and no server error."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application
from sasaeai.accounts.actions import create_api_token
from sasaeai.accounts.models import User
from sasaeai.api.api import api


def _document() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))


# The document is built in-process at collection (serving it needs the database, which pytest
# does not open before a test); the test below checks it equals what /api/openapi.json serves.
schema = schemathesis.openapi.from_dict(_document())
schema.app = application
schema.location = "/api/openapi.json"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_connection_per_test():
    """Called through WSGI, Django closes the database connection at the end of each request;
    inside a test's transaction that would lose it (PostgreSQL). The test client keeps it open
    the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)

FAST = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.filter_too_much])


@schema.parametrize()
@FAST
def test_the_api_keeps_its_promises_to_the_public(case):
    case.call_and_validate()


@pytest.fixture
def staff_key() -> str:
    _token, key = create_api_token(by=User.objects.get(username="omitama-jimukyoku"),
                                   name="schemathesis")
    return key


@schema.parametrize()
@FAST
def test_the_api_keeps_its_promises_to_a_key_holder(case, staff_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {staff_key}"})


def test_the_document_tested_is_the_one_served(client):
    assert client.get("/api/openapi.json").json() == _document()
