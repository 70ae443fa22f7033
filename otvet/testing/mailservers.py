"""Real mail servers for the email channel's tests: a private Dovecot for IMAP and aiosmtpd for outbound SMTP.

No protocol mocks: the transport talks to the same server software it meets in production. Each xdist worker
starts its own Dovecot on a free port in its own temporary directory (its own base_dir, state_dir, log and
maildirs), so workers share nothing; the system-wide /etc/dovecot and the packaged service are never used.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import grp
import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

DOVECOT = Path(os.environ.get("DOVECOT", "/usr/sbin/dovecot"))
DOVECOT_INSTALL = "apt-get install -y dovecot-imapd (make test installs it when run as root)"
IMAP_USER = "support@example.com"
IMAP_PASSWORD = "correct horse battery staple"
LOCALHOST = "127.0.0.1"
START_TIMEOUT = 15.0  # seconds for Dovecot to answer with its greeting on a loaded CI machine
STOP_TIMEOUT = 10.0
PORT_ATTEMPTS = 5  # a free port can be taken by another process between probing and binding
UID_IN_FETCH = re.compile(rb"UID (\d+)")
FLAGS_IN_FETCH = re.compile(rb"FLAGS \(([^)]*)\)")
APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCALHOST, 0))
        return int(probe.getsockname()[1])


# --- Dovecot -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Accounts:
    """Unix accounts Dovecot runs as: its service users, and the owner of the test user's maildir."""

    internal_user: str
    internal_group: str
    login_user: str
    mail_uid: int
    mail_gid: int

    @classmethod
    def for_current_process(cls) -> _Accounts:
        """As root, Debian's `dovecot`/`dovenull` accounts; otherwise everything runs as the current user."""
        if os.geteuid() == 0:
            # Dovecot refuses mail access as uid 0, so the virtual user's files belong to the `dovecot` account.
            dovecot = pwd.getpwnam("dovecot")
            return cls(
                internal_user="dovecot",
                internal_group=grp.getgrgid(dovecot.pw_gid).gr_name,
                login_user="dovenull",
                mail_uid=dovecot.pw_uid,
                mail_gid=dovecot.pw_gid,
            )
        me = pwd.getpwuid(os.getuid())
        return cls(
            internal_user=me.pw_name,
            internal_group=grp.getgrgid(os.getgid()).gr_name,
            login_user=me.pw_name,
            mail_uid=os.getuid(),
            mail_gid=os.getgid(),
        )


def dovecot_config(root: Path, port: int, accounts: _Accounts) -> str:
    """A self-contained dovecot.conf: plaintext IMAP on 127.0.0.1:port, one passwd-file user, maildirs in root."""
    # Without root nothing can chroot or switch users: every service runs as the current user.
    chroot = "" if os.geteuid() == 0 else "  chroot =\n"
    return f"""\
# Written by otvet/testing/mailservers.py for one test session; not the system configuration.
instance_name = otvet-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = {LOCALHOST}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {accounts.internal_user}
default_internal_group = {accounts.internal_group}
default_login_user = {accounts.login_user}
first_valid_uid = {min(accounts.mail_uid, 500)}
first_valid_gid = {min(accounts.mail_gid, 500)}
mail_uid = {accounts.mail_uid}
mail_gid = {accounts.mail_gid}
mail_location = maildir:{root}/mail/%u
# New mail shows up in IDLE within a second even where inotify is unavailable.
mailbox_idle_check_interval = 1 secs
# The wrong-password test must not slow down the logins of every later test: no failure delay, no penalty.
auth_failure_delay = 0
service anvil {{
{chroot}  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={accounts.mail_uid} gid={accounts.mail_gid} home={root}/mail/%u
}}
service imap-login {{
{chroot}  inet_listener imap {{
    address = {LOCALHOST}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class DovecotServer:
    """A running private Dovecot with one mailbox; helpers put mail in and read it back over IMAP."""

    host: str
    port: int
    user: str
    password: str
    root: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def log_path(self) -> Path:
        """Dovecot's own log for this instance."""
        return self.root / "dovecot.log"

    def log(self) -> str:
        """The log so far, for failure messages."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @contextlib.contextmanager
    def connect(self) -> Iterator[imaplib.IMAP4]:
        """A logged-in IMAP connection of the test's own, independent of the transport under test."""
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            client.login(self.user, self.password)
            yield client
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                client.logout()

    def append(self, raw: bytes, folder: str = "INBOX", flags: Sequence[str] = ()) -> str:
        """Store a message as a mail client or the MTA would; returns its UID. The folder is created if missing."""
        with self.connect() as client:
            if folder != "INBOX":
                client.create(_quote(folder))  # NO when it already exists: fine
            typ, data = client.append(_quote(folder), f"({' '.join(flags)})" if flags else None, None, raw)
            if typ != "OK":
                raise AssertionError(f"APPEND to {folder} failed: {data!r}")
            match = APPENDUID.search(data[0] or b"")
            if match is None:
                raise AssertionError(f"Dovecot sent no APPENDUID: {data!r}")
            return match.group(1).decode()

    def messages(self, folder: str = "INBOX") -> list[tuple[str, tuple[str, ...], bytes]]:
        """(uid, flags without the session-bound \\Recent, raw bytes) of every message in the folder, by UID."""
        with self.connect() as client:
            typ, data = client.select(_quote(folder), readonly=True)
            if typ != "OK":
                raise AssertionError(f"No folder {folder}: {data!r}")
            if int(data[0] or 0) == 0:
                return []
            typ, data = client.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
            if typ != "OK":
                raise AssertionError(f"FETCH in {folder} failed: {data!r}")
        found: list[tuple[str, tuple[str, ...], bytes]] = []
        for item in data:
            if not isinstance(item, tuple):
                continue  # the closing b")" of each response
            head, raw = item
            uid, flags = UID_IN_FETCH.search(head), FLAGS_IN_FETCH.search(head)
            assert uid is not None and flags is not None, head
            names = tuple(sorted(f for f in flags.group(1).decode().split() if f != "\\Recent"))
            found.append((uid.group(1).decode(), names, raw))
        return sorted(found, key=lambda message: int(message[0]))

    def folders(self) -> list[str]:
        """Names of every folder of the mailbox, INBOX first."""
        with self.connect() as client:
            typ, data = client.list()
        if typ != "OK":
            raise AssertionError(f"LIST failed: {data!r}")
        names = []
        for line in data:
            if isinstance(line, bytes):
                # (\HasNoChildren) "." INBOX  /  (\HasNoChildren) "." "Name with spaces"
                name = line.decode().split(") ", 1)[1].split(" ", 1)[1]
                names.append(name[1:-1] if name.startswith('"') else name)
        return sorted(names, key=lambda name: (name != "INBOX", name))

    def reset(self) -> None:
        """Empty INBOX and delete every other folder, so each test starts from an empty mailbox."""
        folders = self.folders()
        with self.connect() as client:
            # Children before parents: Dovecot refuses to delete a folder that still has subfolders.
            for name in sorted(folders, key=len, reverse=True):
                if name == "INBOX":
                    typ, data = client.select("INBOX")
                    if int(data[0] or 0):
                        client.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                        client.expunge()
                    client.close()
                else:
                    client.unsubscribe(_quote(name))
                    typ, data = client.delete(_quote(name))
                    if typ != "OK":
                        raise AssertionError(f"Could not delete {name}: {data!r}")

    def stop(self) -> None:
        """Shut Dovecot down (SIGTERM stops its children too) and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)


def _quote(folder: str) -> str:
    """A folder name as an IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _greeted(port: int) -> bool:
    """Whether an IMAP server on the port answers with its `* OK` greeting."""
    try:
        with socket.create_connection((LOCALHOST, port), timeout=1) as conn:
            conn.settimeout(2)
            return conn.recv(4).startswith(b"* OK")
    except OSError:
        return False


def start_dovecot(root: Path) -> DovecotServer:
    """Write the configuration and the passwd file into root, start Dovecot in the foreground, wait for it."""
    if not DOVECOT.exists():
        pytest.fail(f"Dovecot is missing at {DOVECOT}: {DOVECOT_INSTALL}", pytrace=False)
    accounts = _Accounts.for_current_process()
    # Dovecot's unprivileged processes must be able to reach the maildirs and the sockets under root.
    root.chmod(0o755)
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir(exist_ok=True)
    os.chown(root / "mail", accounts.mail_uid, accounts.mail_gid)
    users = root / "users"
    users.write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
    users.chmod(0o644)  # read by the auth process, which runs as the internal user
    conf = root / "dovecot.conf"
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        conf.write_text(dovecot_config(root, port, accounts))
        with (root / "dovecot.stderr").open("ab") as stderr:
            process = subprocess.Popen(
                [str(DOVECOT), "-F", "-c", str(conf)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=subprocess.STDOUT,
                cwd=root,
            )
        server = DovecotServer(LOCALHOST, port, IMAP_USER, IMAP_PASSWORD, root, process)
        deadline = time.monotonic() + START_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            if _greeted(port):
                return server
            time.sleep(0.05)
        server.stop()
        output = server.log() + (root / "dovecot.stderr").read_text(errors="replace")
        if "in use" not in output:
            pytest.fail(f"Dovecot did not start (exit {process.returncode}); its log:\n{output}", pytrace=False)
    pytest.fail(f"Dovecot found no free port in {PORT_ATTEMPTS} attempts", pytrace=False)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """One private Dovecot per xdist worker for the whole session (use `imap_server` for a clean mailbox)."""
    # As root, Dovecot's unprivileged users must reach this directory: /tmp, not a possibly private $TMPDIR
    # (which may also be too long for the Unix sockets Dovecot creates under it).
    root = Path(tempfile.mkdtemp(prefix="otvet-dovecot-", dir="/tmp" if os.geteuid() == 0 else None))
    server = None
    try:
        server = start_dovecot(root)
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_server(dovecot: DovecotServer) -> DovecotServer:
    """The worker's Dovecot with an empty INBOX and no other folders."""
    dovecot.reset()
    return dovecot


# --- SMTP capture --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapturedMail:
    """One accepted SMTP transaction: the envelope and the message bytes exactly as received."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        """The message parsed with the modern email policy."""
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Rejection:
    code: int
    text: str
    remaining: int
    stage: str  # "RCPT" or "DATA"


class SmtpCapture:
    """Records what an SMTP client delivers; can refuse the next messages with a chosen reply code."""

    def __init__(self) -> None:
        self.host = LOCALHOST
        self.port = 0
        self.messages: list[CapturedMail] = []
        self._rejections: list[_Rejection] = []
        self._changed = threading.Condition()
        self._controller: Controller | None = None

    def reject_next(self, code: int, count: int = 1, *, text: str = "", stage: str = "DATA") -> None:
        """Answer the next `count` messages with `code` (550 permanent, 451 temporary) at RCPT or DATA."""
        if stage not in ("RCPT", "DATA"):
            raise ValueError(f"stage must be RCPT or DATA, not {stage}")
        if not 400 <= code < 600:
            raise ValueError(f"a rejection needs a 4xx or 5xx code, not {code}")
        default = "Requested action aborted, try again later" if code < 500 else "Requested action not taken"
        with self._changed:
            self._rejections.append(_Rejection(code, text or default, count, stage))

    def wait_for(self, n: int, timeout: float = 5.0) -> list[CapturedMail]:
        """Block until at least n messages arrived; fails the test after timeout seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.messages) >= n, timeout):
                pytest.fail(f"expected {n} message(s) over SMTP within {timeout}s, got {len(self.messages)}")
            return list(self.messages)

    def reset(self) -> None:
        """Forget captured messages and pending rejections."""
        with self._changed:
            self.messages.clear()
            self._rejections.clear()

    def _refusal(self, stage: str) -> str | None:
        """The reply for a pending rejection at this stage, consuming one use of it."""
        with self._changed:
            for rejection in self._rejections:
                if rejection.stage == stage:
                    rejection.remaining -= 1
                    if rejection.remaining <= 0:
                        self._rejections.remove(rejection)
                    return f"{rejection.code} {rejection.text}"
        return None

    # aiosmtpd's handler hooks (it finds them by these names)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        """Accept the recipient unless a rejection at RCPT is pending."""
        refusal = self._refusal("RCPT")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Record the message unless a rejection at DATA is pending."""
        refusal = self._refusal("DATA")
        if refusal:
            return refusal
        captured = CapturedMail(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=envelope.original_content or b"",
        )
        with self._changed:
            self.messages.append(captured)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1 (retrying when another process takes it first)."""
        last_error: Exception | None = None
        for _ in range(PORT_ATTEMPTS):
            port = free_port()
            controller = Controller(self, hostname=LOCALHOST, port=port, ready_timeout=5.0)
            try:
                controller.start()
            except OSError as error:
                last_error = error
                controller.loop.close()
                continue
            self._controller, self.port = controller, port
            return
        pytest.fail(f"aiosmtpd found no free port in {PORT_ATTEMPTS} attempts: {last_error}")

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_capture() -> Iterator[SmtpCapture]:
    """A real SMTP server (aiosmtpd) on a free port that records every message it accepts."""
    capture = SmtpCapture()
    capture.start()
    try:
        yield capture
    finally:
        capture.stop()
