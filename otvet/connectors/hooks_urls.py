"""The /hooks/<channel>/ URL space: one endpoint per messenger, listed in docs/channels.md."""

from __future__ import annotations

from django.urls import path

from otvet.connectors.phone.webhook import phone_webhook
from otvet.connectors.telegram.webhook import telegram_webhook

urlpatterns = [
    path("phone/", phone_webhook, name="hooks-phone"),
    path("telegram/", telegram_webhook, name="hooks-telegram"),
]
