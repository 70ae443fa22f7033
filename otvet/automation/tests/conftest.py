"""Automation test helpers: processing the outbox as the workers would, and the shipped rules switched on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine

from otvet.automation.models import Rule
from otvet.automation.presets import presets_load
from otvet.automation.timers import timers_sweep
from otvet.tickets.events import events_process
from otvet.tickets.models import TicketEvent

# Wednesday 2 December 2026, 12:00 in Chelyabinsk (Asia/Yekaterinburg, UTC+5): inside the default working hours.
WEDNESDAY_NOON = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)


def drain() -> int:
    """Process every committed event, and those the handlers' actions write, until none is left."""
    total = 0
    for _ in range(50):
        ids = list(
            TicketEvent.objects.filter(processed_at__isnull=True)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        if not ids:
            return total
        total += events_process(ids)
    raise AssertionError("events keep coming: a loop between rules?")


@pytest.fixture
def presets(db: None) -> list[Rule]:
    """Switched on the day before the tests' moment (rules answer events after they were switched on)."""
    with time_machine.travel(WEDNESDAY_NOON - dt.timedelta(days=1), tick=False):
        return presets_load(activate=True)


@pytest.fixture
def at() -> Callable[[dt.timedelta], None]:
    """Move the clock to WEDNESDAY_NOON + offset, sweep the timers due then, and process what followed."""
    travellers: list[time_machine.travel] = []

    def move(offset: dt.timedelta = dt.timedelta(0)) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(WEDNESDAY_NOON + offset, tick=False)
        traveller.start()
        travellers.append(traveller)
        drain()
        timers_sweep(WEDNESDAY_NOON + offset)
        drain()

    yield move
    for traveller in travellers:
        traveller.stop()
