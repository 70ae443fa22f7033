"""API shapes of users and agents."""

from __future__ import annotations

from typing import Literal

from otvet.accounts.choices import Presence, Role
from otvet.api.schemas import OutSchema
from otvet.customers.schemas import CompanyRef, PartnerRef


class AgentRef(OutSchema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(obj.user)  # type: ignore[attr-defined]


class AgentProfileOut(OutSchema):
    id: int
    role: Role
    partner: PartnerRef | None
    presence: Presence


class MeContactOut(OutSchema):
    id: int
    name: str
    company: CompanyRef | None
    is_company_admin: bool


class MeOut(OutSchema):
    id: int
    email: str
    name: str
    language: str
    kind: Literal["agent", "customer", "user"]
    agent: AgentProfileOut | None
    contact: MeContactOut | None
