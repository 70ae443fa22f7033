"""Template tags of live collaboration: the moment a composer is rendered at (the collision check's `since`)."""

from __future__ import annotations

from django import template

from otvet.core import clock

register = template.Library()


@register.simple_tag
def live_moment() -> str:
    """Now, as the ISO 8601 string the composer sends back (otvet/tickets/services/collision.py)."""
    return clock.now().isoformat()
