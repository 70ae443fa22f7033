"""Tags on tickets, set by agents and automation rules."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.errors import InvalidInput
from otvet.tickets.access import Actor
from otvet.tickets.choices import EventKind
from otvet.tickets.models import Tag, Ticket
from otvet.tickets.services.common import lock, record_event, require_agent

MAX_TAG_CHARS = 60


def ticket_tag(*, ticket: Ticket, actor: Actor, add: Iterable[str] = (), remove: Iterable[str] = ()) -> Ticket:
    """Add and remove tags by name (new names create the tag); one event lists the tags before and after."""
    require_agent(actor)
    adding = _names(add)
    removing = {name.casefold() for name in _names(remove)}
    with transaction.atomic():
        ticket = lock(ticket)
        current = list(ticket.tags.order_by("name"))
        before = [tag.name for tag in current]
        keep = [tag for tag in current if tag.name.casefold() not in removing]
        known = {tag.name.casefold() for tag in keep}
        new = [name for name in adding if name.casefold() not in known]
        tags = keep + [_tag(name) for name in new]
        after = sorted(tag.name for tag in tags)
        if after == before:
            return ticket
        ticket.tags.set(tags)
        ticket.updated_at = clock.now()
        ticket.save(update_fields=["updated_at"])
        record_event(ticket, EventKind.TAGGED, actor, changes={"tags": [before, after]})
    return ticket


def _names(names: Iterable[str]) -> list[str]:
    cleaned = []
    for name in names:
        name = " ".join(str(name).split())
        if not name or len(name) > MAX_TAG_CHARS:
            raise InvalidInput.field("tags", _("A tag has 1 to %(n)s characters.") % {"n": MAX_TAG_CHARS})
        cleaned.append(name)
    return cleaned


def _tag(name: str) -> Tag:
    tag = Tag.objects.filter(name__iexact=name).first()
    return tag if tag is not None else Tag.objects.create(name=name)
