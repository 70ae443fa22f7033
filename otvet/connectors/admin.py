"""Admin for mailboxes and notification texts; the mail log and deliveries are read-only records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from otvet.connectors.models import Delivery, EmailTemplate, InboundEmail, Mailbox
from otvet.connectors.models.mailbox import SECRET_MASK
from otvet.connectors.services import inbound_email_release
from otvet.connectors.spam_services import spam_stats
from otvet.tickets.access import actor_for_user

SECRETS = ("imap_password", "smtp_password")
READ_ONLY = ["last_polled_at", "last_error"]
FIELDSETS: Any = [
    (None, {"fields": ["name", "address", "from_name", "is_active", "is_default", "line", "category"]}),
    (
        _("Incoming mail (IMAP)"),
        {
            "fields": [
                "imap_host",
                "imap_port",
                "imap_security",
                "imap_username",
                "imap_password",
                "imap_folder",
                "imap_processed_folder",
                "poll_interval",
                *READ_ONLY,
            ]
        },
    ),
    (
        _("Outgoing mail (SMTP)"),
        {"fields": ["smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password"]},
    ),
]


class MailboxForm(forms.ModelForm):
    """Passwords are write-only: shown masked, kept when the field is left as it is or empty."""

    class Meta:
        model = Mailbox
        fields = [name for _title, options in FIELDSETS for name in options["fields"] if name not in READ_ONLY]
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRETS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            self.fields[name].required = False
            if self.instance.pk and getattr(self.instance, name):
                self.fields[name].widget.attrs["placeholder"] = SECRET_MASK
                self.fields[name].help_text = _("Stored. Leave empty to keep it.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in SECRETS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(Mailbox.objects.get(pk=self.instance.pk), name)
        return cleaned


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "line", "is_active", "is_default", "last_polled_at", "has_error"]
    list_filter = ["is_active"]
    readonly_fields = READ_ONLY
    fieldsets = FIELDSETS

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, mailbox: Mailbox) -> bool:
        return bool(mailbox.last_error)


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "language", "subject", "is_active"]
    list_filter = ["code", "language", "is_active"]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "mailbox", "sender", "subject", "state", "ticket_link", "reason"]
    list_filter = ["state", "mailbox", "source", "automatic"]
    search_fields = ["sender", "subject", "mail_id"]
    date_hierarchy = "received_at"
    exclude = ["raw"]
    actions = ["release"]
    list_select_related = ["mailbox"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in InboundEmail._meta.fields if f.name != "raw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The mail log, headed by the spam classifier's figures (the template shows them above the list)."""
        return super().changelist_view(request, {**(extra_context or {}), "spam_stats": spam_stats()})

    @admin.display(description=_("ticket"))
    def ticket_link(self, row: InboundEmail) -> str:
        if row.ticket_id is None:
            return "—"
        return format_html('<a href="{}">#{}</a>', reverse("workspace-ticket", args=[row.ticket_id]), row.ticket_id)

    @admin.action(description=_("Process the selected mails anyway"))
    def release(self, request: HttpRequest, queryset: QuerySet[InboundEmail]) -> None:
        actor = actor_for_user(request.user)  # type: ignore[arg-type]
        released = 0
        for row in queryset:
            try:
                inbound_email_release(actor=actor, inbound=row)
                released += 1
            except Exception as error:
                self.message_user(request, f"{row}: {error}", messages.ERROR)
        self.message_user(request, _("%(n)s mails sent for processing.") % {"n": released})


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "ticket", "channel", "purpose", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["channel", "state", "purpose"]
    search_fields = ["external_id", "key"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


from otvet.connectors.phone import admin as phone_admin  # noqa: E402,F401  registers the call log
from otvet.connectors.telegram import admin as telegram_admin  # noqa: E402,F401  registers bots and updates
from otvet.connectors.viber import admin as viber_admin  # noqa: E402,F401  registers Viber bots
from otvet.connectors.vk import admin as vk_admin  # noqa: E402,F401  registers VK communities
from otvet.connectors.webchat import admin as webchat_admin  # noqa: E402,F401  registers chat widgets
