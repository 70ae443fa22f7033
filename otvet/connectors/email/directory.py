"""Who is who in mail: our own mailbox addresses and the agents' addresses, cached briefly for every mail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from otvet.accounts.models import Agent
from otvet.connectors.models import Mailbox

CACHE_KEY = "otvet:email:directory:v1"
TTL_SECONDS = 60  # changes also forget it at once (see apps.py); the TTL bounds what another process missed


@dataclass(frozen=True)
class Directory:
    mailboxes: frozenset[str]  # lower-cased addresses of every mailbox, active or not
    agents: dict[str, int]  # lower-cased email of an active agent's user -> agent id

    def is_ours(self, address: str) -> bool:
        """One of our mailboxes, also with a +tag."""
        local, _at, domain = address.lower().rpartition("@")
        return address.lower() in self.mailboxes or f"{local.partition('+')[0]}@{domain}" in self.mailboxes


def directory() -> Directory:
    found = cache.get(CACHE_KEY)
    if found is None:
        found = Directory(
            mailboxes=frozenset(a.lower() for a in Mailbox.objects.values_list("address", flat=True)),
            agents={
                email.lower(): pk
                for pk, email in Agent.objects.filter(is_active=True).values_list("pk", "user__email")
                if email
            },
        )
        cache.set(CACHE_KEY, found, TTL_SECONDS)
    return found


def directory_forget(*args: Any, **kwargs: Any) -> None:
    """Drop the cached directory (connected to saves of mailboxes, agents and users)."""
    cache.delete(CACHE_KEY)
