"""allauth adapter: a verified customer email links the login to the contact with that email."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from otvet.customers.services import contact_link_user


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request: HttpRequest, email_address: Any) -> None:
        super().confirm_email(request, email_address)
        user = email_address.user
        if email_address.email.lower() == user.email.lower() and not hasattr(user, "agent"):
            contact_link_user(user=user)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit)
        # Without mandatory verification the address is taken on trust, as the administrator chose.
        if commit and settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
            contact_link_user(user=user)
        return user
