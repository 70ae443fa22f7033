"""Django's Redis cache, keeping one client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` object for every cache call (its constructor fills a
table of some 170 response callbacks), about 0.25 ms each; a ticket created through the API makes four cache
calls. A `redis.Redis` client is safe to share between threads (connections come from its pool), so one per
pool is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        base: Any = self  # Django's client keeps its pools and Redis class in attributes its stubs do not name
        index = base._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = base._get_connection_pool(write)
            client = self._clients.setdefault(index, base._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """settings.CACHES backend when REDIS_URL is set."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = PooledRedisCacheClient


T = TypeVar("T")


def cached_twice(key: str, local_seconds: float, load: Callable[[], T | None]) -> T | None:
    """`load()` (which reads the shared cache, else the database), kept `local_seconds` in this process too.

    For what every request reads (the auth epoch, a token, the default status): a Redis round trip is worth
    saving there, on the two cores where a web process shares the machine with Redis. The local copy is pickled
    like any locmem entry, so threads never share an object. Another process sees a change after at most
    `local_seconds`; this process at once when the change clears its copy (local_forget).
    """
    local = caches["local"]
    value = local.get(key)
    if value is None:
        value = load()
        if value is not None:
            local.set(key, value, local_seconds)
    return value


def local_forget(*keys: str) -> None:
    """Drop this process's copies (the shared entries are the caller's to delete)."""
    caches["local"].delete_many(list(keys))
