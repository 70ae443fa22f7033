"""The vocabularies clients need to fill in codes and ids: statuses, lines, criticality, categories, marks."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from otvet.api.auth import request_actor
from otvet.api.errors import responses
from otvet.core.errors import PermissionDenied
from otvet.tickets.access import lines_visible_to
from otvet.tickets.models import Category, Criticality, Line, RatingMark, Status
from otvet.tickets.schemas import CategoryOut, CriticalityOut, LineOut, RatingMarkOut, StatusOut

router = Router(tags=["reference"])


@router.get("/statuses", response=responses({200: list[StatusOut]}))
def statuses_list(request: HttpRequest) -> list[Status]:
    return list(Status.objects.filter(is_active=True).order_by("order", "pk"))


@router.get("/lines", response=responses({200: list[LineOut]}))
def lines_list(request: HttpRequest) -> list[Line]:
    """The lines a ticket can be transferred to (support only)."""
    actor = request_actor(request)
    if not actor.is_agent:
        raise PermissionDenied(_("Only support staff see lines."))
    return list(lines_visible_to(actor).filter(is_active=True).order_by("order", "pk"))


@router.get("/criticalities", response=responses({200: list[CriticalityOut]}))
def criticalities_list(request: HttpRequest) -> list[Criticality]:
    return list(Criticality.objects.order_by("order", "pk"))


@router.get("/categories", response=responses({200: list[CategoryOut]}))
def categories_list(request: HttpRequest) -> list[Category]:
    """Active categories; `parent` links the tree."""
    return list(Category.objects.filter(is_active=True).order_by("order", "name_ru", "pk"))


@router.get("/rating-marks", response=responses({200: list[RatingMarkOut]}))
def rating_marks_list(request: HttpRequest) -> list[RatingMark]:
    return list(RatingMark.objects.filter(is_active=True).order_by("order", "pk"))
