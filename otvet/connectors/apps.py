from __future__ import annotations

from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "otvet.connectors"
    label = "connectors"
    verbose_name = "Channels"

    def ready(self) -> None:
        from anymail.signals import inbound
        from django.db.models.signals import post_delete, post_save

        from otvet.accounts.models import Agent, User
        from otvet.connectors.email.directory import directory_forget
        from otvet.connectors.email.webhooks import anymail_inbound_received
        from otvet.connectors.models import Mailbox

        # anymail announces a provider's inbound mail by this signal: the one way its webhooks hand it over.
        inbound.connect(anymail_inbound_received, dispatch_uid="otvet-anymail-inbound")
        # The cached mail directory must not outlive a change of a mailbox or an agent's address (not domain logic:
        # a cache kept true).
        for model in (Mailbox, Agent, User):
            post_save.connect(
                directory_forget, sender=model, dispatch_uid=f"otvet-mail-directory-save-{model.__name__}"
            )
            post_delete.connect(
                directory_forget, sender=model, dispatch_uid=f"otvet-mail-directory-del-{model.__name__}"
            )
