"""Errors that services raise; the API and the views turn them into responses.

Each carries a machine-readable code, a human message and, for invalid input, the fields concerned, so that
every adapter can answer `{"error": {"code", "message", "fields"}}` or show a form error next to the field.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A request that a service refuses; nothing was written."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class InvalidInput(ServiceError):
    """Input that fails validation; `fields` names each offending field."""

    status = 422
    code = "invalid_input"

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls(message, fields={name: message})


class NotFound(ServiceError):
    """The object does not exist or lies outside the user's scope (the two are indistinguishable)."""

    status = 404
    code = "not_found"


class PermissionDenied(ServiceError):
    """The user sees the object but may not perform this action on it."""

    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    """The action conflicts with the current state (e.g. the ticket is held by another agent)."""

    status = 409
    code = "conflict"


class TooLarge(ServiceError):
    """An upload exceeds the configured limit."""

    status = 413
    code = "too_large"
