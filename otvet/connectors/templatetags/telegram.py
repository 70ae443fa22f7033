"""{% telegram_connect_url user %}: the portal's «Connect Telegram» link for a signed-in customer."""

from __future__ import annotations

from django import template

from otvet.accounts.models import User
from otvet.connectors.telegram.link import telegram_connect_url
from otvet.customers.models import Contact

register = template.Library()


@register.simple_tag
def telegram_connect(user: User) -> str:
    """The deep link for the user's contact, or "" (an agent, no contact, no bot with a username)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    contact = Contact.objects.filter(user=user).first()
    return telegram_connect_url(contact) if contact is not None else ""
