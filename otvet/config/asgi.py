"""The ASGI application served by `otvet web` and `otvet serve`: HTTP through Django, WebSockets through channels."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otvet.config.settings")
http_application = get_asgi_application()  # sets Django up before the routing imports models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from otvet.live.routing import websocket_urlpatterns  # noqa: E402

# Sockets are authenticated by the session cookie, so a page of another origin must not open one (CSWSH).
application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
