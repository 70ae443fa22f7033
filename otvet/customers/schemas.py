"""API shapes of companies, plans, partners and contacts."""

from __future__ import annotations

from pydantic import Field

from otvet.api.schemas import MAX_ID, OutSchema, PageQuery


class PlanOut(OutSchema):
    code: str
    name: str


class PartnerRef(OutSchema):
    id: int
    name: str


class CompanyRef(OutSchema):
    id: int
    name: str
    plan: PlanOut


class ContactRef(OutSchema):
    id: int
    name: str


class CompanyOut(OutSchema):
    id: int
    name: str
    plan: PlanOut
    partner: PartnerRef | None
    external_id: str = Field(description="Contract or project number.")


class ContactOut(OutSchema):
    id: int
    name: str
    email: str
    phone: str
    company: CompanyRef | None
    is_company_admin: bool
    language: str


class CompanyPage(OutSchema):
    items: list[CompanyOut]
    next: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ContactPage(OutSchema):
    items: list[ContactOut]
    next: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ContactQuery(PageQuery):
    company: int | None = Field(None, ge=1, le=MAX_ID, description="Only the contacts of this company.")
