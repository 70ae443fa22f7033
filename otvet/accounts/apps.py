from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "otvet.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from otvet.accounts.models import Agent, ApiToken, User
        from otvet.accounts.selectors import auth_epoch_bump
        from otvet.customers.models import Company, Contact, Partner, Plan

        # Cached API tokens carry their user, agent and contact: a change to any of them must be seen at once
        # (a cache kept true, not domain logic).
        for model in (User, Agent, ApiToken, Contact, Company, Plan, Partner):
            uid = f"otvet-auth-epoch-{model.__name__}"
            post_save.connect(auth_epoch_bump, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(auth_epoch_bump, sender=model, dispatch_uid=f"{uid}-delete")
