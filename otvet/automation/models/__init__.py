"""Automation's models: rules, their firings, and the timers the sweeper claims."""

from otvet.automation.models.rule import Rule, RuleFiring
from otvet.automation.models.timer import Timer

__all__ = ["Rule", "RuleFiring", "Timer"]
