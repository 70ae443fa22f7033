"""Writes of the accounts domain: API tokens (only a SHA-256 digest is ever stored)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db.models import Q
from django.utils.translation import gettext as _

from otvet.accounts.models import ApiToken, User
from otvet.core import clock
from otvet.core.errors import InvalidInput

TOKEN_PREFIX = "otv_"
# Characters kept in clear to recognise a token in lists ("otv_" and 8 more); far too few to guess the rest.
SHOWN_CHARS = 12
MAX_NAME_CHARS = 100
# last_used_at is bookkeeping, not an audit log: one write a minute per token keeps reads free of writes.
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_digest(plain: str) -> str:
    """The stored form of a token; tokens are random (256 bits), so a plain hash is enough."""
    return hashlib.sha256(plain.encode()).hexdigest()


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a bearer token for `user`; the plain token is returned once and never stored."""
    if not user.is_active:
        raise InvalidInput.field("user", _("The user is not active."))
    name = " ".join(name.split())
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput.field("name", f"The name is longer than {MAX_NAME_CHARS} characters.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=plain[:SHOWN_CHARS],
        digest=token_digest(plain),
        created_at=clock.now(),
    )
    return token, plain


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token for good; revoking twice keeps the first moment."""
    now = clock.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        token.revoked_at = now
        from otvet.accounts.selectors import auth_epoch_bump  # selectors import this module

        auth_epoch_bump()
    else:
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> bool:
    """Record that the token was used, at most once a minute (a conditional UPDATE, safe under concurrency);
    True when it was due."""
    now = clock.now()
    stale = now - TOUCH_EVERY
    if token.last_used_at is not None and token.last_used_at > stale:
        return False
    ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk).update(
        last_used_at=now
    )
    token.last_used_at = now
    return True
