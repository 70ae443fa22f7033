"""The web chat's HTTP side, mounted at /chat/ (its socket is /ws/chat/<key>/, in otvet/live/routing.py)."""

from __future__ import annotations

from django.urls import path

from otvet.connectors.webchat import views

urlpatterns = [
    path("embed.js", views.embed_script, name="webchat-embed"),
    path("<str:key>/", views.chat_frame, name="webchat-frame"),
    path("<str:key>/visitor/", views.visitor_new, name="webchat-visitor"),
    path("<str:key>/upload/", views.visitor_upload, name="webchat-upload"),
    path("<str:key>/leave/", views.leave_message, name="webchat-leave"),
    path("<str:key>/files/<str:token>/", views.visitor_file, name="webchat-file"),
    path("<str:key>/preview/", views.widget_preview, name="webchat-preview"),
]
