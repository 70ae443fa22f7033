"""Writes of the customers domain: contacts, their identities and portal logins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from otvet.accounts.models import User
from otvet.core import clock
from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Company, Contact, ContactIdentity, SupportNote
from otvet.lib.phones import phone_normalize

if TYPE_CHECKING:
    from otvet.tickets.access import Actor


def company_for_email(email: str) -> Company | None:
    """The company whose configured email domains include the address's domain."""
    domain = email.rpartition("@")[2].lower()
    if not domain:
        return None
    for company in Company.objects.filter(email_domains__icontains=domain).only("pk", "email_domains"):
        if domain in [d.lower().lstrip("@") for d in company.email_domains]:
            return company
    return None


def contact_by_identity(*, kind: IdentityKind, value: str) -> Contact | None:
    """The contact an identity already belongs to, if any (nothing is created)."""
    value = value.strip().lower() if kind == IdentityKind.EMAIL else value.strip()
    identity = ContactIdentity.objects.select_related("contact__company").filter(kind=kind, value=value).first()
    return identity.contact if identity is not None else None


def contact_for_identity(
    *, kind: IdentityKind, value: str, name: str = "", email: str = "", company: Company | None = None
) -> Contact:
    """The contact a channel identity belongs to; an unknown one becomes a new contact (with its company when an
    email's domain is configured for one). Safe when two workers meet the same new sender at once."""
    value = value.strip().lower() if kind == IdentityKind.EMAIL else value.strip()
    if not value:
        raise InvalidInput.field("identity", _("The sender cannot be identified."))
    existing = contact_by_identity(kind=kind, value=value)
    if existing is not None:
        return existing
    email = (email or (value if kind == IdentityKind.EMAIL else "")).lower()
    with transaction.atomic():
        contact = None
        if email:
            contact = Contact.objects.select_related("company").filter(email__iexact=email).order_by("pk").first()
        if contact is None:
            contact = contact_new(
                value=value, name=name, email=email, company=company or (company_for_email(email) if email else None)
            )
            contact.save(force_insert=True)
        try:
            with transaction.atomic():
                ContactIdentity.objects.create(contact=contact, kind=kind, value=value, created_at=clock.now())
        except IntegrityError:  # another worker linked this identity first: theirs wins, ours is rolled back
            transaction.set_rollback(True)
            contact = None
    if contact is None:
        return ContactIdentity.objects.select_related("contact__company").get(kind=kind, value=value).contact
    return contact


def contact_new(*, value: str, name: str, email: str, company: Company | None) -> Contact:
    """The contact an unknown sender becomes (not saved): named as they sign, else by their address."""
    return Contact(name=(name or "").strip()[:200] or email or value, email=email, company=company)


def contacts_create_many(contacts: Sequence[Contact], identities: Sequence[ContactIdentity]) -> None:
    """Save new contacts (built by contact_new) and identities in two statements: a batch of channel intake.

    An identity that another worker linked meanwhile raises IntegrityError; the caller then takes the senders one
    by one (contact_for_identity settles such races). No post_save: new contacts have no login, so no cached API
    token can carry them (the only thing a contact's save signal keeps true).
    """
    with transaction.atomic(savepoint=False):  # a failure fails the caller's block (a batch starts over)
        Contact.objects.bulk_create([contact for contact in contacts if contact.pk is None])
        ContactIdentity.objects.bulk_create(identities)


def contact_link_user(*, user: User, name: str = "") -> Contact:
    """Give a portal user (whose email is verified) their contact: the existing one with that email, or a new one.

    A customer who registers with the email of their contract is identified at once: the contact an agent or a
    channel created earlier, with its company and tickets, becomes theirs.
    """
    email = user.email.lower()
    with transaction.atomic():
        existing = Contact.objects.filter(user=user).first()
        if existing is not None:
            return existing
        identity = (
            ContactIdentity.objects.select_related("contact").filter(kind=IdentityKind.EMAIL, value=email).first()
        )
        contact = identity.contact if identity and identity.contact.user_id is None else None
        if contact is None:
            contact = Contact.objects.select_for_update().filter(email__iexact=email, user__isnull=True).first()
        if contact is None:
            contact = Contact.objects.create(
                name=name or user.name or email, email=email, company=company_for_email(email)
            )
        contact.user = user
        if not contact.email:
            contact.email = email
        contact.save(update_fields=["user", "email", "updated_at"])
        ContactIdentity.objects.get_or_create(kind=IdentityKind.EMAIL, value=email, defaults={"contact": contact})
    return contact


SUPPORT_NOTE_MAX_CHARS = 5000


def support_note_add(
    *, actor: Actor, body: str, company: Company | None = None, contact: Contact | None = None
) -> SupportNote:
    """An internal note about a company or a contact for the next shift [Заметки для поддержки]; agents only."""
    if not (actor.is_agent or actor.is_system):
        raise PermissionDenied(_("Only support staff may write support notes."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput.field("body", _("The note is empty."))
    if len(body) > SUPPORT_NOTE_MAX_CHARS:
        raise InvalidInput.field("body", _("The note is longer than %(n)s characters.") % {"n": SUPPORT_NOTE_MAX_CHARS})
    if company is None and contact is None:
        raise InvalidInput(_("A support note is about a company or a contact."))
    return SupportNote.objects.create(
        company=company, contact=contact, author=actor.user, body=body, created_at=clock.now()
    )


def contact_phone_learn(*, contact: Contact, phone: str) -> bool:
    """Remember a number the person shared as their own (a Telegram contact card): a phone identity, and the
    contact's phone when empty. A number that is another contact's already is left for agents to merge."""
    number = phone_normalize(phone)
    if number is None:
        return False
    with transaction.atomic():
        owner = contact_by_identity(kind=IdentityKind.PHONE, value=number)
        if owner is not None:
            return owner.pk == contact.pk
        try:
            with transaction.atomic():
                ContactIdentity.objects.create(
                    contact=contact, kind=IdentityKind.PHONE, value=number, created_at=clock.now()
                )
        except IntegrityError:  # another worker linked it first
            return False
        if not contact.phone:
            Contact.objects.filter(pk=contact.pk, phone="").update(phone=number, updated_at=clock.now())
    return True
