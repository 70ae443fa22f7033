"""The portal's «Connect Telegram» deep link: a signed, expiring token that /start turns into an identity."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int, int_to_base36
from django.utils.translation import gettext as _

from otvet.connectors.models import TelegramBot
from otvet.core import clock
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Contact, ContactIdentity

SALT = "otvet.telegram.link"


def link_token_make(contact: Contact, *, at: int | None = None) -> str:
    """`<contact>-<time>-<signature>`: at most 64 characters of [A-Za-z0-9_-], as /start payloads must be."""
    value = f"{int_to_base36(contact.pk)}-{int_to_base36(int(at if at is not None else time.time()))}"
    return f"{value}-{_signature(value)}"


def link_token_contact(token: str, *, now: int | None = None) -> Contact | None:
    """The contact a valid, unexpired token names; None for anything else."""
    parts = token.split("-", 2)
    if len(parts) != 3:
        return None
    value = f"{parts[0]}-{parts[1]}"
    if not constant_time_compare(parts[2], _signature(value)):
        return None
    try:
        pk, issued = base36_to_int(parts[0]), base36_to_int(parts[1])
    except ValueError:
        return None
    if (now if now is not None else time.time()) - issued > settings.TELEGRAM_LINK_MAX_AGE:
        return None
    return Contact.objects.filter(pk=pk).first()


def telegram_connect_url(contact: Contact) -> str:
    """t.me/<bot>?start=<token> for the first active bot with a username; "" when there is none."""
    bot = TelegramBot.objects.filter(is_active=True).exclude(username="").order_by("pk").first()
    if bot is None:
        return ""
    return f"{settings.TELEGRAM_LINK_URL}/{bot.username}?start={link_token_make(contact)}"


def telegram_identity_link(*, contact: Contact, telegram_id: str) -> str:
    """Make a Telegram account `contact`'s identity; one proven by the deep link moves from another contact.
    Returns what was done, for the update's record."""
    with transaction.atomic():
        identity = ContactIdentity.objects.select_for_update().filter(kind=IdentityKind.TELEGRAM, value=telegram_id)
        current = identity.first()
        if current is not None and current.contact_id == contact.pk:
            return _("The Telegram account was already linked to %(name)s.") % {"name": contact.name}
        if current is not None:
            current.contact = contact
            current.save(update_fields=["contact"])
        else:
            ContactIdentity.objects.create(
                contact=contact, kind=IdentityKind.TELEGRAM, value=telegram_id, created_at=clock.now()
            )
    return _("Linked the Telegram account to %(name)s.") % {"name": contact.name}


def _signature(value: str) -> str:
    return signing.base64_hmac(SALT, value, settings.SECRET_KEY, algorithm="sha256")
