"""What a stored VK event becomes: a ticket message (message_new in a private dialogue), or nothing."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from otvet.connectors.messages import NOT_AN_OBJECT, Route, stored_object
from otvet.connectors.models import InboundMessage, VkCommunity
from otvet.connectors.vk.api import vk_file_fetch
from otvet.connectors.vk.parse import parse_event


def vk_event_route(row: InboundMessage) -> Route:
    """Read the stored event (no writes, no network: files are fetched later, by the foundation)."""
    community = VkCommunity.objects.select_related("line").filter(pk=row.account).first()
    if community is None:
        return Route(ignore=_("The VK community that received this event no longer exists."))
    event = stored_object(row)
    if event is None:
        return Route(ignore=str(NOT_AN_OBJECT))
    parsed = parse_event(event, account=row.account, download=vk_file_fetch)
    if isinstance(parsed, str):
        return Route(ignore=parsed)
    return Route(incoming=replace(parsed, line=community.line))
