"""Batched raw inserts for the generator: COPY on PostgreSQL, executemany elsewhere.

Rows are dicts of attnames; a column a row leaves out gets the model field's default, so a column added to a
model later does not break the generator.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


class Table:
    """One model's table and how to write rows of it."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.name = model._meta.db_table

    def tuples(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """The rows in column order, with defaults filled in and values adapted to the database."""
        if not rows:
            return []
        given = rows[0].keys()
        defaults = {f.attname: f.get_default() for f in self.fields if f.attname not in given}
        adapters = [_adapter(f) for f in self.fields]
        names = [f.attname for f in self.fields]
        result = []
        for row in rows:
            values = []
            for name, adapt in zip(names, adapters, strict=True):
                value = row[name] if name in row else defaults[name]
                values.append(adapt(value) if adapt is not None and value is not None else value)
            result.append(tuple(values))
        return result

    def insert(self, rows: Sequence[dict[str, Any]]) -> int:
        """Write `rows`; returns how many."""
        data = self.tuples(rows)
        if not data:
            return 0
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        table = connection.ops.quote_name(self.name)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in data:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)
        return len(data)


def _adapter(field: models.Field) -> Any:
    """How a Python value of `field` is written raw (None: as it is)."""
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value, ensure_ascii=False)
    if connection.vendor != "postgresql" and isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    return None


def next_id(model: type[models.Model]) -> int:
    """The first free primary key (the generator numbers its rows itself, so that messages can point at tickets)."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """Move the id sequences past the rows written with explicit ids (PostgreSQL; SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum (PostgreSQL) or `PRAGMA optimize` would."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
