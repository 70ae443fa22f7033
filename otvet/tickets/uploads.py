"""Attachments sent with a web form: new files plus those kept from an earlier failed submit.

A form that fails validation must not lose the files the user already chose: they are stored as unlinked
attachments at once and their ids travel back in hidden inputs, so the next submit links them.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from otvet.core.errors import ServiceError
from otvet.tickets.access import Actor
from otvet.tickets.models import Attachment
from otvet.tickets.services import attachment_upload

MAX_FILES = 10
FIELD, KEPT = "attachments", "kept_attachments"


def uploads_from_request(request: HttpRequest, actor: Actor) -> tuple[list[Attachment], str]:
    """The attachments of this submit (stored now, linked by the service) and an error message, if any."""
    kept_ids = [int(v) for v in request.POST.getlist(KEPT) if v.isdigit()]
    attachments = list(
        Attachment.objects.filter(pk__in=kept_ids, uploaded_by=actor.user, message__isnull=True).order_by("pk")
    )
    files = request.FILES.getlist(FIELD)
    if len(files) + len(attachments) > MAX_FILES:
        return attachments, _("At most %(n)s files per message.") % {"n": MAX_FILES}
    for file in files:
        try:
            attachments.append(attachment_upload(actor=actor, file=file))
        except ServiceError as error:
            return attachments, f"{file.name}: {error.message}"
    return attachments, ""
