"""What a stored Telegram update becomes: a ticket message, a linked account (/start), or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from django.utils.translation import gettext as _

from otvet.connectors.base import TransportError
from otvet.connectors.messages import NOT_AN_OBJECT, Route, stored_object
from otvet.connectors.models import InboundMessage, TelegramBot
from otvet.connectors.telegram.api import BotApi
from otvet.connectors.telegram.link import link_token_contact, telegram_identity_link
from otvet.connectors.telegram.parse import StartCommand, parse_update

logger = logging.getLogger(__name__)


def telegram_update_route(row: InboundMessage) -> Route:
    """Read the stored update (no writes, no network: files are fetched later, by the foundation)."""
    bot = TelegramBot.objects.select_related("line").filter(pk=row.account).first()
    if bot is None:
        return Route(ignore=_("The bot that received this update no longer exists."))
    update = stored_object(row)
    if update is None:
        return Route(ignore=str(NOT_AN_OBJECT))
    api = BotApi(bot.token)
    parsed = parse_update(update, account=row.account, download=api.download)
    if isinstance(parsed, str):
        return Route(ignore=parsed)
    if isinstance(parsed, StartCommand):
        return _start(parsed, api)
    return Route(incoming=replace(parsed, line=bot.line))


def _start(command: StartCommand, api: BotApi) -> Route:
    """A deep link from the portal links the account; a bare /start is a greeting, not a request."""
    if not command.payload:
        return Route(ignore=_("/start without a link token: the customer opened the bot."))
    contact = link_token_contact(command.payload)
    if contact is None:
        return Route(
            ignore=_("/start with an invalid or expired link token."),
            after=_say(api, command.chat_id, _("This link has expired. Please open it again from the portal.")),
        )

    def link(row: InboundMessage) -> str:
        return telegram_identity_link(contact=contact, telegram_id=command.sender_id)

    text = _("Your Telegram account is now connected to support. Write here, and we will answer here.")
    return Route(action=link, after=_say(api, command.chat_id, text))


def _say(api: BotApi, chat_id: str, text: str) -> Callable[[], None]:
    """A courtesy message to the sender once the outcome is committed; its failure changes nothing."""

    def send() -> None:
        try:
            api.call("sendMessage", {"chat_id": chat_id, "text": text})
        except TransportError as error:
            logger.info("telegram: could not answer /start in %s: %s", chat_id, error)

    return send
