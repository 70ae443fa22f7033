"""Companies and contacts, each scoped by access.py: a company or contact outside the scope is a 404."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from otvet.api.auth import request_actor
from otvet.api.errors import responses
from otvet.api.schemas import MAX_ID, PageQuery
from otvet.core.errors import NotFound, PermissionDenied
from otvet.core.pagination import paginate
from otvet.customers.models import Company, Contact
from otvet.customers.schemas import CompanyOut, CompanyPage, ContactOut, ContactPage, ContactQuery
from otvet.tickets.access import companies_visible_to, contacts_visible_to

router = Router(tags=["customers"])

BY_NAME = ("name", "id")
T = TypeVar("T")


@router.get("/companies", response=responses({200: CompanyPage}))
def companies_list(request: HttpRequest, query: Query[PageQuery]) -> CompanyPage:
    """Customers see their company, partner agents their partner's companies, platform staff all."""
    companies = companies_visible_to(request_actor(request)).select_related("plan", "partner")
    page = paginate(companies, BY_NAME, query.cursor, query.limit)
    return CompanyPage(items=[CompanyOut.from_orm(company) for company in page.items], next=page.next_cursor)


@router.get("/companies/{company_id}", response=responses({200: CompanyOut}))
def company_detail(request: HttpRequest, company_id: int = Path(..., ge=1, le=MAX_ID)) -> Company:
    company = companies_visible_to(request_actor(request)).select_related("plan", "partner").filter(pk=company_id)
    return _found(company.first())


@router.get("/contacts", response=responses({200: ContactPage}))
def contacts_list(request: HttpRequest, query: Query[ContactQuery]) -> ContactPage:
    """Support only; partner agents see the contacts of their partner's companies."""
    actor = request_actor(request)
    if not actor.is_agent:
        raise PermissionDenied(_("Only support staff see contacts."))
    contacts = contacts_visible_to(actor).select_related("company__plan")
    if query.company is not None:
        contacts = contacts.filter(company_id=query.company)
    page = paginate(contacts, BY_NAME, query.cursor, query.limit)
    return ContactPage(items=[ContactOut.from_orm(contact) for contact in page.items], next=page.next_cursor)


@router.get("/contacts/{contact_id}", response=responses({200: ContactOut}))
def contact_detail(request: HttpRequest, contact_id: int = Path(..., ge=1, le=MAX_ID)) -> Contact:
    contact = contacts_visible_to(request_actor(request)).select_related("company__plan").filter(pk=contact_id)
    return _found(contact.first())


def _found(row: T | None) -> T:
    if row is None:
        raise NotFound(_("Not found."))
    return row
