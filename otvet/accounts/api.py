"""The caller's own account."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router

from otvet.accounts.models import User
from otvet.accounts.schemas import AgentProfileOut, MeContactOut, MeOut
from otvet.api.auth import request_actor
from otvet.api.errors import responses

router = Router(tags=["accounts"])


@router.get("/me", response=responses({200: MeOut}))
def me(request: HttpRequest) -> MeOut:
    """Who you are: your user, and your agent profile or your customer contact."""
    actor = request_actor(request)
    user: User = request.auth  # type: ignore[attr-defined]
    kind: Literal["agent", "customer", "user"] = (
        "agent" if actor.agent is not None else "customer" if actor.contact is not None else "user"
    )
    return MeOut(
        id=user.pk,
        email=user.email,
        name=user.name,
        language=user.language,
        kind=kind,
        agent=AgentProfileOut.from_orm(actor.agent) if actor.agent is not None else None,
        contact=MeContactOut.from_orm(actor.contact) if actor.contact is not None else None,
    )
