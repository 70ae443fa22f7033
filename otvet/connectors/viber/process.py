"""What a stored Viber callback becomes: a ticket message, a delivery state change, or nothing."""

from __future__ import annotations

import re
from dataclasses import replace

from django.utils.translation import gettext as _

from otvet.connectors.choices import DeliveryState
from otvet.connectors.messages import NOT_AN_OBJECT, Route, stored_object
from otvet.connectors.models import Delivery, InboundMessage, ViberBot
from otvet.connectors.viber.api import viber_file_fetch
from otvet.connectors.viber.parse import DeliveryReport, parse_callback
from otvet.tickets.choices import Channel


def viber_callback_route(row: InboundMessage) -> Route:
    """Read the stored callback (no writes, no network: files are fetched later, by the foundation)."""
    bot = ViberBot.objects.select_related("line").filter(pk=row.account).first()
    if bot is None:
        return Route(ignore=_("The Viber bot that received this callback no longer exists."))
    callback = stored_object(row)
    if callback is None:
        return Route(ignore=str(NOT_AN_OBJECT))
    parsed = parse_callback(callback, account=row.account, download=viber_file_fetch)
    if isinstance(parsed, str):
        return Route(ignore=parsed)
    if isinstance(parsed, DeliveryReport):
        report = parsed
        return Route(action=lambda stored: viber_delivery_report(report, account=stored.account))
    return Route(incoming=replace(parsed, line=bot.line))


def viber_delivery_report(report: DeliveryReport, *, account: str) -> str:
    """Mark the delivery that sent the message `delivered` (also when seen) or `failed` with Viber's reason;
    returns what was done. A delivery already failed stays failed; a failure report wins over delivered."""
    if not report.message_token.isdigit():
        return _("A report without a message token.")
    part = rf"(^|,){re.escape(account)}:{re.escape(report.user_id)}:{report.message_token}(,|$)"
    ours = Delivery.objects.select_for_update().filter(channel=Channel.VIBER, external_id__regex=part).first()
    if ours is None:
        return _("No delivery sent this message.")
    if report.event == "failed":
        reason = _("Viber could not deliver it: %(why)s") % {"why": report.description or "?"}
        Delivery.objects.filter(pk=ours.pk).update(state=DeliveryState.FAILED, last_error=reason[:2000])
        return reason
    if ours.state != DeliveryState.SENT:
        return _("Delivery %(id)s is %(state)s already.") % {"id": ours.pk, "state": ours.state}
    Delivery.objects.filter(pk=ours.pk).update(state=DeliveryState.DELIVERED)
    return _("Delivery %(id)s: delivered.") % {"id": ours.pk}
