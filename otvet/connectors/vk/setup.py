"""Configuring a VK community from code (installations set up by script, tests)."""

from __future__ import annotations

from otvet.connectors.models import VkCommunity
from otvet.core import clock
from otvet.tickets.models import Line


def vk_community_configure(
    *, name: str, group_id: int, access_token: str, confirmation: str, secret_key: str, line: Line | None = None
) -> VkCommunity:
    """The community with this group id, created or updated to these values; active."""
    community, _created = VkCommunity.objects.update_or_create(
        group_id=group_id,
        defaults={
            "name": name,
            "access_token": access_token,
            "confirmation": confirmation,
            "secret_key": secret_key,
            "line": line,
            "is_active": True,
            "updated_at": clock.now(),
        },
    )
    return community
