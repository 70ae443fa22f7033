"""`otvet serve`, the all-in-one process of `make run`: it serves HTTP and runs the job worker in one process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

OTVET = [sys.executable, "-m", "otvet.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    """A fresh embedded default: SQLite and the job queue under a temporary var/, development mode."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update(DEBUG="true", OTVET_VAR_DIR=str(tmp_path), HUEY_IMMEDIATE="false", STATIC_MANIFEST="false")
    subprocess.run([*OTVET, "migrate", "-v0"], env=env, check=True)
    return env


def test_serve_answers_http_and_its_worker_processes_committed_events(embedded_env):
    port = free_port()
    server = subprocess.Popen(
        [*OTVET, "serve", "--port", str(port)], env=embedded_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json") == 200
        assert wait_for(f"http://127.0.0.1:{port}/") == 200
        # A ticket opened by another process: its event is queued in var/ and processed by serve's worker.
        opened = subprocess.run(
            [*OTVET, "shell", "-c", OPEN_TICKET], env=embedded_env, check=True, capture_output=True, text=True
        )
        number = int(opened.stdout.strip().splitlines()[-1])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            check = subprocess.run(
                [*OTVET, "shell", "-c", PROCESSED.format(number=number)],
                env=embedded_env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            if check.stdout.strip().endswith("True"):
                break
            time.sleep(0.5)
        else:
            pytest.fail("the event was not processed by the in-process worker")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode in (0, -15), output


OPEN_TICKET = """
from otvet.customers.models import Contact
from otvet.tickets.access import Actor
from otvet.tickets.services import ticket_open
contact = Contact.objects.create(name="Serve test", email="serve@example.org")
ticket = ticket_open(actor=Actor(contact=contact), requester=contact, subject="Проверка", body="Текст", channel="api")
print(ticket.number)
"""
PROCESSED = """
from otvet.tickets.models import TicketEvent
print(TicketEvent.objects.filter(ticket_id={number}, processed_at__isnull=False).exists())
"""
