"""Who has a ticket open, and who is typing a reply [просмотр / ответ на обращение].

Each open socket is one entry, kept in the cache under the ticket (Redis when several processes serve, local memory
in the single-process default). Entries carry the moment they were last confirmed: a socket's heartbeat renews its
own, and entries older than PRESENCE_TTL are dropped whenever anyone reads, so a process that died without saying
goodbye disappears within that time. Updates are read-modify-write: two sockets writing at the same instant can
lose one entry, which that socket's next heartbeat restores.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import cache

VIEWING, REPLYING = "viewing", "replying"
PRESENCE_TTL = 35  # seconds without a heartbeat after which a socket counts as gone
HEARTBEAT_SECONDS = 10  # how often pages confirm they are still open (static/live/ticket.js)
_KEY = "otvet:live:presence:{}"


@dataclass(frozen=True)
class Viewer:
    """One open socket on a ticket: the agent behind it and what they are doing."""

    sid: str
    agent_id: int
    name: str
    state: str = VIEWING
    seen: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if key != "seen"}


def presence_list(number: int) -> list[Viewer]:
    """Everyone with the ticket open now, by name."""
    return _sorted(_alive(_read(number)))


def presence_join(number: int, viewer: Viewer) -> list[Viewer]:
    """Add (or renew) a socket's entry; everyone present afterwards."""
    return _write(number, lambda entries: {**entries, viewer.sid: _renewed(viewer)})


def presence_update(number: int, sid: str, *, state: str | None = None) -> tuple[list[Viewer], bool]:
    """Renew a socket's entry (a heartbeat), optionally with a new state; who is present, and whether that changed."""
    entries = _read(number)
    before = _summary(entries)  # as last published, stale entries included: their expiry is a change
    current = entries.get(sid)
    if current is None:
        return _sorted(_alive(entries)), False  # never joined, or already gone: the socket must join again
    entries[sid] = _renewed(Viewer(**{**asdict(current), "state": state or current.state}))
    viewers = _save(number, entries)
    return viewers, _summary(viewers) != before


def presence_leave(number: int, sid: str) -> list[Viewer]:
    """Drop a socket's entry; everyone still present."""
    return _write(number, lambda entries: {key: value for key, value in entries.items() if key != sid})


def _read(number: int) -> dict[str, Viewer]:
    raw = cache.get(_KEY.format(number)) or {}
    return {sid: Viewer(**entry) for sid, entry in raw.items()}


def _write(number: int, change: Any) -> list[Viewer]:
    return _save(number, change(_read(number)))


def _save(number: int, entries: dict[str, Viewer]) -> list[Viewer]:
    alive = _alive(entries)
    key = _KEY.format(number)
    if alive:
        cache.set(key, {sid: asdict(viewer) for sid, viewer in alive.items()}, PRESENCE_TTL * 2)
    else:
        cache.delete(key)
    return _sorted(alive)


def _alive(entries: dict[str, Viewer]) -> dict[str, Viewer]:
    cutoff = time.time() - PRESENCE_TTL
    return {sid: viewer for sid, viewer in entries.items() if viewer.seen >= cutoff}


def _renewed(viewer: Viewer) -> Viewer:
    return Viewer(**{**asdict(viewer), "seen": time.time()})


def _sorted(entries: dict[str, Viewer]) -> list[Viewer]:
    return sorted(entries.values(), key=lambda viewer: (viewer.name.lower(), viewer.sid))


def _summary(viewers: dict[str, Viewer] | list[Viewer]) -> set[tuple[str, str]]:
    items = viewers.values() if isinstance(viewers, dict) else viewers
    return {(viewer.sid, viewer.state) for viewer in items}
