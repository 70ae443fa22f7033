"""The timer sweep (issue 5): one timer per bench ticket, `due` of them due now; the sweep must cost what is
due, not what exists. Two runs: timers whose rule's conditions no longer hold (claim, load, check) and timers
whose rule fires (claim, load, check, and the action through its service: a tag on the ticket, its event).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from benchmarks.measure import Row

KEY_NOTE = "bench sweep"


def measure_sweep(due: int, seed: int) -> list[Row]:
    from otvet.automation.models import Rule, RuleFiring, Timer
    from otvet.automation.timers import timers_sweep
    from otvet.core import clock
    from otvet.tickets.models import Ticket

    now = clock.now()
    Rule.objects.filter(description=KEY_NOTE).delete()
    rule = Rule.objects.create(
        name="Bench sweep", description=KEY_NOTE, kind="timer", is_active=True, anchor="created_at", minutes=1,
        conditions={"all": [{"field": "kind", "op": "eq", "value": "never"}]},
        actions=[{"type": "add_tag", "tag": "bench-sweep"}], updated_at=now - dt.timedelta(days=1),
    )  # fmt: skip
    key = f"rule:{rule.pk}"
    total = _populate(key, now + dt.timedelta(days=365))
    rng = random.Random(seed)
    rows = []
    try:
        for label, conditions in (
            ("conditions no longer hold", rule.conditions),
            ("the rule fires: a tag through ticket_tag", {}),
        ):
            Rule.objects.filter(pk=rule.pk).update(conditions=conditions)
            numbers = _make_due(key, due, rng, now)
            row = Row(f"timer sweep · {due:,} due of {total:,} timers · {label}")
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                fired = timers_sweep(now)
                elapsed = time.perf_counter() - started
            row.samples = [elapsed]
            row.per_second = fired / elapsed if elapsed else None
            row.queries = len(queries)
            row.errors = due - Timer.objects.filter(key=key, ticket_id__in=numbers, state="fired").count()
            if conditions == {}:
                row.errors += due - RuleFiring.objects.filter(rule=rule, ticket_id__in=numbers).count()
            rows.append(row)
    finally:
        Timer.objects.filter(key=key).delete()
        Rule.objects.filter(pk=rule.pk).delete()
    assert Ticket.objects.exists()
    return rows


def _populate(key: str, far: dt.datetime) -> int:
    """One pending timer per ticket, due a year from now, in one statement."""
    from otvet.automation.models import Timer

    Timer.objects.filter(key=key).delete()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO automation_timer (ticket_id, key, due_at, episode, state, fired_at) "
            "SELECT number, %s, %s, 'bench', 'pending', NULL FROM tickets_ticket",
            [key, far],
        )
    return Timer.objects.filter(key=key).count()


def _make_due(key: str, due: int, rng: random.Random, now: dt.datetime) -> list[int]:
    """Make `due` random pending timers due a minute ago, counting from their ticket's creation."""
    from otvet.automation.models import Timer
    from otvet.tickets.models import Ticket

    top = Ticket.objects.order_by("-number").values_list("number", flat=True).first() or 0
    picked = set()
    while len(picked) < min(due * 2, top):
        picked.update(rng.randint(1, top) for _ in range(due))
    # Tickets older than the rule's minute, so that their timer is really due when the sweep looks.
    pending = Timer.objects.filter(
        key=key,
        state="pending",
        ticket_id__in=list(picked)[: due * 2],
        ticket__created_at__lt=now - dt.timedelta(minutes=2),
    )
    timers = list(pending.select_related("ticket")[:due])
    for timer in timers:
        timer.due_at = now - dt.timedelta(minutes=1)
        timer.episode = timer.ticket.created_at.isoformat()
    Timer.objects.bulk_update(timers, ["due_at", "episode"], batch_size=500)
    return [timer.ticket_id for timer in timers]
