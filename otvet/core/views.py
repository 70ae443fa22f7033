"""Views every face of Otvet shares."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the language: remembered in a cookie, and on the user for every later visit and device."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return set_language(request)
