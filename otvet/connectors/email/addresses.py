"""Addresses that belong to machines, not people: never answered automatically."""

from __future__ import annotations

import re

AUTOMATIC_LOCAL_PART = re.compile(
    r"^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|auto[-_.]?reply|notifications?)"
    r"([-+_.].*)?$",
    re.IGNORECASE,
)


def is_automatic_address(address: str) -> bool:
    """mailer-daemon@, postmaster@, noreply@, no-reply@, do-not-reply@, bounce@... (with any +tag or suffix)."""
    local = (address or "").rpartition("@")[0] or address or ""
    return bool(AUTOMATIC_LOCAL_PART.match(local.strip()))
