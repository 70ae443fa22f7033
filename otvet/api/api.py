"""The REST API instance at /api/v1/; each app mounts its router here."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Otvet API", version="1", urls_namespace="api")
