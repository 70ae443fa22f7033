"""Schemas every app's API shares: the output and input base classes and the page query.

Annotations are postponed here as everywhere (`from __future__ import annotations`): pydantic and ninja resolve
them from each module's globals, so every type named in a schema or a view signature must be imported at run
time, never under TYPE_CHECKING.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.functional_validators import ModelWrapValidatorHandler

from otvet.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# Ids are 64-bit: a larger number is no id at all (and SQLite cannot even bind it).
MAX_ID = 2**63 - 1


class OutSchema(Schema):
    """A response shape. Views build some outputs themselves (a ticket's shape depends on the role); ninja then
    validates the response again, and an instance that is already built must pass through unchanged, because
    resolvers (`resolve_*`) expect model rows, not their own output."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        if isinstance(values, cls):
            return values
        return handler(DjangoGetter(values, cls, info.context))


class InputSchema(Schema):
    """A request body or query: unknown fields are an error, and NUL characters are refused (PostgreSQL cannot
    store them in text)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed.")
        return value


class PageQuery(InputSchema):
    """Keyset pagination: pass the previous page's `next` as `cursor`."""

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")
    cursor: str | None = Field(None, max_length=1000, description="The `next` value of the previous page.")
