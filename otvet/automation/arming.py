"""Arming a timer rule over all open tickets (when it is switched on or edited), in keyset-paged chunks."""

from __future__ import annotations

import datetime as dt

from otvet.automation.choices import RuleKind
from otvet.automation.engine import timers_arm
from otvet.automation.facts import TICKET_RELATED
from otvet.automation.models import Rule, Timer
from otvet.tickets.models import Ticket

CHUNK = 1000


def rule_arm_open_tickets(rule_id: int, at: dt.datetime) -> int:
    """Arm the rule on every ticket not closed (solved ones count: «solved for 3 days → closed»); a rule that
    is off or gone loses its timers. How many tickets were looked at."""
    rule = Rule.objects.filter(pk=rule_id).first()
    if rule is None or rule.kind != RuleKind.TIMER or not rule.is_active:
        Timer.objects.filter(key=f"rule:{rule_id}").delete()
        return 0
    seen, after = 0, 0
    while True:
        chunk = list(
            Ticket.objects.select_related(*TICKET_RELATED)
            .filter(closed_at__isnull=True, number__gt=after)
            .order_by("number")[:CHUNK]
        )
        if not chunk:
            return seen
        timers_arm(chunk, [rule], at, only=rule)
        seen += len(chunk)
        after = chunk[-1].number
