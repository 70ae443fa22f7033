"""The Redis cache backend: the same behaviour as Django's, with one client per connection pool."""

from __future__ import annotations

import os
import threading

from otvet.core.cache import RedisCache

# The real Redis of the machine (CI starts one); a database of its own, emptied after.
URL = os.environ.get("TEST_REDIS_CACHE_URL", "redis://127.0.0.1:6379/11")


def test_it_reuses_one_client_and_works_across_threads() -> None:
    cache = RedisCache(URL, {"KEY_PREFIX": "otvet-test-cache"})
    try:
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
        cache.set("answer", {"n": 42}, 30)
        seen: list[object] = []
        threads = [threading.Thread(target=lambda: seen.append(cache.get("answer"))) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert seen == [{"n": 42}] * 8
        assert cache.add("answer-count", 0)
        assert cache.incr("answer-count") == 1
        cache.delete_many(["answer", "answer-count"])
        assert cache.get("answer") is None
    finally:
        cache.clear()
