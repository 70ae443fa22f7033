"""Merging two contacts who turned out to be one person: everything of one moves to the other, then it goes.

Who may merge: any agent, for two contacts they can see (contacts_visible_to) whose tickets they can all see;
a partner's agent thus merges only within the partner's companies. Refused: two portal logins (one person cannot
keep both), two different companies (the tickets would change hands between customers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from otvet.accounts.models import User
from otvet.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from otvet.customers.models import Contact, ContactIdentity, SupportNote
from otvet.tickets.access import Actor, contacts_visible_to, tickets_visible_to
from otvet.tickets.models import Message, Ticket
from otvet.tickets.services.requester import tickets_change_requester

FILLED_FROM_MERGED = ("email", "phone", "language")  # kept contact's blanks taken from the merged one
PREVIEW_TICKETS = 50


@dataclass
class MergePlan:
    """What contact_merge would do, for the confirmation page; `refusal` says why it cannot."""

    keep: Contact
    merge: Contact
    identities: list[ContactIdentity]
    tickets: list[Ticket]
    ticket_count: int
    support_notes: int
    messages: int
    user: User | None  # the portal login that moves to the kept contact
    filled: dict[str, str] = field(default_factory=dict)  # fields of `keep` filled from `merge`
    refusal: str = ""


def contact_get_for_user(actor: Actor, pk: int) -> Contact:
    """A contact `actor` may see, else NotFound."""
    contact = contacts_visible_to(actor).select_related("company", "user").filter(pk=pk).first()
    if contact is None:
        raise NotFound(_("Contact not found."))
    return contact


def contact_merge_plan(*, actor: Actor, keep: Contact, merge: Contact) -> MergePlan:
    """What merging `merge` into `keep` moves, and whether it is refused (nothing is written)."""
    if not actor.is_agent:
        raise PermissionDenied(_("Only support staff may merge contacts."))
    if keep.pk == merge.pk:
        raise InvalidInput.field("other", _("Choose another contact to merge with."))
    visible = contacts_visible_to(actor).filter(pk__in=(keep.pk, merge.pk)).count()
    if visible != 2:
        raise NotFound(_("Contact not found."))
    tickets = Ticket.objects.filter(requester=merge).select_related("status").order_by("-pk")
    plan = MergePlan(
        keep=keep,
        merge=merge,
        identities=list(ContactIdentity.objects.filter(contact=merge).order_by("kind", "value")),
        tickets=list(tickets[:PREVIEW_TICKETS]),
        ticket_count=tickets.count(),
        support_notes=SupportNote.objects.filter(contact=merge).count(),
        messages=Message.objects.filter(author_contact=merge).count(),
        user=merge.user if keep.user_id is None else None,
        filled={
            name: getattr(merge, name)
            for name in FILLED_FROM_MERGED
            if getattr(merge, name) and not getattr(keep, name)
        },
    )
    if keep.company_id is None and merge.company_id is not None:
        plan.filled["company"] = str(merge.company)
    if keep.user_id is not None and merge.user_id is not None:
        plan.refusal = _("Both contacts have a portal login; one person cannot keep two. Remove one login first.")
    elif keep.company_id is not None and merge.company_id is not None and keep.company_id != merge.company_id:
        plan.refusal = _("The contacts belong to different companies; their tickets cannot change company.")
    elif tickets.exclude(pk__in=tickets_visible_to(actor).values("pk")).exists():
        plan.refusal = _("The contact has tickets outside your lines; ask a supervisor to merge.")
    return plan


def contact_merge(*, actor: Actor, keep: Contact, merge: Contact) -> Contact:
    """Merge `merge` into `keep`: identities, tickets (one event each), support notes, messages, ratings and the
    portal login move; `keep`'s blanks are filled; `merge` is deleted. One transaction."""
    with transaction.atomic():
        locked = {
            c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=(keep.pk, merge.pk)).order_by("pk")
        }
        if len(locked) != 2 and keep.pk != merge.pk:
            raise NotFound(_("Contact not found."))
        keep, merge = locked.get(keep.pk, keep), locked.get(merge.pk, merge)
        plan = contact_merge_plan(actor=actor, keep=keep, merge=merge)
        if plan.refusal:
            raise Conflict(plan.refusal, code="merge_refused")
        changed = _fill(keep, merge)  # first: the tickets follow `keep` into the company it takes over
        note = _("Contact «%(merged)s» merged into «%(kept)s»") % {"merged": merge, "kept": keep}
        tickets_change_requester(actor=actor, old=merge, new=keep, note=note[:255])
        try:
            with transaction.atomic():
                _move_the_rest(merge, keep)
        except IntegrityError as error:  # a one-per-contact record (a future channel's) exists on both
            raise Conflict(_("Both contacts have a record that only one may have."), code="merge_refused") from error
        user = merge.user
        merge.delete()
        if user is not None and keep.user_id is None:
            keep.user = user
            changed.append("user")
        if changed:
            keep.save(update_fields=[*changed, "updated_at"])
    return keep


def _move_the_rest(merge: Contact, keep: Contact) -> None:
    """Every other row that points at the merged contact (identities, notes, messages, ratings, and whatever a
    channel adds later) points at the kept one: deleting the merged contact must cascade nothing away."""
    for relation in Contact._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        assert isinstance(relation, models.ForeignObjectRel)
        related = relation.related_model
        if related is Ticket:
            continue  # moved by tickets_change_requester, with their events
        assert isinstance(related, type) and issubclass(related, models.Model)
        related._base_manager.filter(**{relation.field.name: merge}).update(**{relation.field.name: keep})


def _fill(keep: Contact, merge: Contact) -> list[str]:
    """Copy the merged contact's details into the kept one's blanks; the names of the changed fields."""
    changed = [name for name in FILLED_FROM_MERGED if getattr(merge, name) and not getattr(keep, name)]
    for name in changed:
        setattr(keep, name, getattr(merge, name))
    if keep.company_id is None and merge.company_id is not None:
        keep.company_id, keep.is_company_admin = merge.company_id, merge.is_company_admin
        changed += ["company", "is_company_admin"]
    elif keep.company_id == merge.company_id and merge.is_company_admin and not keep.is_company_admin:
        keep.is_company_admin = True
        changed.append("is_company_admin")
    return changed
