"""An optional second opinion: SpamAssassin's spamd, asked over the SPAMC protocol (what `spamc` speaks).

Configured with SPAMD_URL: `spamd://host:783` (or `tcp://...`, or `host:port`), or `unix:///run/spamd.sock`.
SpamAssassin is a helper, never a gate: when it is slow, down or answers nonsense the mail is processed without
its opinion (and the failure logged). Mails larger than `MAX_BYTES` are not sent, as `spamc` does by default.
Pure Python, no Django.
"""

from __future__ import annotations

import logging
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

DEFAULT_PORT = 783
TIMEOUT = 10.0  # seconds, for connecting and for each read; the mail is processed without spamd after that
MAX_BYTES = 512_000
MAX_RESPONSE = 1_000_000
STATUS = re.compile(rb"^SPAMD/\d+\.\d+ (\d+) (.*)$")
SPAM_HEADER = re.compile(rb"^Spam:\s*(\w+)\s*;\s*(-?[\d.]+)\s*/\s*(-?[\d.]+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class SpamdResult:
    """SpamAssassin's verdict on one mail."""

    is_spam: bool
    score: float
    threshold: float
    symbols: tuple[str, ...]  # the rules that matched, e.g. ("BAYES_99", "URIBL_BLACK")

    def figures(self) -> dict[str, str]:
        return {"score": f"{self.score:g}", "threshold": f"{self.threshold:g}"}

    def describe(self, limit: int = 8) -> str:
        """For the explanation shown to agents: score, threshold and the first rules."""
        rules = ", ".join(self.symbols[:limit]) + (", ..." if len(self.symbols) > limit else "")
        return f"SpamAssassin {self.score:g}/{self.threshold:g}" + (f": {rules}" if rules else "")


def check(raw: bytes, url: str, *, timeout: float = TIMEOUT) -> SpamdResult | None:
    """Ask spamd about a mail (SYMBOLS); None when it is not configured, too large, or spamd fails."""
    if not url or len(raw) > MAX_BYTES:
        return None
    try:
        return _parse(_exchange(_request(raw), url, timeout))
    except (OSError, ValueError) as error:
        logger.warning("spamd at %s gave no answer: %s", url, error)
        return None


def _request(raw: bytes) -> bytes:
    return b"SYMBOLS SPAMC/1.5\r\nContent-length: %d\r\n\r\n" % len(raw) + raw


def _exchange(request: bytes, url: str, timeout: float) -> bytes:
    """Send the request, half-close, read the whole answer."""
    with _connect(url, timeout) as connection:
        connection.settimeout(timeout)
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        chunks: list[bytes] = []
        size = 0
        while chunk := connection.recv(65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_RESPONSE:
                raise ValueError("answer too long")
    return b"".join(chunks)


def _connect(url: str, timeout: float) -> socket.socket:
    """A connection to the spamd the URL names."""
    if url.startswith("unix:"):
        path = urlsplit(url).path or url.removeprefix("unix:")
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(path)
        except OSError:
            connection.close()
            raise
        return connection
    parts = urlsplit(url if "://" in url else f"spamd://{url}")
    if not parts.hostname:
        raise ValueError(f"no host in {url!r}")
    return socket.create_connection((parts.hostname, parts.port or DEFAULT_PORT), timeout=timeout)


def _parse(answer: bytes) -> SpamdResult:
    """The SPAMD answer: status line, headers (Spam: True ; 7.5 / 5.0), the matched rules as the body."""
    head, _blank, body = answer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = STATUS.match(lines[0]) if lines else None
    if status is None:
        raise ValueError(f"not a SPAMD answer: {answer[:80]!r}")
    if status.group(1) != b"0":
        raise ValueError(f"spamd refused: {lines[0].decode('latin-1')}")
    for line in lines[1:]:
        spam = SPAM_HEADER.match(line)
        if spam is not None:
            symbols = tuple(s.strip() for s in body.decode("ascii", "replace").split(",") if s.strip())
            return SpamdResult(
                is_spam=spam.group(1).lower() in (b"true", b"yes"),
                score=float(spam.group(2)),
                threshold=float(spam.group(3)),
                symbols=symbols,
            )
    raise ValueError(f"no Spam header in {head[:200]!r}")
