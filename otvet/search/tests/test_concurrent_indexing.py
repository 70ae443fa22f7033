"""Two workers indexing the same entry at once leave exactly one entry and raise nothing."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from otvet.search import backends


@pytest.mark.django_db(transaction=True)
def test_concurrent_upserts_of_one_key_never_collide():
    errors: list[BaseException] = []

    def index(worker: int) -> None:
        try:
            for round_ in range(40):
                backends.upsert([(-7, 7, True, f"Тема {worker} {round_}")])
        except BaseException as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=index, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with connection.cursor() as cursor:
        key = "rowid" if connection.vendor == "sqlite" else "key"
        cursor.execute(f"SELECT count(*) FROM {backends.TABLE} WHERE {key} = -7")
        assert cursor.fetchone()[0] == 1
