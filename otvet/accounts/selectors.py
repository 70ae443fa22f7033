"""Reads of the accounts domain: who a bearer token belongs to."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from otvet.accounts.models import ApiToken, User
from otvet.accounts.services import TOKEN_PREFIX, api_token_touch, token_digest
from otvet.core.cache import cached_twice, local_forget

MAX_TOKEN_CHARS = 200
# A token with its user, agent profile and contact is cached briefly: every API request asks. Any change to
# users, agents, contacts, companies, plans, partners or tokens moves the epoch, which is part of every key, so
# a revoked token or a deactivated user is refused at once by this process, and within EPOCH_LOCAL_SECONDS by
# every other process sharing the cache.
TOKEN_CACHE_KEY = "otvet:api-token:{epoch}:{digest}"
TOKEN_CACHE_TTL = 60
EPOCH_KEY = "otvet:auth-epoch"


# Other processes learn of a new epoch within this many seconds (this process at once): the delay with which a
# revoked token or a deactivated user stops working there.
EPOCH_LOCAL_SECONDS = 2


def auth_epoch() -> str:
    return str(cached_twice(EPOCH_KEY, EPOCH_LOCAL_SECONDS, _shared_epoch))


def _shared_epoch() -> str:
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        epoch = secrets.token_hex(4)
        cache.add(EPOCH_KEY, epoch, None)
        epoch = cache.get(EPOCH_KEY) or epoch
    return str(epoch)


def auth_epoch_bump(*args: Any, **kwargs: Any) -> None:
    """Forget every cached token (connected to saves of the models a request's Actor is made of)."""
    cache.set(EPOCH_KEY, secrets.token_hex(4), None)
    local_forget(EPOCH_KEY)


def api_token_authenticate(plain: str) -> User | None:
    """The active user behind a live token, or None; marks the token used (see api_token_touch)."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_CHARS:
        return None
    digest = token_digest(plain)
    key = TOKEN_CACHE_KEY.format(epoch=auth_epoch(), digest=digest)
    token = cached_twice(key, TOKEN_CACHE_TTL, lambda: cache.get(key))
    if token is None:
        token = (
            # The agent profile and the contact come along, so the request's Actor costs no further query.
            ApiToken.objects.select_related("user__agent__partner", "user__contact__company__plan")
            .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        cache.set(key, token, TOKEN_CACHE_TTL)
    if api_token_touch(token=token):
        cache.set(key, token, TOKEN_CACHE_TTL)  # with its new last-used moment: the next touch is a minute away
        local_forget(key)
    return token.user


def api_tokens_list(user: User | None = None) -> QuerySet[ApiToken]:
    """Tokens, newest first; of one user when given."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    return tokens if user is None else tokens.filter(user=user)
