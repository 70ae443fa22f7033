"""WebSocket URLs, served by otvet/config/asgi.py (other apps' sockets are added to this list)."""

from __future__ import annotations

from django.urls import path

from otvet.connectors.webchat.consumers import VisitorConsumer
from otvet.live.consumers import DeskConsumer, TicketConsumer

websocket_urlpatterns = [
    path("ws/tickets/<int:number>/", TicketConsumer.as_asgi()),
    path("ws/desk/", DeskConsumer.as_asgi()),
    path("ws/chat/<str:key>/", VisitorConsumer.as_asgi()),  # web chat visitors (otvet/connectors/webchat)
]
