"""Keyset pagination: a page is the rows after the last row of the previous one, in index order.

An ordering is a tuple of field names with an optional leading "-" for descending; the last field must be unique
(the primary key) so that the order is total. The cursor is an opaque token holding the last row's key values.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from otvet.core.errors import InvalidInput

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    plain = [{"dt": v.isoformat()} if isinstance(v, dt.datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, length: int) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values = [dt.datetime.fromisoformat(v["dt"]) if isinstance(v, dict) else v for v in raw]
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInput.field("cursor", _("The cursor is not valid.")) from exc
    if not isinstance(values, list) or len(values) != length:
        raise InvalidInput.field("cursor", _("The cursor does not match this ordering."))
    return values


def _after(ordering: tuple[str, ...], values: list[Any]) -> Q:
    """Rows strictly after `values` in `ordering`: (a > x) | (a = x & b > y) | ... with each field's direction."""
    condition = Q()
    for index in range(len(ordering) - 1, -1, -1):
        field = ordering[index].lstrip("-")
        lookup = "lt" if ordering[index].startswith("-") else "gt"
        step = Q(**{f"{field}__{lookup}": values[index]})
        if index < len(ordering) - 1:
            step |= Q(**{field: values[index]}) & condition
        condition = step
    return condition


def paginate(queryset: QuerySet, ordering: tuple[str, ...], cursor: str | None, size: int) -> Page:
    """One page of `queryset` in `ordering`, starting after `cursor`; one query."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput.field("limit", _("The page size must be between 1 and %(n)s.") % {"n": MAX_PAGE_SIZE})
    if cursor:
        try:
            queryset = queryset.filter(_after(ordering, _decode(cursor, len(ordering))))
        except (ValueError, TypeError, ValidationError) as exc:  # a forged cursor: values of the wrong type
            raise InvalidInput.field("cursor", _("The cursor is not valid.")) from exc
    rows = list(queryset.order_by(*ordering)[: size + 1])
    items, more = rows[:size], len(rows) > size
    return Page(items=items, next_cursor=_encode(_key(items[-1], ordering)) if more else None)


def _key(row: Model, ordering: tuple[str, ...]) -> list[Any]:
    """The values of the ordering's columns on `row` (local columns only, as an index holds them)."""
    return [getattr(row, row._meta.get_field(name.lstrip("-")).attname) for name in ordering]  # type: ignore[union-attr]
