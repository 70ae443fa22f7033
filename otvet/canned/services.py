"""Writing canned responses: agents keep personal ones; supervisors and admins keep their organisation's shared ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from otvet.canned.models import CannedResponse
from otvet.canned.selectors import search_text
from otvet.canned.texts import canned_text
from otvet.core import clock
from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.tickets.access import Actor
from otvet.tickets.models import Ticket

MAX_BODY = 10_000
FIELDS = ("title", "body", "body_en", "shortcut", "category", "is_active")


def canned_create(*, actor: Actor, data: dict[str, Any]) -> CannedResponse:
    """A new response: personal to the agent, or shared (`data["shared"]`) when a supervisor, admin or the system
    asks."""
    if actor.is_system:  # the demo and imports: the platform's shared responses
        canned = CannedResponse(owner=None, partner=None)
    else:
        agent = _require_agent(actor)
        shared = bool(data.get("shared"))
        if shared and not actor.is_supervisor:
            raise PermissionDenied(_("Only supervisors and administrators create shared canned responses."))
        owner = None if shared else agent
        canned = CannedResponse(owner=owner, partner_id=agent.partner_id, created_by=agent, updated_by=agent)
    _apply(canned, data)
    with transaction.atomic():
        canned.save()
    return canned


def canned_update(*, canned: CannedResponse, actor: Actor, data: dict[str, Any]) -> CannedResponse:
    """Change a response the actor may edit; whether it is shared or personal stays as created."""
    agent = _require_editor(canned, actor)
    _apply(canned, data)
    canned.updated_by = agent
    canned.updated_at = clock.now()
    with transaction.atomic():
        canned.save(update_fields=[*FIELDS, "search_text", "updated_by", "updated_at"])
    return canned


def canned_delete(*, canned: CannedResponse, actor: Actor) -> None:
    """Delete a response the actor may edit (rules that use a shared one then fail and say so)."""
    _require_editor(canned, actor)
    canned.delete()


def canned_use(*, canned: CannedResponse, ticket: Ticket, actor: Actor, at: dt.datetime | None = None) -> str:
    """The response's text filled for `ticket`, counting the use; the caller sends it (or the agent edits it)."""
    text = canned_text(canned, ticket, at or clock.now(), agent=actor.agent)
    CannedResponse.objects.filter(pk=canned.pk).update(usage_count=F("usage_count") + 1)
    canned.usage_count += 1
    return text


def can_edit(canned: CannedResponse, actor: Actor) -> bool:
    """Own personal ones always; shared ones for supervisors and admins of the same organisation."""
    agent = actor.agent
    if agent is None:
        return False
    if canned.owner_id is not None:
        return canned.owner_id == agent.pk
    return actor.is_supervisor and canned.partner_id == agent.partner_id


def _require_agent(actor: Actor) -> Any:
    if actor.agent is None:
        raise PermissionDenied(_("Only agents keep canned responses."))
    return actor.agent


def _require_editor(canned: CannedResponse, actor: Actor) -> Any:
    agent = _require_agent(actor)
    if not can_edit(canned, actor):
        raise PermissionDenied(_("Only supervisors and administrators change shared canned responses."))
    return agent


def _apply(canned: CannedResponse, data: dict[str, Any]) -> None:
    """Validated fields from plain data; InvalidInput names the field."""
    title = " ".join(str(data.get("title") or "").split())
    if not title or len(title) > 200:
        raise InvalidInput.field("title", _("The title must have 1 to 200 characters."))
    body = str(data.get("body") or "").strip()
    if not body:
        raise InvalidInput.field("body", _("This text is required."))
    body_en = str(data.get("body_en") or "").strip()
    for name, value in (("body", body), ("body_en", body_en)):
        if len(value) > MAX_BODY:
            raise InvalidInput.field(name, _("The text is longer than %(n)s characters.") % {"n": MAX_BODY})
    shortcut = slugify(str(data.get("shortcut") or "").strip().lstrip("/"))[:40]
    if not shortcut:
        raise InvalidInput.field("shortcut", _("Latin letters, digits and hyphens, like pwd-reset."))
    category = " ".join(str(data.get("category") or "").split())[:80]
    canned.title, canned.body, canned.body_en, canned.shortcut, canned.category = (
        title,
        body,
        body_en,
        shortcut,
        category,
    )
    canned.is_active = bool(data.get("is_active", True))
    canned.search_text = search_text(shortcut, title, category, body, body_en)
    # The database's constraints say the same; this check names the field instead of failing with IntegrityError.
    taken = CannedResponse.objects.filter(shortcut=shortcut).exclude(pk=canned.pk)
    if canned.owner_id is not None:
        taken = taken.filter(owner_id=canned.owner_id)
    elif canned.partner_id is not None:
        taken = taken.filter(owner__isnull=True, partner_id=canned.partner_id)
    else:
        taken = taken.filter(owner__isnull=True, partner__isnull=True)
    if taken.exists():
        raise InvalidInput.field("shortcut", _("The shortcut «%(s)s» is already taken.") % {"s": shortcut})
