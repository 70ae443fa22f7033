"""Putting a stored call on a ticket: the caller's open ticket gets a note, a missed call opens one."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from otvet.connectors.choices import InboundState
from otvet.connectors.models import CallRecord
from otvet.connectors.phone.choices import CallDirection, CallStatus
from otvet.core import clock
from otvet.customers.models import Contact
from otvet.customers.phones import contact_for_phone
from otvet.lib.phones import phone_display
from otvet.tickets.access import Actor
from otvet.tickets.choices import Channel
from otvet.tickets.models import Ticket
from otvet.tickets.services.intake import ticket_open
from otvet.tickets.services.messages import ticket_add_note

logger = logging.getLogger(__name__)

STALL_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 5
DONE_FIELDS = ["state", "reason", "contact", "ticket", "message", "attempts", "error", "processed_at"]


def call_record_process(record_id: int) -> CallRecord | None:
    """Process a pending call once (the row is locked and re-checked); a call that is not pending is left alone."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        record = CallRecord.objects.select_for_update().filter(pk=record_id, state=InboundState.PENDING).first()
        if record is None:
            return None
        actor = Actor.system(_("Telephony"))
        record.contact = contact = contact_for_phone(phone=record.customer_number)
        ticket = _open_ticket(record, contact)
        if record.status == CallStatus.MISSED and record.direction == CallDirection.INBOUND:
            if ticket is None:
                ticket = ticket_open(
                    actor=actor,
                    requester=contact,
                    subject=_("Missed call from %(number)s") % {"number": phone_display(record.customer_number)},
                    body=call_summary(record),
                    channel=Channel.PHONE,
                )
                record.message = ticket.opening_message
            else:
                record.message = ticket_add_note(ticket=ticket, actor=actor, body=call_summary(record))
        elif ticket is not None:
            record.message = ticket_add_note(ticket=ticket, actor=actor, body=call_summary(record))
        else:
            record.reason = _("The caller has no open ticket.")[:255]
        record.ticket = ticket
        record.state, record.error, record.processed_at = InboundState.PROCESSED, "", clock.now()
        record.attempts += 1
        record.save(update_fields=DONE_FIELDS)
    return record


def _open_ticket(record: CallRecord, contact: Contact) -> Ticket | None:
    """Where the call goes: for a missed call the open ticket an earlier missed call opened (one callback is
    enough); otherwise the caller's latest open ticket."""
    if record.status == CallStatus.MISSED and record.direction == CallDirection.INBOUND:
        earlier = (
            CallRecord.objects.filter(
                contact=contact, status=CallStatus.MISSED, ticket__is_open=True, ticket__requester=contact
            )
            .exclude(pk=record.pk)
            .select_related("ticket")
            .order_by("-started_at")
            .first()
        )
        return earlier.ticket if earlier is not None else None
    return Ticket.objects.filter(requester=contact, is_open=True).order_by("-created_at", "-pk").first()


def call_summary(record: CallRecord) -> str:
    """«Call: incoming, 3 min 12 s, recording: <url>» in the installation's language."""
    if record.status == CallStatus.MISSED:
        started = formats.date_format(timezone.localtime(record.started_at), "DATETIME_FORMAT")
        text = _("Missed call from %(number)s at %(time)s. Please call back.") % {
            "number": phone_display(record.customer_number),
            "time": started,
        }
    else:
        direction = _("incoming") if record.direction == CallDirection.INBOUND else _("outgoing")
        text = _("Call: %(direction)s, %(duration)s") % {
            "direction": direction,
            "duration": duration_text(record.duration),
        }
    if record.recording_url:
        text += ", " + _("recording: %(url)s") % {"url": record.recording_url}
    return text


def duration_text(seconds: int) -> str:
    """3 min 12 s; 1 h 2 min 5 s; 45 s."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if minutes or hours:
        parts.append(_("%(n)s min") % {"n": minutes})
    parts.append(_("%(n)s s") % {"n": secs})
    return " ".join(parts)


def call_record_failed(record_id: int, error: Exception, *, permanent: bool) -> None:
    """Record a failure on the call: permanent ones (the service refused) wait for a person as `failed`."""
    record = CallRecord.objects.filter(pk=record_id, state=InboundState.PENDING).first()
    if record is None:
        return
    record.attempts += 1
    record.error = f"{type(error).__name__}: {error}"[:2000]
    if permanent or record.attempts >= MAX_ATTEMPTS:
        record.state = InboundState.FAILED
        record.reason = str(getattr(error, "message", error))[:255]
    record.save(update_fields=["attempts", "error", "state", "reason"])
    logger.warning("call %s failed: %s", record.call_id, record.error)


def call_records_stalled(now: dt.datetime) -> list[int]:
    """Pending calls whose job was lost (a crash between the commit and the queue)."""
    return list(
        CallRecord.objects.filter(state=InboundState.PENDING, received_at__lte=now - STALL_AFTER)
        .order_by("received_at")
        .values_list("pk", flat=True)[:100]
    )
