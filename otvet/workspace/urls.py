"""The agent workspace at /desk/: queues, all tickets, the ticket page and its actions, saved views, mail."""

from __future__ import annotations

from django.urls import path

from otvet.workspace.views import actions, automation, customers, lists, mail, messages, saved_views, sla, ticket
from otvet.workspace.views.calls import call_new
from otvet.workspace.views.contact_merge import contact_merge_view

urlpatterns = [
    path("", lists.queue_list, name="workspace-home"),
    path("queues/<slug:key>/", lists.queue_list, name="workspace-queue"),
    path("tickets/", lists.ticket_list, name="workspace-tickets"),
    path("calls/new/", call_new, name="workspace-call-new"),
    path("contacts/<int:pk>/merge/", contact_merge_view, name="workspace-contact-merge"),
    path("counts/", lists.nav_counts, name="workspace-counts"),
    path("views/", saved_views.view_save, name="workspace-views"),
    path("views/<int:view_id>/delete/", saved_views.view_delete, name="workspace-view-delete"),
    path("tickets/<int:number>/", ticket.ticket_detail, name="workspace-ticket"),
    path("tickets/<int:number>/transfer/", ticket.ticket_transfer_view, name="workspace-ticket-transfer"),
    path("tickets/<int:number>/reply/", messages.ticket_reply_view, name="workspace-ticket-reply"),
    path("tickets/<int:number>/note/", messages.ticket_note_view, name="workspace-ticket-note"),
    path("tickets/<int:number>/resolve/", messages.ticket_resolve_view, name="workspace-ticket-resolve"),
    path("tickets/<int:number>/claim/", actions.ticket_claim_view, name="workspace-ticket-claim"),
    path("tickets/<int:number>/release/", actions.ticket_release_view, name="workspace-ticket-release"),
    path("tickets/<int:number>/status/", actions.ticket_status_view, name="workspace-ticket-status"),
    path("tickets/<int:number>/fields/", actions.ticket_fields_view, name="workspace-ticket-fields"),
    path("tickets/<int:number>/assignee/", actions.ticket_assignee_view, name="workspace-ticket-assignee"),
    path("tickets/<int:number>/support-notes/", customers.support_note_view, name="workspace-ticket-support-note"),
    path("tickets/<int:number>/spam/", mail.ticket_spam_view, name="workspace-ticket-spam"),
    path("mail/", mail.mail_list, name="workspace-mail"),
    path("sla/", sla.sla_report_view, name="workspace-sla"),
    path("mail/<int:pk>/original/", mail.mail_original, name="workspace-mail-original"),
    path("mail/<int:pk>/text/", mail.mail_text, name="workspace-mail-text"),
    path("mail/<int:pk>/release/", mail.mail_release_view, name="workspace-mail-release"),
    path("mail/<int:pk>/not-spam/", mail.mail_not_spam_view, name="workspace-mail-not-spam"),
    path("automation/", automation.rule_list, name="workspace-automation"),
    path("automation/new/", automation.rule_new, name="workspace-automation-new"),
    path("automation/export/", automation.rules_export_view, name="workspace-automation-export"),
    path("automation/import/", automation.rules_import_view, name="workspace-automation-import"),
    path("automation/presets/", automation.presets_load_view, name="workspace-automation-presets"),
    path("automation/test/", automation.rule_test_view, name="workspace-automation-test"),
    path("automation/dry-run/", automation.rule_dry_run_view, name="workspace-automation-dry-run"),
    path("automation/<int:pk>/", automation.rule_edit, name="workspace-automation-rule"),
    path("automation/<int:pk>/switch/", automation.rule_switch_view, name="workspace-automation-switch"),
    path("automation/<int:pk>/move/", automation.rule_move_view, name="workspace-automation-move"),
    path("automation/<int:pk>/delete/", automation.rule_delete_view, name="workspace-automation-delete"),
]
