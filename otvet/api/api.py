"""The REST API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs); mounts each app's router."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from otvet.accounts.api import router as accounts_router
from otvet.api import errors
from otvet.api.auth import AUTH
from otvet.api.parser import FormOrJsonParser
from otvet.customers.api import router as customers_router
from otvet.tickets.api import router as tickets_router

DESCRIPTION = """\
Otvet's help desk API. Authenticate with `Authorization: Bearer <token>` (create one with
`otvet token create EMAIL`) or, from a browser, with the session cookie plus the `X-CSRFToken` header.

Every error is `{"error": {"code", "message", "fields"}}`; `fields` names each invalid field.
Lists are keyset-paginated: pass a page's `next` as `cursor` to get the following page.
"""


class OtvetAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # View names are unique across the API and read better in clients than module paths.
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path in schema["paths"].values():
            for operation in path.values():
                _document_json_alternative(operation)
        return schema


def _document_json_alternative(operation: dict[str, Any]) -> None:
    """A multipart operation also takes its non-file fields as a JSON object (see parser.py): say so, JSON first."""
    content = operation.get("requestBody", {}).get("content", {})
    form = content.get("multipart/form-data", {}).get("schema")
    if not form or "properties" not in form:
        return
    properties = {name: value for name, value in form["properties"].items() if not _is_file(value)}
    if not properties:
        return
    schema = {
        "title": f"{operation.get('operationId', '')}_json",
        "type": "object",
        "properties": properties,
        "required": [name for name in form.get("required", []) if name in properties],
    }
    operation["requestBody"]["content"] = {"application/json": {"schema": schema}, **content}


def _is_file(schema: dict[str, Any]) -> bool:
    if schema.get("format") == "binary":
        return True
    return any(_is_file(part) for part in [schema.get("items", {}), *schema.get("anyOf", [])] if part)


api = OtvetAPI(
    title="Otvet API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
    parser=FormOrJsonParser(),
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", tickets_router)
api.add_router("", customers_router)
