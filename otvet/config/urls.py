"""The URL map: admin, the REST API; the portal and the workspace join in their own issue."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from otvet.api.api import api
from otvet.tickets.views import attachment_download

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("attachments/<int:attachment_id>/<str:filename>", attachment_download, name="attachment-download"),
]
