"""The customer portal."""

from __future__ import annotations

from django.urls import path

from otvet.portal.views import home, requests

urlpatterns = [
    path("", home.home, name="home"),
    path("requests/", requests.request_list, name="portal-requests"),
    path("requests/new/", requests.request_new, name="portal-request-new"),
    path("requests/<int:number>/", requests.request_detail, name="portal-request"),
    path("requests/<int:number>/reply/", requests.request_reply, name="portal-request-reply"),
    path("requests/<int:number>/rate/", requests.request_rate, name="portal-request-rate"),
]
