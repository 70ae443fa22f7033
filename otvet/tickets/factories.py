"""Test helpers for tickets: opened through the service, as every real ticket is."""

from __future__ import annotations

from typing import Any

from otvet.customers.models import Contact
from otvet.tickets.access import Actor
from otvet.tickets.choices import Channel
from otvet.tickets.models import Ticket
from otvet.tickets.services import ticket_open


def open_ticket(requester: Contact, subject: str = "Не могу войти в личный кабинет", **kwargs: Any) -> Ticket:
    """A ticket opened by `requester` through ticket_open (the system acts when the contact has no login)."""
    actor = Actor(user=requester.user, contact=requester)
    kwargs.setdefault("body", "Здравствуйте! После смены пароля не получается войти.")
    kwargs.setdefault("channel", Channel.PORTAL)
    return ticket_open(actor=actor, requester=requester, subject=subject, **kwargs)
