"""Template helpers of the email channel's pages: state badge colours and the spam filter's reasons."""

from __future__ import annotations

from typing import Any

from django import template

from otvet.connectors.choices import DeliveryState, InboundState
from otvet.workspace.mail import HELD_STATES

register = template.Library()

SPAM_FEATURES_SHOWN = 5


@register.filter
def inbound_colour(state: str) -> str:
    """The badge colour of an inbound mail's state (InboundState.colour)."""
    return InboundState(state).colour if state in InboundState.values else "secondary"


@register.filter
def delivery_colour(state: str) -> str:
    """The badge colour of a delivery's state (DeliveryState.colour)."""
    return DeliveryState(state).colour if state in DeliveryState.values else "secondary"


@register.filter
def is_held(state: str) -> bool:
    """Whether the mail waits for an agent's «Обработать всё равно» (held, not spam: that has «Не спам»)."""
    return state in HELD_STATES


@register.filter
def spam_features(explanation: Any) -> list[tuple[str, float]]:
    """The features that weighed most towards spam, heaviest first: [(feature, weight)]; tolerant of odd rows."""
    features = []
    for item in explanation if isinstance(explanation, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("weight"), int | float):
            continue
        features.append((str(item.get("feature", "")), float(item["weight"])))
    return sorted(features, key=lambda pair: -pair[1])[:SPAM_FEATURES_SHOWN]
