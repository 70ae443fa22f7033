"""The one clock every service asks (DESIGN.md §6).

`now()` is aware UTC. `travel(moment)` makes the current context see another moment: the demo loader uses it to
write a believable history, and automation uses it to evaluate any moment. Tests use time-machine as well.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("otvet_clock", default=None)


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    moment = _override.get()
    return moment if moment is not None else timezone.now()


@contextlib.contextmanager
def travel(moment: dt.datetime) -> Iterator[None]:
    """Within the block, `now()` answers `moment` (which must be aware)."""
    if timezone.is_naive(moment):
        raise ValueError("clock.travel needs an aware datetime")
    token = _override.set(moment.astimezone(dt.UTC))
    try:
        yield
    finally:
        _override.reset(token)
