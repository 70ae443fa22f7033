"""The two search backends behind one interface (STACK.md "thin modules of our own", 1).

PostgreSQL: a tsvector per entry with the built-in `russian` configuration (it stems Russian with Snowball and
ASCII words with the English stemmer), a GIN index, websearch_to_tsquery. SQLite: an FTS5 table over text
stemmed in Python by the same Snowball stemmers, with the query stemmed the same way.
An entry is a ticket's subject (key = -ticket number) or one message (key = message id).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models.expressions import RawSQL

from otvet.lib.stemming import parse_query, stem_text

TABLE = "search_entry"


def create_schema(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TABLE {TABLE} (key bigint PRIMARY KEY, ticket_id bigint NOT NULL, "
            "is_public boolean NOT NULL, vector tsvector NOT NULL)"
        )
        schema_editor.execute(f"CREATE INDEX {TABLE}_vector ON {TABLE} USING gin (vector)")
        schema_editor.execute(f"CREATE INDEX {TABLE}_ticket ON {TABLE} (ticket_id)")
    else:
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(body, ticket_id UNINDEXED, is_public UNINDEXED, "
            "tokenize='unicode61 remove_diacritics 2')"
        )


def drop_schema(schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def upsert(entries: list[tuple[int, int, bool, str]]) -> None:
    """Index (key, ticket number, is_public, text) rows, replacing what those keys held."""
    if not entries:
        return
    # A key given twice keeps its last entry, as one upsert after the other would.
    entries = list({entry[0]: entry for entry in entries}.values())
    if connection.vendor == "postgresql":
        # One statement over arrays: a batch of intake indexes hundreds of entries.
        keys, tickets, public, texts = (list(column) for column in zip(*entries, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (key, ticket_id, is_public, vector) "
                "SELECT key, ticket_id, is_public, to_tsvector('russian', body) FROM unnest("
                "%s::bigint[], %s::bigint[], %s::boolean[], %s::text[]) AS e (key, ticket_id, is_public, body) "
                "ON CONFLICT (key) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, "
                "is_public = EXCLUDED.is_public, vector = EXCLUDED.vector",
                [keys, tickets, public, texts],
            )
        return
    # FTS5 has no upsert: delete and insert in one (IMMEDIATE) transaction, so that two workers indexing the
    # same key cannot interleave and collide on its rowid.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(key,) for key, *_ in entries])
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, body, ticket_id, is_public) VALUES (%s, %s, %s, %s)",
            [(key, stem_text(text), ticket, int(public)) for key, ticket, public, text in entries],
        )


def matching_tickets(query: str, *, include_internal: bool) -> RawSQL | None:
    """A subquery of ticket numbers whose subject or messages match `query`; None when the query has no words.

    Without `include_internal`, internal notes are not searched (a customer must not find a ticket by them).
    """
    if connection.vendor == "postgresql":
        if not parse_query(query):
            return None
        return RawSQL(
            f"SELECT ticket_id FROM {TABLE} WHERE vector @@ websearch_to_tsquery('russian', %s)"
            + ("" if include_internal else " AND is_public"),
            (query,),
        )
    expression = fts5_expression(query)
    if expression is None:
        return None
    return RawSQL(
        f"SELECT ticket_id FROM {TABLE} WHERE {TABLE} MATCH %s" + ("" if include_internal else " AND is_public = 1"),
        (expression,),
    )


def fts5_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a web-search style query; every stem is quoted, so input cannot inject."""
    terms = parse_query(query)
    positive = [t for t in terms if t[0] != "not"]
    if not positive:
        return None

    def phrase(stems: list[str]) -> str:
        return '"' + " ".join(s.replace('"', "") for s in stems) + '"'

    expression = phrase(positive[0][1])
    for operator, stems in positive[1:]:
        expression += (" OR " if operator == "or" else " AND ") + phrase(stems)
    negated = [phrase(stems) for operator, stems in terms if operator == "not"]
    if negated:
        expression = f"({expression})" + "".join(" NOT " + p for p in negated)
    return expression
