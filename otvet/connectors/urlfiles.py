"""Files by URL, both ways, for channels that pass files as links (VK, Viber): fetching what customers send, and
signed, expiring links to the files of our replies."""

from __future__ import annotations

import httpx
from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.views.decorators.http import require_GET

from otvet.connectors.base import TransportError
from otvet.tickets.models import Attachment
from otvet.tickets.views import attachment_response

SALT = "otvet.connectors.filelink"


def url_fetch(url: str, *, timeout: float) -> bytes:
    """A file a customer sent, from the URL the platform gave for it; a 4xx means it is gone for good."""
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as error:
        raise TransportError(f"download: {type(error).__name__}: {error}", permanent=False) from error
    if response.status_code != httpx.codes.OK:
        code = response.status_code
        raise TransportError(f"download: HTTP {code}", permanent=400 <= code < 500 and code != 429)
    return response.content


def attachment_public_url(attachment: Attachment) -> str:
    """An absolute URL at SITE_URL that serves the file without a login for FILE_LINK_MAX_AGE seconds."""
    token = signing.TimestampSigner(salt=SALT).sign(str(attachment.pk))
    path = reverse("hooks-file", args=[token, attachment.filename])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


@require_GET
def attachment_public(request: HttpRequest, token: str, filename: str) -> FileResponse:
    """The file a valid, unexpired link names; anything else is a 404."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=settings.OTVET_FILE_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        raise Http404 from None
    attachment = Attachment.objects.filter(pk=int(pk)).first()
    if attachment is None or attachment.filename != filename:
        raise Http404
    return attachment_response(attachment)
