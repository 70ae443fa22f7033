"""The /hooks/<channel>/ URL space: one endpoint per messenger, listed in docs/channels.md."""

from __future__ import annotations

from django.urls import path

from otvet.connectors.phone.webhook import phone_webhook
from otvet.connectors.telegram.webhook import telegram_webhook
from otvet.connectors.urlfiles import attachment_public
from otvet.connectors.viber.webhook import viber_webhook
from otvet.connectors.vk.webhook import vk_webhook

urlpatterns = [
    path("phone/", phone_webhook, name="hooks-phone"),
    path("telegram/", telegram_webhook, name="hooks-telegram"),
    path("vk/", vk_webhook, name="hooks-vk"),
    path("viber/", viber_webhook, name="hooks-viber"),
    # The files of our replies, fetched by VK users and Viber's servers through signed links (urlfiles.py).
    path("files/<str:token>/<str:filename>", attachment_public, name="hooks-file"),
]
