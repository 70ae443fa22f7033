"""Who sees which canned responses: an agent sees their organisation's shared ones and their own, nobody else's."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from otvet.canned.models import CannedResponse
from otvet.core.errors import NotFound
from otvet.tickets.access import Actor

SEARCH_LIMIT = 10
LIST_LIMIT = 500


def canned_visible_to(actor: Actor) -> QuerySet[CannedResponse]:
    """Shared responses of the actor's organisation plus their own; a rule sees the platform's shared ones."""
    if actor.agent is not None:
        shared = Q(owner__isnull=True, partner_id=actor.agent.partner_id)
        return CannedResponse.objects.filter(shared | Q(owner_id=actor.agent.pk))
    if actor.is_system:
        return CannedResponse.objects.filter(owner__isnull=True, partner__isnull=True)
    return CannedResponse.objects.none()


def canned_get_for_user(actor: Actor, pk: int) -> CannedResponse:
    """The response if `actor` may see it, else NotFound (another agent's personal one does not exist for you)."""
    canned = canned_visible_to(actor).filter(pk=pk).first()
    if canned is None:
        raise NotFound(_("Canned response not found."))
    return canned


def canned_list(actor: Actor, *, query: str = "", category: str = "") -> list[CannedResponse]:
    """The workspace page: active and inactive ones, by category and title; capped, the search narrows it."""
    rows = _matching(canned_visible_to(actor), query)
    if category:
        rows = rows.filter(category=category)
    return list(rows.select_related("owner__user").order_by("category", "title", "pk")[:LIST_LIMIT])


def canned_categories(actor: Actor) -> list[str]:
    """The categories in use, for the filter and the form's suggestions."""
    rows = canned_visible_to(actor).exclude(category="").values_list("category", flat=True)
    return sorted(set(rows))


def canned_search(actor: Actor, query: str, *, limit: int = SEARCH_LIMIT) -> list[CannedResponse]:
    """The composer's picker: active matches by shortcut, title or text, most used first; one query."""
    rows = _matching(canned_visible_to(actor).filter(is_active=True), query)
    return list(rows.order_by("-usage_count", "title", "pk")[:limit])


def _matching(rows: QuerySet[CannedResponse], query: str) -> QuerySet[CannedResponse]:
    words = query.casefold().lstrip("/").split()[:5]
    for word in words:
        rows = rows.filter(search_text__contains=word)
    return rows


def search_text(*parts: str) -> str:
    """What `_matching` looks in: the parts case-folded, one per line."""
    return "\n".join(part.casefold() for part in parts if part)
