"""The URL map with the provider webhooks mounted, as when ANYMAIL_WEBHOOK_SECRET is set."""

from __future__ import annotations

from django.urls import include, path

from otvet.config.urls import urlpatterns as base

urlpatterns = [path("anymail/", include("anymail.urls")), *base]
