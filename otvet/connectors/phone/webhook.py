"""POST /hooks/phone/: a PBX reports a call; stored raw first, then processed by a job."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from otvet.connectors.models import CallRecord
from otvet.connectors.phone.parse import ParsedCall, PayloadError, call_parse
from otvet.core import clock

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a call report is a few hundred bytes


def _token(request: HttpRequest) -> str:
    """The token the PBX sent: `Authorization: Bearer …` or `X-Otvet-Token: …`."""
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("X-Otvet-Token", "").strip()


@csrf_exempt
@require_POST
def phone_webhook(request: HttpRequest) -> HttpResponse:
    """Authenticate, parse, store once per call_id; 200 for a new or a repeated call, 400 naming a bad field."""
    expected = settings.PHONE_WEBHOOK_TOKEN
    if not expected:
        raise Http404  # not configured: the hook does not exist
    if not hmac.compare_digest(_token(request).encode(), expected.encode()):
        return JsonResponse({"error": {"code": "forbidden", "message": "Wrong token."}}, status=403)
    if len(request.body) > MAX_BODY:
        return _bad("body", "The body is too large.")
    try:
        call = call_parse(request.body)
    except PayloadError as error:
        return _bad(error.field, error.message)
    record, created = call_record_store(call)
    return JsonResponse({"id": record.pk, "created": created, "state": record.state})


def call_record_store(call: ParsedCall) -> tuple[CallRecord, bool]:
    """Store a reported call once per call_id and schedule its processing after the commit; (row, created)."""
    record = CallRecord(
        call_id=call.call_id,
        payload=call.payload,
        caller=call.caller,
        callee=call.callee,
        customer_number=call.customer_number,
        direction=call.direction,
        status=call.status,
        started_at=call.started_at,
        duration=call.duration,
        recording_url=call.recording_url,
        received_at=clock.now(),
    )
    try:
        with transaction.atomic():
            record.save(force_insert=True)
            from otvet.connectors.phone.tasks import process_call_record  # tasks import the processing

            transaction.on_commit(lambda: process_call_record(record.pk))
    except IntegrityError:  # the PBX repeated a call it had reported: the first copy stands
        return CallRecord.objects.get(call_id=call.call_id), False
    return record, True


def _bad(field: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": "invalid_input", "message": message, "fields": {field: message}}}, status=400
    )
