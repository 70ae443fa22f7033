"""Ticket views shared by every face of Otvet: attachment download, scoped like the message it belongs to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from otvet.accounts.models import User
from otvet.tickets.models import Attachment
from otvet.tickets.selectors import attachment_get_for_user


@login_required
def attachment_download(request: HttpRequest, attachment_id: int, filename: str) -> FileResponse:
    """Serve a file to a user who may read its message; anything else is a 404."""
    assert isinstance(request.user, User)  # login_required
    attachment = attachment_get_for_user(request.user, attachment_id)
    if attachment is None or attachment.filename != filename:
        raise Http404
    return attachment_response(attachment)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file itself; images inline, everything else as a download, never sniffed or run by the browser."""
    inline = attachment.is_image and attachment.content_type != "image/svg+xml"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
