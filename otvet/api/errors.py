"""One error shape for the whole API: `{"error": {"code", "message", "fields"}}`, and the handlers that make it.

ninja documents neither its 422 nor any error response, and schemathesis checks every status against the document,
so each operation declares ERRORS (via `responses()`) next to its success response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.log import log_response
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from otvet.api.schemas import OutSchema
from otvet.core.errors import ServiceError

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "throttled",
}
# Where ninja says a value came from; the field is named without it.
LOCATIONS = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})


class ErrorDetail(OutSchema):
    code: str = Field(description="Machine-readable, e.g. `invalid_input`, `not_found`, `already_claimed`.")
    message: str
    fields: dict[str, str] = Field(default_factory=dict, description="Offending field -> what is wrong with it.")


class ErrorOut(OutSchema):
    error: ErrorDetail


ERRORS: dict[int, type[Schema]] = {status: ErrorOut for status in (400, 401, 403, 404, 409, 413, 422)}


def responses(success: dict[int, Any]) -> dict[int, Any]:
    """An operation's `response=`: its success schema plus every documented error."""
    return {**success, **ERRORS}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, message: str, *, code: str = "", fields: dict | None = None
) -> HttpResponse:
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message, "fields": fields or {}}}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="otvet"'
    return response


def field_name(loc: tuple[Any, ...]) -> str:
    """("body", "payload", "subject") -> "subject"; ("query", "limit") -> "limit"; list indexes kept."""
    where, parts = (loc[0], [str(part) for part in loc[1:]]) if loc and loc[0] in LOCATIONS else ("", list(loc))
    # A JSON body is nested under its parameter's name; clients know the field, not our parameter.
    if where == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api`; the most specific class wins (ninja walks the exception's MRO)."""

    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.message, code=exc.code, fields=exc.fields)

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, str] = {}
        for error in exc.errors:
            fields.setdefault(field_name(tuple(error.get("loc", ()))), str(error.get("msg", "Invalid value.")))
        return error_response(api, request, 422, "Some fields are invalid.", fields=fields)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, str(exc))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "Not found.")

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(api, request, 413, "The request body is too large.")

    def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 400, "The request could not be read.")

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # What Django's own handler does for an uncaught exception: tell listeners (the test client re-raises,
        # error trackers report) and log it; but answer in the API's error shape.
        got_request_exception.send(sender=None, request=request)
        response = error_response(api, request, 500, "Internal server error.", code="server_error")
        log_response("%s: %s", "Internal Server Error", request.path, response=response, request=request, exception=exc)
        return response

    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        ServiceError: service_error,
        ValidationError: validation_error,
        HttpError: http_error,
        Http404: not_found,
        RequestDataTooBig: too_big,
        SuspiciousOperation: bad_request,
        MultiPartParserError: bad_request,
        Exception: server_error,
    }
    for exception, handler in handlers.items():
        api.add_exception_handler(exception, handler)
