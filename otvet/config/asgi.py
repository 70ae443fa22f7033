"""The ASGI application served by `otvet web` and `otvet serve`."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otvet.config.settings")
application = get_asgi_application()
