"""The URL map: the portal at /, the workspace at /desk/, the REST API, accounts, admin."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from otvet.api.api import api
from otvet.core.views import language_set, preferences
from otvet.tickets.views import attachment_download

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/language/", language_set, name="language-set"),
    path("preferences/", preferences, name="preferences"),
    path("attachments/<int:attachment_id>/<str:filename>", attachment_download, name="attachment-download"),
    path("", include("otvet.notifications.urls")),  # /desk/notifications/ and /notifications/
    path("hooks/", include("otvet.connectors.hooks_urls")),  # channel webhooks: /hooks/<channel>/
    path("chat/", include("otvet.connectors.webchat.urls")),  # the web chat widget: embed script, frame, uploads
    path("desk/canned/", include("otvet.canned.urls")),  # canned responses and the composer's picker
    path("desk/", include("otvet.workspace.urls")),
    path("", include("otvet.portal.urls")),
]

if settings.ANYMAIL.get("WEBHOOK_SECRET"):  # an unauthenticated mail intake would be an open door
    urlpatterns.insert(0, path("anymail/", include("anymail.urls")))
