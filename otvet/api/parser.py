"""Operations that take files are multipart forms; the same operations accept a JSON object instead.

ninja reads a Form from request.POST. For a JSON request we hand it the parsed body instead, so one schema
serves both, and api.py documents the JSON alternative next to the multipart one. Multipart is never routed
through request.body: that would hold uploads in memory and hit DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import HttpError
from ninja.parser import Parser


class FormOrJsonParser(Parser):
    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        if data is request.POST and request.content_type == "application/json" and request.body:
            body = self.parse_body(request)
            if not isinstance(body, dict):
                raise HttpError(400, "The request body must be a JSON object.")
            return body
        return super().parse_querydict(data, list_fields, request)

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return json.loads(request.body)
        except ValueError as exc:
            raise HttpError(400, "The request body is not valid JSON.") from exc
