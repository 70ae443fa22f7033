"""Per-user language and time zone: a signed-in user's choice wins over the browser's."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.decorators import sync_and_async_middleware

LANGUAGES = {code for code, _ in settings.LANGUAGES}


def activate_preferences(request: HttpRequest, user: Any) -> None:
    """The user's saved language and time zone, for the rest of this request."""
    if user is None or not user.is_authenticated:
        return
    if user.language in LANGUAGES:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    if user.time_zone:
        try:
            timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()


@sync_and_async_middleware
def user_preferences_middleware(get_response: Callable) -> Callable:
    """Runs after authentication. Async-capable, so that under ASGI a request crosses to a thread only once."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponse:
            activate_preferences(request, await request.auser() if hasattr(request, "auser") else None)
            try:
                return await get_response(request)
            finally:
                timezone.deactivate()

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponse:
        activate_preferences(request, getattr(request, "user", None))
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
