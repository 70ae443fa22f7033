"""SpamAssassin as an optional second opinion, against a real spamd (Debian's `spamd` package): no protocol mocks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from otvet.connectors.choices import InboundState
from otvet.connectors.email import spamd
from otvet.connectors.tests.conftest import build_mail
from otvet.testing.mailservers import free_port

pytestmark = pytest.mark.django_db

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"  # SpamAssassin's own test string
SPAMD = shutil.which("spamd") or "/usr/sbin/spamd"
SPAMD_START_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def spamd_url() -> Iterator[str]:
    """A private SpamAssassin daemon (Debian's `spamd` package) on a free port, local tests only (no network)."""
    if not os.path.exists(SPAMD):
        pytest.fail("spamd is missing: apt-get install -y --no-install-recommends spamd (make system installs it)")
    home = Path(tempfile.mkdtemp(prefix="otvet-spamd-"))
    home.chmod(0o777)  # the children run as `nobody` when started by root
    port = free_port()
    command = [SPAMD, f"--listen=127.0.0.1:{port}", "--allowed-ips=127.0.0.1", "--local", "--nouser-config"]
    command += ["--max-children=1", "--min-children=1", f"--helper-home-dir={home}", "--syslog=stderr"]
    command += [f"--pidfile={home / 'spamd.pid'}", *(["--username=nobody"] if os.geteuid() == 0 else [])]
    log = (home / "spamd.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"spamd://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SPAMD_START_TIMEOUT
        while not _pong(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"spamd did not start:\n{(home / 'spamd.log').read_text(errors='replace')}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING SPAMC/1.5\r\n\r\n")
            return b"PONG" in connection.recv(100)
    except OSError:
        return False


def test_spamassassin_holds_a_mail_it_calls_spam_and_explains_it(receive, spamd_url) -> None:
    with override_settings(OTVET_SPAMD_URL=spamd_url):
        row = receive(build_mail(sender="x@spam.biz", body=f"Cheap offer\n{GTUBE}\n"))
        ham = receive(build_mail())

    assert row.state == InboundState.SPAM
    assert "SpamAssassin" in row.reason
    assert "GTUBE" in row.spam_explanation[0]["feature"]
    assert ham.state == InboundState.PROCESSED
    assert ham.spam_explanation[0]["feature"].startswith("SpamAssassin")


def test_the_spamd_client_reads_score_threshold_and_rules(spamd_url) -> None:
    result = spamd.check(build_mail(body=GTUBE), spamd_url)

    assert result is not None
    assert result.is_spam
    assert result.score > result.threshold
    assert "GTUBE" in result.symbols


def test_spamassassin_down_is_ignored_and_logged(receive, caplog) -> None:
    with override_settings(OTVET_SPAMD_URL=f"spamd://127.0.0.1:{free_port()}"):
        row = receive(build_mail(body=GTUBE))

    assert row.state == InboundState.PROCESSED
    assert "spamd" in caplog.text


def test_spamd_answers_that_are_not_spamd_are_ignored() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        url = f"spamd://127.0.0.1:{server.getsockname()[1]}"
        assert spamd._parse(b"SPAMD/1.1 0 EX_OK\r\nSpam: False ; 1.5 / 5.0\r\n\r\n").score == 1.5
        with pytest.raises(ValueError):
            spamd._parse(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        assert spamd.check(build_mail(), url, timeout=0.5) is None  # accepts, never answers: the timeout gives up
