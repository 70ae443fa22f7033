"""The channel layer's models, one file per concept."""

from otvet.connectors.models.call import CallRecord
from otvet.connectors.models.delivery import Delivery
from otvet.connectors.models.inbound import InboundEmail
from otvet.connectors.models.mailbox import Mailbox
from otvet.connectors.models.message import InboundMessage
from otvet.connectors.models.spam import SpamModel
from otvet.connectors.models.telegram import TelegramBot
from otvet.connectors.models.template import EmailTemplate
from otvet.connectors.models.viber import ViberBot
from otvet.connectors.models.vk import VkCommunity
from otvet.connectors.models.webchat import ChatVisitor, ChatWidget

__all__ = [
    "CallRecord",
    "ChatVisitor",
    "ChatWidget",
    "Delivery",
    "EmailTemplate",
    "InboundEmail",
    "InboundMessage",
    "Mailbox",
    "SpamModel",
    "TelegramBot",
    "ViberBot",
    "VkCommunity",
]
