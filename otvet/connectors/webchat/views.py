"""The widget's HTTP side: the embed script, the chat frame, and the visitor's JSON endpoints (token in a header).

The frame is our own page inside an iframe on the customer's site: the site's styles and scripts cannot reach it,
and the browser itself enforces the allowed origins (Content-Security-Policy frame-ancestors). The JSON endpoints
are called by that frame, so they are same-origin; they are CSRF-exempt because they authorise by the visitor's
token in a header, never by a cookie (third-party frames often get no cookies at all).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from otvet.connectors.models import ChatVisitor, ChatWidget
from otvet.connectors.webchat.process import upload_stage, visitor_message_store, widget_for_key
from otvet.connectors.webchat.visitors import (
    file_token_check,
    origin_allowed,
    visitor_for_token,
    visitor_start,
    widget_hours,
)
from otvet.core.errors import InvalidInput, ServiceError
from otvet.tickets.models import Attachment
from otvet.tickets.views import attachment_response

STATIC = Path(__file__).parent.parent / "static" / "webchat"
TOKEN_HEADER = "X-Otvet-Visitor"


@cache
def _embed_source() -> str:
    return (STATIC / "embed.js").read_text(encoding="utf-8")


def chat_language(request: HttpRequest) -> str:
    """The embedding page's lang (passed by the snippet), else the visitor's browser, else the site's default."""
    codes = [code for code, _name in settings.LANGUAGES]
    asked = (request.GET.get("lang") or "").lower()[:2]
    return asked if asked in codes else translation.get_language_from_request(request)[:2]


def _widget(request: HttpRequest, key: str) -> ChatWidget:
    """An active widget called from an allowed origin (our own frame, or a listed site); else a 404."""
    widget = widget_for_key(key)
    origin = request.headers.get("Origin", "")
    if widget is None or (origin and not origin_allowed(widget, origin, request.get_host())):
        raise Http404
    return widget


def _error(error: ServiceError) -> JsonResponse:
    return JsonResponse({"error": error.message, "fields": error.fields}, status=error.status)


@require_GET
def embed_script(request: HttpRequest) -> HttpResponse:
    """The one script the snippet loads: it draws the launcher and opens our frame (static/webchat/embed.js)."""
    response = HttpResponse(_embed_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
@xframe_options_exempt
def chat_frame(request: HttpRequest, key: str) -> HttpResponse:
    """The chat itself, shown in the snippet's iframe: live chat in working hours, "leave a message" outside."""
    widget = widget_for_key(key)
    if widget is None:
        raise Http404
    language = chat_language(request)
    with translation.override(language):
        is_open, hours = widget_hours(widget, language)
        config = {
            "key": widget.key,
            "open": is_open,
            "prechat": widget.prechat_form,
            "requireName": widget.prechat_form and widget.require_name,
            "requireEmail": widget.prechat_form and widget.require_email,
            "maxBytes": settings.OTVET_ATTACHMENT_MAX_BYTES,
            "strings": _strings(),
        }
        context = {"widget": widget, "config": config, "hours": hours, "language": language}
        response = render(request, "webchat/frame.html", context)
    ancestors = " ".join(["'self'", *widget.allowed_origins])
    response["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _strings() -> dict[str, str]:
    """What chat.js says, in the frame's language."""
    gettext = translation.gettext
    return {
        "you": gettext("You"),
        "agent": gettext("Support"),
        "offline": gettext("Connection lost, reconnecting…"),
        "failed": gettext("Could not send. Try again."),
        "tooLarge": gettext("The file is too large."),
        "forgotten": gettext("This chat has expired. Please start again."),
    }


def _payload(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise InvalidInput(_invalid()) from None
        return data if isinstance(data, dict) else {}
    return request.POST.dict()


def _invalid() -> str:
    return str(translation.gettext("The request is not valid JSON."))


@csrf_exempt
@require_POST
def visitor_new(request: HttpRequest, key: str) -> JsonResponse:
    """Start a visitor (after the pre-chat form, if the widget has one): their token, to keep in localStorage."""
    widget = _widget(request, key)
    try:
        data = _payload(request)
        _email_check(str(data.get("email") or ""))
        _visitor, token = visitor_start(
            widget=widget,
            name=str(data.get("name") or ""),
            email=str(data.get("email") or ""),
            language=chat_language(request),
        )
    except ServiceError as error:
        return _error(error)
    return JsonResponse({"token": token}, status=201)


def _email_check(email: str) -> None:
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput.field("email", translation.gettext("Enter a valid email address.")) from None


def _visitor(request: HttpRequest, widget: ChatWidget) -> ChatVisitor | None:
    return visitor_for_token(widget, request.headers.get(TOKEN_HEADER, ""))


@csrf_exempt
@require_POST
def visitor_upload(request: HttpRequest, key: str) -> JsonResponse:
    """A file for the visitor's next message: a signed reference back, which the message over the socket carries."""
    widget = _widget(request, key)
    visitor = _visitor(request, widget)
    if visitor is None:
        return JsonResponse({"error": translation.gettext("Unknown visitor.")}, status=403)
    upload = request.FILES.get("file")
    if upload is None:
        return _error(InvalidInput.field("file", translation.gettext("Choose a file.")))
    if upload.size is not None and upload.size > settings.OTVET_ATTACHMENT_MAX_BYTES:
        limit = settings.OTVET_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        message = translation.gettext("The file is larger than %(mb)s MB.") % {"mb": limit}
        return JsonResponse({"error": message, "fields": {"file": message}}, status=413)
    try:
        return JsonResponse(upload_stage(visitor=visitor, content=upload.read(), filename=upload.name or ""))
    except ServiceError as error:
        return _error(error)


@csrf_exempt
@require_POST
def leave_message(request: HttpRequest, key: str) -> JsonResponse:
    """Outside working hours: name, email and a message open a ticket at once (the visitor may come back later)."""
    widget = _widget(request, key)
    try:
        data = _payload(request)
        name, email = str(data.get("name") or "").strip(), str(data.get("email") or "").strip()
        if not email:
            raise InvalidInput.field("email", translation.gettext("Please tell us your email: we will answer there."))
        _email_check(email)
        visitor, token = _visitor(request, widget), ""
        if visitor is None:
            visitor, token = visitor_start(widget=widget, name=name, email=email, language=chat_language(request))
        elif email and (visitor.email != email.lower() or (name and visitor.name != name)):
            visitor.email, visitor.name = email.lower(), name or visitor.name
            visitor.save(update_fields=["email", "name"])
        visitor_message_store(
            visitor=visitor, client_id=str(data.get("id") or ""), text=str(data.get("text") or ""), kind="offline"
        )
    except ServiceError as error:
        return _error(error)
    return JsonResponse({"ok": True, "token": token}, status=201)


@require_GET
def visitor_file(request: HttpRequest, key: str, token: str) -> FileResponse:
    """A file of the visitor's conversation, by the signed link their history carries."""
    attachment_id = file_token_check(token)
    attachment = Attachment.objects.filter(pk=attachment_id).first() if attachment_id else None
    if attachment is None or widget_for_key(key) is None:
        raise Http404
    return attachment_response(attachment)


@require_GET
@xframe_options_exempt
def widget_preview(request: HttpRequest, key: str) -> HttpResponse:
    """A plain page with the snippet on it, to try the widget (linked from the admin)."""
    widget = widget_for_key(key)
    if widget is None:
        raise Http404
    return render(request, "webchat/preview.html", {"widget": widget, "snippet": snippet_for(widget, request)})


def snippet_for(widget: ChatWidget, request: HttpRequest | None = None) -> str:
    """The one tag to paste before </body> on the site."""
    base = request.build_absolute_uri("/").rstrip("/") if request is not None else settings.SITE_URL.rstrip("/")
    return f'<script src="{base}/chat/embed.js" data-otvet-chat="{widget.key}" async></script>'
