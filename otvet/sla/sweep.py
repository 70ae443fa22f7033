"""The SLA timers' handler (settings.OTVET_TIMER_HANDLERS["sla"]): due warnings and breaches, re-checked.

Keys are "sla:<target>:warn" and "sla:<target>:breach"; the episode is the deadline the timer was armed for, so a
timer of a deadline that has moved since (a pause, a reply, a new priority) does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from otvet.automation.models import Timer
from otvet.sla.choices import SlaTarget
from otvet.sla.services import sla_breach, sla_warn

logger = logging.getLogger(__name__)


def sla_timers_fire(timers: Sequence[Timer], at: dt.datetime) -> None:
    """Warn or breach the clocks the claimed timers were armed for, inside the sweep's claiming transaction;
    warnings first, so that a sweep that finds both due warns before it breaches."""
    for timer in sorted(timers, key=lambda t: (t.key.endswith(":breach"), t.due_at, t.pk)):
        _prefix, target, purpose = [*timer.key.split(":"), "", ""][:3]
        if target not in SlaTarget.values or purpose not in ("warn", "breach"):
            logger.error("unknown SLA timer %s on ticket %s", timer.key, timer.ticket_id)
            continue
        act = sla_warn if purpose == "warn" else sla_breach
        act(ticket_id=timer.ticket_id, target=target, at=at, episode=timer.episode)
