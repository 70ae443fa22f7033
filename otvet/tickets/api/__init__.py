"""The ticket domain's REST endpoints, one router per concern, mounted together at /api/v1/."""

from __future__ import annotations

from ninja import Router

from otvet.tickets.api import actions, messages, reference, tickets

router = Router()
router.add_router("", tickets.router)
router.add_router("", messages.router)
router.add_router("", actions.router)
router.add_router("", reference.router)

__all__ = ["router"]
