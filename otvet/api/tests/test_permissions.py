"""The permission matrix of DESIGN.md §5 over every API endpoint and every role.

An object outside a role's scope is a 404 on every endpoint, never a 403; a 403 means "you see it, but your
role may not do this". Each test gets a fresh world, so endpoints that change a ticket are safe to call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from otvet.api.api import api as ninja_api
from otvet.testing.fixtures import ROLES, TICKETS, VISIBLE, World

AGENTS = frozenset({"partner_agent", "agent", "supervisor", "admin"})
REQUESTER = {"ticket_customer": "customer", "ticket_other": "other_customer", "ticket_partner": "partner_customer"}
COMPANIES = {  # role -> the companies (by the name of a member's role) it sees
    "customer": {"customer"},
    "company_admin": {"customer"},
    "other_customer": {"other_customer"},
    "partner_customer": {"partner_customer"},
    "partner_agent": {"partner_customer"},
    "agent": {"customer", "other_customer", "partner_customer"},
    "supervisor": {"customer", "other_customer", "partner_customer"},
    "admin": {"customer", "other_customer", "partner_customer"},
}

Expect = Callable[[str, str], int]  # (role, ticket name) -> status for a ticket the role sees


def staff(ok: int, otherwise: int = 403) -> Expect:
    return lambda role, ticket: ok if role in AGENTS else otherwise


def rate(role: str, ticket: str) -> int:
    # Only the requester rates; the ticket is not solved yet, so even the requester is refused with a conflict.
    return 409 if REQUESTER.get(ticket) == role else 403


# operationId -> (method, path after /tickets/{number}, body, expected status for a visible ticket)
TICKET_ENDPOINTS: dict[str, tuple[str, str, Any, Expect]] = {
    "ticket_detail": ("get", "", None, lambda role, ticket: 200),
    "ticket_update": ("patch", "", {"response_preference": "email"}, lambda role, ticket: 200),
    "messages_list": ("get", "/messages", None, lambda role, ticket: 200),
    "message_create": ("post", "/messages", {"body": "Есть новости?"}, lambda role, ticket: 201),
    "events_list": ("get", "/events", None, staff(200, otherwise=404)),
    "ticket_claim_action": ("post", "/claim", None, staff(200)),
    "ticket_release_action": ("post", "/release", None, staff(200)),
    "ticket_transfer_action": ("post", "/transfer", {"line": "second", "note": "Вторая линия"}, staff(200)),
    "ticket_resolve_action": ("post", "/resolve", {"body": "Готово"}, staff(200)),
    "ticket_reopen_action": ("post", "/reopen", None, lambda role, ticket: 409),
    "ticket_rate_action": ("post", "/rate", {"mark": "satisfied"}, rate),
}
OTHER_ENDPOINTS = {
    "me",
    "tickets_list",
    "ticket_create",
    "attachment_create",
    "attachment_download",
    "statuses_list",
    "lines_list",
    "criticalities_list",
    "categories_list",
    "rating_marks_list",
    "companies_list",
    "company_detail",
    "contacts_list",
    "contact_detail",
}


def test_the_matrix_covers_every_operation_of_the_api() -> None:
    document = ninja_api.get_openapi_schema(path_prefix="/api/v1/")
    operations = {op["operationId"] for methods in document["paths"].values() for op in methods.values()}
    assert operations == set(TICKET_ENDPOINTS) | OTHER_ENDPOINTS


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(TICKET_ENDPOINTS))
def test_ticket_endpoints_answer_404_outside_the_scope_and_the_role_rule_inside(
    world: World, api, role, endpoint
) -> None:
    method, suffix, body, expected = TICKET_ENDPOINTS[endpoint]
    client = api(role)
    for name in TICKETS:
        number = getattr(world, name).pk
        status, answer = client.request(method, f"/tickets/{number}{suffix}", body)
        want = expected(role, name) if name in VISIBLE[role] else 404
        assert status == want, f"{role} {method.upper()} {name}{suffix}: {status} {answer}"
        assert status < 300 or set(answer) == {"error"}


@pytest.mark.parametrize("role", ROLES)
def test_the_ticket_list_holds_exactly_the_tickets_in_scope(world: World, api, role) -> None:
    status, page = api(role).get("/tickets")
    assert status == 200
    assert {item["number"] for item in page["items"]} == {getattr(world, name).pk for name in VISIBLE[role]}


@pytest.mark.parametrize("role", ROLES)
def test_customers_get_the_public_ticket_shape_and_support_the_internal_one(world: World, api, role) -> None:
    name = sorted(VISIBLE[role])[0]
    status, ticket = api(role).get(f"/tickets/{getattr(world, name).pk}")
    assert status == 200
    internal = {"line", "assignee", "priority", "priority_reason"}
    assert internal <= set(ticket) if role in AGENTS else not internal & set(ticket)


@pytest.mark.parametrize("role", ROLES)
def test_opening_a_ticket_is_open_to_customers_and_to_agents_for_contacts_in_their_scope(
    world: World, api, role
) -> None:
    body: dict[str, Any] = {"subject": "Новая заявка", "body": "Подробности"}
    if role in AGENTS:
        body["requester"] = world.users["customer"].contact.pk
    status, answer = api(role).post("/tickets", body)
    # The partner's agent does not see company A's contacts: the requester is unknown to it.
    assert status == (422 if role == "partner_agent" else 201), answer
    if status == 422:
        assert answer["error"]["fields"] == {"requester": "Unknown contact."}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "staff_only"),
    [
        ("/me", False),
        ("/statuses", False),
        ("/criticalities", False),
        ("/categories", False),
        ("/rating-marks", False),
        ("/lines", True),
        ("/contacts", True),
        ("/companies", False),
    ],
)
def test_reference_lists_are_open_to_every_role_except_the_staff_only_ones(
    world: World, api, role, path, staff_only
) -> None:
    status, _ = api(role).get(path)
    assert status == (403 if staff_only and role not in AGENTS else 200)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_companies_and_404_for_the_others(world: World, api, role) -> None:
    company_of = {member: world.users[member].contact.company_id for member in COMPANIES["admin"]}
    visible = {company_of[member] for member in COMPANIES[role]}
    status, page = api(role).get("/companies")
    assert status == 200
    assert {item["id"] for item in page["items"]} == visible
    for company_id in company_of.values():
        status, _ = api(role).get(f"/companies/{company_id}")
        assert status == (200 if company_id in visible else 404)


@pytest.mark.parametrize("role", ROLES)
def test_contacts_are_for_staff_scoped_like_companies_and_404_for_customers(world: World, api, role) -> None:
    contacts = {member: world.users[member].contact for member in ("customer", "other_customer", "partner_customer")}
    for member, contact in contacts.items():
        status, _ = api(role).get(f"/contacts/{contact.pk}")
        visible = role in AGENTS and member in COMPANIES[role]
        assert status == (200 if visible else 404), f"{role} -> contact of {member}"
    if role in AGENTS:
        _, page = api(role).get("/contacts", {"limit": 200})
        companies = {item["company"]["id"] for item in page["items"]}
        assert companies == {contacts[member].company_id for member in COMPANIES[role]}


@pytest.mark.parametrize("role", ROLES)
def test_lines_of_a_partner_are_shown_only_to_its_agents_and_to_platform_supervisors(world: World, api, role) -> None:
    if role not in AGENTS:
        return
    _, lines = api(role).get("/lines")
    partner_lines = {line["code"] for line in lines if line["code"].startswith("partner-")}
    assert bool(partner_lines) == (role in ("partner_agent", "supervisor", "admin"))
    assert {"first", "second"} <= {line["code"] for line in lines}


def test_anyone_may_upload_an_attachment(world: World, api) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    for role in ROLES:
        status, answer = api(role).post(
            "/attachments", {"file": SimpleUploadedFile("log.txt", b"trace")}, multipart=True
        )
        assert status == 201, (role, answer)


def test_attachment_downloads_follow_the_message_they_belong_to(world: World, api) -> None:
    """A reply's file reaches whoever reads the ticket; a note's file only support; anyone else gets a 404."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {}
    for kind in ("reply", "note"):
        _, upload = api("agent").post(
            "/attachments", {"file": SimpleUploadedFile(f"{kind}.txt", kind.encode())}, multipart=True
        )
        number = world.ticket_customer.pk
        api("agent").post(f"/tickets/{number}/messages", {"kind": kind, "body": kind, "attachments": [upload["id"]]})
        files[kind] = upload
    for role in ROLES:
        sees_ticket = "ticket_customer" in VISIBLE[role]
        for kind, upload in files.items():
            status, body = api(role).get(upload["api_url"])
            allowed = sees_ticket and (kind == "reply" or role in AGENTS)
            assert status == (200 if allowed else 404), (role, kind)
            if allowed:
                assert body == kind.encode()


ANONYMOUS_REQUESTS = [
    ("get", "/me"),
    ("get", "/tickets"),
    ("post", "/tickets"),
    ("get", "/tickets/1"),
    ("patch", "/tickets/1"),
    ("get", "/tickets/1/messages"),
    ("post", "/tickets/1/messages"),
    ("get", "/tickets/1/events"),
    ("post", "/tickets/1/claim"),
    ("post", "/tickets/1/release"),
    ("post", "/tickets/1/transfer"),
    ("post", "/tickets/1/resolve"),
    ("post", "/tickets/1/reopen"),
    ("post", "/tickets/1/rate"),
    ("post", "/attachments"),
    ("get", "/attachments/1"),
    ("get", "/statuses"),
    ("get", "/lines"),
    ("get", "/criticalities"),
    ("get", "/categories"),
    ("get", "/rating-marks"),
    ("get", "/companies"),
    ("get", "/companies/1"),
    ("get", "/contacts"),
    ("get", "/contacts/1"),
]


def test_the_anonymous_list_names_every_operation() -> None:
    assert len(ANONYMOUS_REQUESTS) == len(TICKET_ENDPOINTS) + len(OTHER_ENDPOINTS)


@pytest.mark.parametrize(("method", "path"), ANONYMOUS_REQUESTS)
def test_every_endpoint_refuses_an_anonymous_caller_with_401(world: World, anonymous, method, path) -> None:
    status, answer = anonymous.request(method, path, {})
    assert status == 401
    assert answer["error"]["code"] == "unauthenticated"
