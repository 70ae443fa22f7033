"""The OpenAPI document: served, complete, and honoured by the API (schemathesis, on a small budget)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from otvet.api.api import api
from otvet.api.tests.conftest import ApiClient
from otvet.testing.fixtures import World

ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "422"}
CONFIG = {
    "checks": {
        # Input the schema allows can still be refused on its meaning (an unknown status code, a ticket someone
        # else holds): a 422 or 409 is then the right answer, so "valid data must be accepted" does not apply.
        "positive_data_acceptance": {"enabled": False},
        # Oversized input is rightly refused with a 413 (request body over DATA_UPLOAD_MAX_MEMORY_SIZE).
        "negative_data_rejection": {"expected-statuses": ["400", "401", "403", "404", "409", "413", "422"]},
    }
}
# Hypothesis examples per operation and generation mode; the whole run stays well under a minute.
EXAMPLES = 10


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The real WSGI application, inside the test's transaction.

    Django closes "old" connections at the start and end of every request; in a test transaction that would
    roll back the world. Django's own test client disconnects the same handlers for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_openapi_document_and_the_docs_are_served(anonymous: ApiClient) -> None:
    status, document = anonymous.get("/openapi.json")
    assert status == 200
    assert document["openapi"].startswith("3.1")
    assert anonymous.client.get("/api/v1/docs").status_code == 200


def test_every_operation_documents_every_error_status() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 24
    for path, method, operation in operations:
        assert ERROR_STATUSES <= set(map(str, operation["responses"])), f"{method.upper()} {path}"
        assert operation["responses"][422]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }


def test_operations_with_files_also_document_a_json_body() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    content = document["paths"]["/api/v1/tickets"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert "files" in content["multipart/form-data"]["schema"]["properties"]
    assert "files" not in content["application/json"]["schema"]["properties"]
    assert set(content["application/json"]["schema"]["required"]) == {"subject", "body"}


@pytest.mark.parametrize("role", ["agent", "customer"])
def test_the_api_honours_its_openapi_document(
    world: World, tokens: dict[str, str], wsgi_app: WSGIHandler, role
) -> None:
    """Every operation, with valid and invalid input: no 5xx, invalid input refused, statuses and bodies as
    documented, authentication not ignored."""
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", wsgi_app, config=schemathesis.Config.from_dict(CONFIG)
    )
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    # Random ticket numbers are almost always a 404; a third pass aims valid input at a ticket the role sees.
    visible = {"number": world.ticket_customer.pk}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        passes = [(GenerationMode.POSITIVE, None), (GenerationMode.NEGATIVE, None)]
        if "{number}" in operation.path:
            passes.append((GenerationMode.POSITIVE, visible))
        for mode, path_parameters in passes:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers)

            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, not just the first one
                failures.append(f"{operation.label} ({mode.value}, {path_parameters}):\n{exc}")
    assert not failures, "\n\n".join(failures)
