"""Automation's jobs: the timer sweep every minute, and arming a timer rule's timers on every open ticket."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from otvet.automation.arming import rule_arm_open_tickets
from otvet.automation.timers import timers_sweep
from otvet.core import clock


@db_periodic_task(crontab(minute="*"))
def sweep_timers() -> int:
    """Fire the timers due by now (rules and SLA clocks): one-minute precision. Safe with several workers."""
    return timers_sweep(clock.now())


@db_task(retries=3, retry_delay=30)
def arm_rule(rule_id: int) -> int:
    """After a timer rule is switched on or edited: arm or re-arm it on the open tickets."""
    return rule_arm_open_tickets(rule_id, clock.now())
