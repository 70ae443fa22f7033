"""The ticket [Заявка]: one request worked to its end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otvet.core import clock
from otvet.sla.choices import SlaState
from otvet.tickets.choices import AlertType, Channel, Priority, ResponsePreference, TicketKind

if TYPE_CHECKING:
    from otvet.tickets.models.message import Message


class Ticket(models.Model):
    """A request from a contact; written only by the services in tickets/services/."""

    number = models.BigAutoField(_("number"), primary_key=True)
    subject = models.CharField(_("subject"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices, default=TicketKind.REQUEST)
    alert_type = models.CharField(_("alert type"), max_length=16, choices=AlertType.choices, blank=True)
    requester = models.ForeignKey(
        "customers.Contact", verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.ForeignKey("tickets.Status", verbose_name=_("status"), on_delete=models.PROTECT, related_name="+")
    # Denormalised from status.category by the services: queue indexes are partial on it.
    is_open = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    priority_reason = models.CharField(_("priority reason"), max_length=255, blank=True)
    criticality = models.ForeignKey(
        "tickets.Criticality", verbose_name=_("criticality"), on_delete=models.PROTECT, null=True, blank=True
    )
    category = models.ForeignKey(
        "tickets.Category", verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True
    )
    line = models.ForeignKey("tickets.Line", verbose_name=_("line"), on_delete=models.PROTECT, related_name="tickets")
    assignee = models.ForeignKey(
        "accounts.Agent",
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    response_preference = models.CharField(
        _("response preference"),
        max_length=16,
        choices=ResponsePreference.choices,
        default=ResponsePreference.PORTAL,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    created_at = models.DateTimeField(_("created"), default=clock.now)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)
    # Since when the ticket has waited in its current court (support's or the customer's); queues sort by it.
    waiting_since = models.DateTimeField(_("waiting since"), default=clock.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=clock.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(_("last customer message"), null=True, blank=True)
    last_agent_message_at = models.DateTimeField(_("last agent message"), null=True, blank=True)
    last_interaction_at = models.DateTimeField(_("last interaction"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    tags = models.ManyToManyField("tickets.Tag", verbose_name=_("tags"), blank=True, related_name="tickets")

    # SLA (otvet/sla/): the policy applied and the running deadlines, mirrored from the ticket's SLA clocks so
    # that lists sort and filter by them through an index; sla_due_at is the nearest running one.
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        verbose_name=_("SLA policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sla_state = models.CharField(_("SLA"), max_length=12, choices=SlaState.choices, blank=True, default=SlaState.NONE)
    sla_due_at = models.DateTimeField(_("SLA due"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # A line's queue: open tickets by priority, then longest waiting.
            models.Index(
                fields=["line", "-priority", "waiting_since", "number"],
                condition=Q(is_open=True),
                name="ticket_line_queue",
            ),
            models.Index(
                fields=["assignee", "-priority", "waiting_since", "number"],
                condition=Q(is_open=True),
                name="ticket_assignee_queue",
            ),
            models.Index(
                fields=["-priority", "waiting_since", "number"],
                condition=Q(is_open=True),
                name="ticket_open_queue",
            ),
            models.Index(fields=["-updated_at", "-number"], name="ticket_updated"),
            models.Index(fields=["requester", "-updated_at", "-number"], name="ticket_requester_updated"),
            models.Index(fields=["company", "-updated_at", "-number"], name="ticket_company_updated"),
            models.Index(fields=["status", "-updated_at", "-number"], name="ticket_status_updated"),
            models.Index(
                fields=["sla_due_at", "number"],
                condition=Q(is_open=True, sla_due_at__isnull=False),
                name="ticket_sla_due",
            ),
        ]

    # Not a column: ticket_open leaves the first message here, so callers need no query to find it.
    opening_message: Message | None = None

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_unanswered(self) -> bool:
        """No public reply from support yet («Новые»)."""
        return self.first_response_at is None
