"""Bearer tokens (hashed at rest, revocable, touched at most once a minute) and the session with CSRF."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils.crypto import get_random_string

from otvet.accounts.models import ApiToken
from otvet.accounts.services import api_token_create, api_token_revoke
from otvet.api.tests.conftest import ApiClient
from otvet.testing.fixtures import World


def test_a_token_is_shown_once_and_only_its_digest_and_prefix_are_stored(world: World) -> None:
    token, plain = api_token_create(user=world.users["agent"], name="CRM")
    assert plain.startswith("otv_") and len(plain) > 40
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert token.prefix == plain[:12]
    stored = ApiToken.objects.values_list("prefix", "digest", "name").get(pk=token.pk)
    assert plain not in "".join(stored)


def test_a_valid_bearer_token_authenticates_its_user(world: World, api) -> None:
    status, me = api("supervisor").get("/me")
    assert status == 200
    assert me["email"] == "supervisor@example.com"
    assert me["kind"] == "agent" and me["agent"]["role"] == "supervisor"


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer otv_not-a-real-token", "Bearer something-else", "Basic dXNlcjpwYXNz", "otv_x"],
)
def test_a_missing_or_wrong_token_is_a_401_in_the_error_shape(world: World, header) -> None:
    client = Client(headers={"Authorization": header} if header else {})
    response = client.get("/api/v1/tickets")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthenticated", "message": "Unauthorized", "fields": {}},
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(world: World) -> None:
    token, plain = api_token_create(user=world.users["agent"])
    client = ApiClient(plain)
    assert client.get("/me")[0] == 200
    api_token_revoke(token=token)
    assert client.get("/me")[0] == 401


def test_the_token_of_a_deactivated_user_is_refused_at_once_though_it_was_cached(world: World, tokens) -> None:
    client = ApiClient(tokens["customer"])
    assert client.get("/me")[0] == 200  # the token is cached now
    user = world.users["customer"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/me")[0] == 401


def test_a_cached_token_sees_a_changed_role_at_once(world: World, tokens) -> None:
    client = ApiClient(tokens["agent"])
    assert client.get("/me")[1]["agent"]["role"] == "agent"
    agent = world.users["agent"].agent
    agent.role = "supervisor"
    agent.save(update_fields=["role"])
    assert client.get("/me")[1]["agent"]["role"] == "supervisor"


def test_last_used_is_written_at_most_once_a_minute(world: World) -> None:
    token, plain = api_token_create(user=world.users["agent"])
    client = ApiClient(plain)
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=61)


def test_the_session_authenticates_reads_without_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["customer"])
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["kind"] == "customer"


def test_a_session_write_without_the_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["customer"])
    body = json.dumps({"subject": "Через браузер", "body": "Текст"})
    response = client.post("/api/v1/tickets", body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "CSRF" in response.json()["error"]["message"]
    assert not world.users["customer"].contact.tickets.filter(subject="Через браузер").exists()


def test_a_session_write_with_the_csrf_token_goes_through(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["customer"])
    secret = get_random_string(32)
    client.cookies["csrftoken"] = secret
    body = json.dumps({"subject": "Через браузер", "body": "Текст"})
    response = client.post("/api/v1/tickets", body, content_type="application/json", headers={"X-CSRFToken": secret})
    assert response.status_code == 201, response.content


def test_a_bearer_token_needs_no_csrf_even_next_to_a_session_cookie(world: World, tokens) -> None:
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {tokens['customer']}"})
    client.force_login(world.users["customer"])
    body = json.dumps({"subject": "Скрипт", "body": "Текст"})
    assert client.post("/api/v1/tickets", body, content_type="application/json").status_code == 201


def test_the_token_command_creates_lists_and_revokes_tokens(world: World) -> None:
    out = io.StringIO()
    call_command("token", "create", "Agent@Example.com", "--name", "CRM", stdout=out, stderr=io.StringIO())
    plain = out.getvalue().strip()
    assert ApiClient(plain).get("/me")[1]["email"] == "agent@example.com"

    listing = io.StringIO()
    call_command("token", "list", "agent@example.com", stdout=listing)
    assert plain[:12] in listing.getvalue() and "CRM" in listing.getvalue()
    assert plain not in listing.getvalue()

    call_command("token", "revoke", plain[:12], stdout=io.StringIO())
    assert ApiClient(plain).get("/me")[0] == 401


def test_the_token_command_refuses_an_unknown_email(db) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user"):
        call_command("token", "create", "nobody@example.com", stdout=io.StringIO())
