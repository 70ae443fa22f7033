"""Contacts by phone number: who is calling (a selector) and a new caller's contact (services)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.errors import Conflict, InvalidInput, PermissionDenied
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Company, Contact, ContactIdentity
from otvet.customers.services import contact_by_identity, contact_for_identity
from otvet.lib.phones import phone_display, phone_normalize
from otvet.tickets.access import Actor, companies_visible_to, contacts_visible_to

MAX_NAME_CHARS = 200


def phone_or_error(raw: str, field: str = "phone") -> str:
    """The number in E.164, or InvalidInput naming `field`."""
    number = phone_normalize(raw)
    if number is None:
        raise InvalidInput.field(field, _("This is not a phone number."))
    return number


def _written_forms(number: str) -> list[str]:
    """How a number may have been typed into Contact.phone before identities existed (exact matches only)."""
    forms = [number, number[1:], phone_display(number)]
    if number.startswith("+7"):
        n = number[2:]
        grouped = f"{n[:3]} {n[3:6]}-{n[6:8]}-{n[8:]}"
        bracketed = f"({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}"
        forms += [f"8{n}", n, f"+7 {bracketed}", f"8 {grouped}", f"8 {bracketed}", f"+7{bracketed}"]
    return forms


def contacts_by_phone(*, actor: Actor, phone: str) -> QuerySet[Contact]:
    """The contacts `actor` may see that have this number: by phone identity, else by the contact's phone field."""
    number = phone_or_error(phone)
    visible = contacts_visible_to(actor).select_related("company")
    by_identity = visible.filter(identities__kind=IdentityKind.PHONE, identities__value=number)
    if by_identity.exists():
        return by_identity
    return visible.filter(phone__in=_written_forms(number)).order_by("name", "pk")


def contact_for_phone(*, phone: str) -> Contact:
    """The contact a caller's number belongs to (the system, for the PBX): by identity, else the one contact whose
    phone field has the number (linked to it from now on), else a new contact named by the number."""
    number = phone_or_error(phone, "caller")
    found = contact_by_identity(kind=IdentityKind.PHONE, value=number)
    if found is not None:
        return found
    by_field = list(Contact.objects.select_related("company").filter(phone__in=_written_forms(number))[:2])
    if len(by_field) == 1:  # two contacts with one number: ambiguous, the caller becomes a new contact
        try:
            with transaction.atomic():
                ContactIdentity.objects.create(
                    contact=by_field[0], kind=IdentityKind.PHONE, value=number, created_at=clock.now()
                )
        except IntegrityError:  # linked meanwhile by another worker: theirs wins
            pass
        else:
            return by_field[0]
    contact = contact_for_identity(kind=IdentityKind.PHONE, value=number, name=phone_display(number))
    if not contact.phone:
        Contact.objects.filter(pk=contact.pk, phone="").update(phone=number)
        contact.phone = number
    return contact


def contact_create(*, actor: Actor, name: str, phone: str, email: str = "", company: Company | None = None) -> Contact:
    """A new contact an agent creates for a caller, with phone (and email) identities."""
    if not actor.is_agent:
        raise PermissionDenied(_("Only support staff may create contacts."))
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput.field("name", _("Enter the caller's name."))
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput.field("name", _("The name is longer than %(n)s characters.") % {"n": MAX_NAME_CHARS})
    number = phone_or_error(phone)
    email = (email or "").strip().lower()
    if company is not None and not companies_visible_to(actor).filter(pk=company.pk).exists():
        raise InvalidInput.field("company", _("Unknown company."))
    if company is None and actor.agent is not None and actor.agent.partner_id is not None:
        raise InvalidInput.field("company", _("Choose the caller's company."))  # else the contact leaves your scope
    for kind, value, field in ((IdentityKind.PHONE, number, "phone"), (IdentityKind.EMAIL, email, "email")):
        owner = contact_by_identity(kind=kind, value=value) if value else None
        if owner is not None:
            raise Conflict(
                _("This address already belongs to the contact «%(name)s».") % {"name": owner.name},
                code="identity_taken",
                fields={field: _("Already belongs to «%(name)s».") % {"name": owner.name}},
            )
    now = clock.now()
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                name=name, email=email, phone=number, company=company, created_at=now, updated_at=now
            )
            identities = [ContactIdentity(contact=contact, kind=IdentityKind.PHONE, value=number, created_at=now)]
            if email:
                identities.append(
                    ContactIdentity(contact=contact, kind=IdentityKind.EMAIL, value=email, created_at=now)
                )
            ContactIdentity.objects.bulk_create(identities)
    except IntegrityError as error:  # the same caller created by a colleague a moment ago
        raise Conflict(
            _("A contact with this number was just created; search again."), code="identity_taken"
        ) from error
    return contact
