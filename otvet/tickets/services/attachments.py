"""Uploading files: size limit, sniffed content type, SHA-256, stored under its digest."""

from __future__ import annotations

import hashlib
import mimetypes
import os

import filetype
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _

from otvet.accounts.models import User
from otvet.core import clock
from otvet.core.errors import InvalidInput, PermissionDenied, TooLarge
from otvet.tickets.access import Actor
from otvet.tickets.models import Attachment

SNIFF_BYTES = 8192
CHUNK = 64 * 1024


def attachment_upload(*, actor: Actor, file: File, filename: str | None = None) -> Attachment:
    """Store an uploaded file for the actor's next message; it belongs to no message until one links it."""
    if actor.user is None:
        raise PermissionDenied(_("Sign in to upload files."))
    name = os.path.basename((filename or file.name or "").replace("\\", "/")).strip()[:255]
    if not name:
        raise InvalidInput.field("file", _("The file has no name."))
    limit = settings.OTVET_ATTACHMENT_MAX_BYTES
    size = file.size if file.size is not None else 0
    if size > limit:
        raise TooLarge(
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, fields={"file": _("Too large.")}
        )
    if size == 0:
        raise InvalidInput.field("file", _("The file is empty."))

    digest = hashlib.sha256()
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    digest.update(head)
    for chunk in iter(lambda: file.read(CHUNK), b""):
        digest.update(chunk)
    file.seek(0)

    attachment = Attachment(
        filename=name,
        content_type=sniff_content_type(head, name),
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
        created_at=clock.now(),
    )
    attachment.file.save(attachment.sha256, file, save=False)
    attachment.save()
    return attachment


def attachment_store(*, content: bytes, filename: str, uploaded_by: User | None = None) -> Attachment:
    """Store a file that a channel received (a mail's attachment): no uploader, linked by the channel's service.

    Over-size files are refused like uploads; the caller records that they were left out. The type is sniffed
    from the bytes, as for uploads: a sender's declared type is not trusted.
    """
    attachment = attachment_build(content=content, filename=filename, uploaded_by=uploaded_by)
    attachment.save()
    return attachment


def attachment_build(*, content: bytes, filename: str, uploaded_by: User | None = None) -> Attachment:
    """attachment_store without the row: the file is in storage, the Attachment is not saved (a batch creates it
    with its message; an unused file costs nothing, files are stored under their digest)."""
    name = os.path.basename((filename or "").replace("\\", "/")).strip()[:255] or "attachment"
    limit = settings.OTVET_ATTACHMENT_MAX_BYTES
    if len(content) > limit:
        raise TooLarge(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    attachment = Attachment(
        filename=name,
        content_type=sniff_content_type(content[:SNIFF_BYTES], name),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=uploaded_by,
        created_at=clock.now(),
    )
    attachment.file.save(attachment.sha256, ContentFile(content), save=False)
    return attachment


def sniff_content_type(head: bytes, name: str) -> str:
    """The type the bytes say they are; the name's extension only for formats without a signature (text)."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    guessed, _encoding = mimetypes.guess_type(name)
    if (guessed and guessed.startswith("text/")) or guessed in ("application/json", "application/xml"):
        return guessed
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"
