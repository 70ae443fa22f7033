"""The IMAP transport of the email channel, free of Django: fetch unprocessed mail, mark it processed, wait for more.

The contract with the caller is "store first, then mark": `imap_fetch` only reads (BODY.PEEK, so nothing is
marked \\Seen), the caller stores the raw bytes and commits, and only then calls `imap_mark_processed`. A crash in
between means the same messages are fetched again, so storing must be idempotent per message, never lossy.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import socket
import ssl
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.consts import MailMessageFlags
from imap_tools.errors import (
    ImapToolsError,
    MailboxFolderCreateError,
    MailboxFolderSelectError,
    MailboxLoginError,
    MailboxStarttlsError,
    UnexpectedCommandStatusError,
)

logger = logging.getLogger(__name__)

SECURITY_SSL = "ssl"
SECURITY_STARTTLS = "starttls"
SECURITY_NONE = "none"
SECURITIES = (SECURITY_SSL, SECURITY_STARTTLS, SECURITY_NONE)
# Set on every message we have stored, so that messages a person has already read in a mail client are still
# picked up, and processed ones are skipped even when moving them failed. Servers without keywords get \Seen only.
PROCESSED_KEYWORD = "$OtvetProcessed"
FETCH_BATCH = 20  # messages per UID FETCH: one round trip for many small messages, bounded memory for big ones
IDLE_MAX = 29 * 60.0  # RFC 2177: re-issue IDLE at least every 29 minutes
POLL_INTERVAL = 5.0  # seconds between checks on servers without IDLE
# Login refusals the server itself marks as passing (RFC 5530); everything else on LOGIN is a wrong setting.
TEMPORARY_LOGIN_CODES = ("[UNAVAILABLE]", "[SERVERBUG]", "[INUSE]", "[LIMIT]")
UID_IN_FETCH = re.compile(rb"UID (\d+)")
EXISTS_RESPONSE = re.compile(rb"^\* \d+ EXISTS")


class ImapError(Exception):
    """An IMAP failure: permanent ones (bad credentials, missing folder) need a person, the rest are retried."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class ImapSettings:
    """Where and how to read one mailbox."""

    host: str
    port: int
    security: str  # "ssl" | "starttls" | "none"
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    processed_folder: str = ""  # move processed mail there when set; otherwise it stays, flagged
    timeout: float = 30.0

    def __post_init__(self) -> None:
        """Reject an unknown security mode early rather than connecting without TLS by mistake."""
        if self.security not in SECURITIES:
            raise ValueError(f"security must be one of {', '.join(SECURITIES)}, not {self.security!r}")


@dataclass(frozen=True)
class FetchedMail:
    """One message as the server stores it: its UID in the settings' folder and its exact RFC 5322 bytes."""

    uid: str
    raw: bytes


def imap_fetch(settings: ImapSettings, *, limit: int = 200) -> list[FetchedMail]:
    """Up to `limit` not yet processed messages of the folder, oldest first, without marking anything."""
    with _session(settings) as mailbox:
        keywords = _select(mailbox, settings.folder)
        uids = sorted(mailbox.uids(_unprocessed_criteria(settings, keywords), charset=None), key=int)[:limit]
        fetched: list[FetchedMail] = []
        for start in range(0, len(uids), FETCH_BATCH):
            fetched.extend(_fetch_raw(mailbox, uids[start : start + FETCH_BATCH]))
    logger.debug("imap %s: fetched %d message(s) from %s", settings.host, len(fetched), settings.folder)
    return fetched


def imap_mark_processed(settings: ImapSettings, uids: Sequence[str]) -> None:
    """Flag the messages processed (\\Seen and our keyword) and move them when a processed folder is set."""
    if not uids:
        return
    with _session(settings) as mailbox:
        if settings.processed_folder and not mailbox.folder.exists(settings.processed_folder):
            _create_folder(mailbox, settings.processed_folder)
        keywords = _select(mailbox, settings.folder)
        flags = [MailMessageFlags.SEEN, PROCESSED_KEYWORD] if keywords else [MailMessageFlags.SEEN]
        # Flag before moving: if the move fails, the next fetch still skips these messages. UIDs no longer in
        # the folder (already moved) are ignored by the server, which makes this idempotent.
        # (imap-tools' flag() would also EXPUNGE, deleting whatever else someone marked \Deleted: not ours to do.)
        _check(mailbox.client.uid("STORE", ",".join(uids), "+FLAGS.SILENT", f"({' '.join(flags)})"), "STORE")
        if settings.processed_folder:
            mailbox.move(list(uids), settings.processed_folder)
    logger.debug("imap %s: marked %d message(s) processed", settings.host, len(uids))


def imap_wait(settings: ImapSettings, timeout: float) -> bool:
    """Wait up to `timeout` seconds for new mail in the folder: IDLE where supported, polling otherwise.

    Returns True as soon as a message arrives and False when the time is up (at most 29 minutes, the longest an
    IDLE may last). Mail that arrived before the call is not reported, so callers fetch after every wait,
    whatever it returned.
    """
    deadline = time.monotonic() + min(max(timeout, 0.0), IDLE_MAX)
    with _session(settings) as mailbox:
        if _supports_idle(mailbox):
            _select(mailbox, settings.folder)
            return _idle_until(mailbox, deadline)
        return _poll_until(mailbox, settings.folder, deadline)


# --- connection ----------------------------------------------------------------------------------------------


@contextmanager
def _session(settings: ImapSettings) -> Iterator[BaseMailBox]:
    """A logged-in mailbox; every failure leaves as an ImapError that never contains the password."""
    try:
        mailbox = _connect(settings)
    except Exception as error:
        raise _translate(error, settings, "connect") from None
    try:
        try:
            _login(mailbox, settings)
        except Exception as error:
            raise _translate(error, settings, "login") from None
        try:
            yield mailbox
        except ImapError:
            raise
        except Exception as error:
            raise _translate(error, settings, "command") from None
    finally:
        _logout(mailbox)


def _connect(settings: ImapSettings) -> BaseMailBox:
    """Open the connection with the configured security; TLS certificates are always verified."""
    if settings.security == SECURITY_SSL:
        return MailBox(settings.host, settings.port, timeout=settings.timeout, ssl_context=ssl.create_default_context())
    if settings.security == SECURITY_STARTTLS:
        return MailBoxStartTls(
            settings.host, settings.port, timeout=settings.timeout, ssl_context=ssl.create_default_context()
        )
    return MailBoxUnencrypted(settings.host, settings.port, timeout=settings.timeout)


def _login(mailbox: BaseMailBox, settings: ImapSettings) -> None:
    """Log in (AUTHENTICATE PLAIN for non-ASCII credentials) and learn the capabilities of the logged-in state."""
    if (settings.username + settings.password).isascii():
        mailbox.login(settings.username, settings.password, initial_folder=None)
    else:
        mailbox.login_utf8(settings.username, settings.password, initial_folder=None)
    # imaplib keeps the capabilities announced before login; servers such as Dovecot announce MOVE, UIDPLUS and
    # IDLE only after it, and imap-tools decides between MOVE and COPY+EXPUNGE from that list.
    typ, data = mailbox.client.capability()
    if typ == "OK" and data and data[0]:
        mailbox.client.capabilities = tuple(data[0].decode().upper().split())


def _logout(mailbox: BaseMailBox) -> None:
    """Say goodbye when the connection still works; a broken one is just closed."""
    try:
        mailbox.client.logout()
    except Exception:  # the useful error, if there is one, is already on its way up
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            mailbox.client.shutdown()


def _translate(error: Exception, settings: ImapSettings, stage: str) -> ImapError:
    """An ImapError for the failure, permanent when retrying cannot help; scrubbed of the password."""
    where = f"IMAP {settings.host}:{settings.port} ({settings.username}, {stage})"
    if isinstance(error, MailboxLoginError) or (
        # AUTHENTICATE (used for non-ASCII credentials) reports a refusal as a plain imaplib error.
        stage == "login" and isinstance(error, imaplib.IMAP4.error) and not isinstance(error, imaplib.IMAP4.abort)
    ):
        reply = _reply_text(error) if isinstance(error, MailboxLoginError) else str(error)
        permanent = not any(code in reply for code in TEMPORARY_LOGIN_CODES)
        return _error(f"{where}: login refused: {reply}", settings, permanent=permanent)
    if isinstance(error, MailboxStarttlsError):
        return _error(f"{where}: the server refused STARTTLS: {_reply_text(error)}", settings, permanent=True)
    if isinstance(error, imaplib.IMAP4.error) and "TLS not supported" in str(error):
        # imaplib's own check that STARTTLS is announced; we never fall back to plaintext.
        return _error(f"{where}: the server does not offer STARTTLS", settings, permanent=True)
    if isinstance(error, ssl.SSLCertVerificationError):
        return _error(f"{where}: TLS certificate rejected: {error.verify_message}", settings, permanent=True)
    if isinstance(error, MailboxFolderSelectError | MailboxFolderCreateError):
        return _error(f"{where}: folder unusable: {_reply_text(error)}", settings, permanent=True)
    if isinstance(error, UnexpectedCommandStatusError):
        return _error(f"{where}: {_reply_text(error)}", settings, permanent=False)
    if isinstance(error, TimeoutError | socket.timeout):
        return _error(f"{where}: timed out after {settings.timeout:g}s", settings, permanent=False)
    if isinstance(error, OSError | imaplib.IMAP4.error | ImapToolsError):
        return _error(f"{where}: {type(error).__name__}: {error}", settings, permanent=False)
    # Anything else is a bug here or in imap-tools: keep it visible, but still as an ImapError without secrets.
    return _error(f"{where}: unexpected {type(error).__name__}: {error}", settings, permanent=False)


def _error(message: str, settings: ImapSettings, *, permanent: bool) -> ImapError:
    """The error with every occurrence of the password blanked out (servers have been known to echo it)."""
    if settings.password:
        message = message.replace(settings.password, "********")
    return ImapError(message, permanent=permanent)


def _reply_text(error: UnexpectedCommandStatusError) -> str:
    """The server's reply of a failed command as readable text."""
    typ, data = error.command_result[0], error.command_result[1]
    lines = data if isinstance(data, list | tuple) else [data]
    text = " ".join(
        line.decode(errors="replace") if isinstance(line, bytes) else str(line) for line in lines if line is not None
    )
    return f"{typ} {text}".strip()


def _check(result: tuple, command: str) -> None:
    """Raise for a command the server did not answer with OK."""
    if result[0] != "OK":
        raise UnexpectedCommandStatusError(command_result=result, expected="OK")


# --- folders and flags ---------------------------------------------------------------------------------------


def _select(mailbox: BaseMailBox, folder: str) -> bool:
    """Select the folder read-write; returns whether the server stores custom keywords in it."""
    mailbox.folder.set(folder)
    permanent = mailbox.client.untagged_responses.get("PERMANENTFLAGS", [])
    return any(b"\\*" in (line or b"") for line in permanent)


def _unprocessed_criteria(settings: ImapSettings, keywords: bool) -> str:
    """The SEARCH criteria for messages not yet processed."""
    if keywords:
        return str(AND(no_keyword=PROCESSED_KEYWORD))
    if settings.processed_folder:
        return "ALL"  # processed mail leaves the folder; whatever is still here is new
    return str(AND(seen=False))


def _create_folder(mailbox: BaseMailBox, folder: str) -> None:
    """Create the folder, tolerating another worker creating it at the same moment."""
    try:
        mailbox.folder.create(folder)
    except MailboxFolderCreateError:
        if not mailbox.folder.exists(folder):
            raise


def _fetch_raw(mailbox: BaseMailBox, uids: Sequence[str]) -> list[FetchedMail]:
    """The exact bytes of the messages with these UIDs, read with BODY.PEEK so that none becomes \\Seen.

    imap-tools' MailMessage keeps only the parsed `email.message.Message`, whose `as_bytes()` re-serialises
    headers and bodies; the ingest must store what the server holds, so the literal is read here directly.
    Unsolicited FETCH responses (flag changes made by other sessions) carry no literal and are skipped.
    """
    result = mailbox.client.uid("FETCH", ",".join(uids), "(UID BODY.PEEK[])")
    _check(result, "FETCH")
    fetched = []
    for item in result[1]:
        if not isinstance(item, tuple):
            continue
        head, raw = item
        match = UID_IN_FETCH.search(head)
        if match and match.group(1).decode() in uids:
            fetched.append(FetchedMail(uid=match.group(1).decode(), raw=raw))
    return sorted(fetched, key=lambda mail: int(mail.uid))


# --- waiting -------------------------------------------------------------------------------------------------


def _supports_idle(mailbox: BaseMailBox) -> bool:
    """Whether the server announced IDLE after login."""
    return "IDLE" in mailbox.client.capabilities


def _idle_until(mailbox: BaseMailBox, deadline: float) -> bool:
    """IDLE until an EXISTS response (new mail) or the deadline; flag changes and expunges keep it waiting."""
    arrived = False
    mailbox.idle.start()
    try:
        while not arrived:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            lines = mailbox.idle.poll(timeout=remaining)
            if not lines and time.monotonic() < deadline:
                break  # readable but nothing to read: the server closed the connection
            arrived = any(EXISTS_RESPONSE.match(line) for line in lines)
    finally:
        try:
            _, tail = mailbox.idle.stop()
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError):
            tail = []  # connection gone: report what we saw; the next fetch reconnects or raises
    return arrived or any(EXISTS_RESPONSE.match(line) for line in tail if isinstance(line, bytes))


def _poll_until(mailbox: BaseMailBox, folder: str, deadline: float) -> bool:
    """Poll the folder's UIDNEXT until it grows (new mail) or the deadline passes."""
    start = mailbox.folder.status(folder, ["UIDNEXT"])["UIDNEXT"]
    while (remaining := deadline - time.monotonic()) > 0:
        time.sleep(min(POLL_INTERVAL, remaining))
        if mailbox.folder.status(folder, ["UIDNEXT"])["UIDNEXT"] > start:
            return True
    return False
