"""The agent workspace."""

from __future__ import annotations

urlpatterns: list = []
