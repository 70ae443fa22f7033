"""Saved personal views of the workspace's ticket list: save under a name, delete."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core.errors import InvalidInput, NotFound
from otvet.tickets.access import Actor
from otvet.tickets.models import SavedView
from otvet.tickets.services.common import require_agent

# The list parameters a view may hold (the workspace's filter bar); anything else is dropped.
PARAMS = (
    "q",
    "state",
    "status",
    "priority",
    "criticality",
    "category",
    "company",
    "channel",
    "assignee",
    "line",
    "sort",
)
MAX_NAME_CHARS = 80
MAX_VALUE_CHARS = 200
MAX_VIEWS = 50


def saved_view_params(values: Mapping[str, str]) -> dict[str, str]:
    """The whitelisted, non-empty filter parameters of `values`."""
    params = {}
    for name in PARAMS:
        value = str(values.get(name) or "").strip()
        if value:
            params[name] = value[:MAX_VALUE_CHARS]
    return params


def saved_view_save(*, actor: Actor, name: str, params: Mapping[str, str]) -> SavedView:
    """Save the current filters under `name`; a view of the same name is replaced."""
    require_agent(actor)
    if actor.user is None:
        raise InvalidInput(_("Saved views belong to a signed-in agent."))
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput.field("name", _("The name must have 1 to %(n)s characters.") % {"n": MAX_NAME_CHARS})
    with transaction.atomic():
        views = SavedView.objects.select_for_update().filter(owner=actor.user)
        view = views.filter(name=name).first()
        if view is None:
            if views.count() >= MAX_VIEWS:
                raise InvalidInput.field("name", _("You can keep at most %(n)s saved views.") % {"n": MAX_VIEWS})
            return SavedView.objects.create(owner=actor.user, name=name, params=saved_view_params(params))
        view.params = saved_view_params(params)
        view.save(update_fields=["params"])
    return view


def saved_view_delete(*, actor: Actor, view_id: int) -> None:
    """Delete one of the actor's own saved views; anyone else's is NotFound."""
    deleted, _per_model = SavedView.objects.filter(pk=view_id, owner_id=getattr(actor.user, "pk", None)).delete()
    if not deleted:
        raise NotFound(_("Saved view not found."))
