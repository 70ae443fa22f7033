"""Timing: requests in-process (server time), over HTTP against `otvet web`, and concurrent ticket creation."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

HOST = "127.0.0.1"
STARTUP_SECONDS = 60


@dataclass
class Row:
    """One line of the result table."""

    name: str
    samples: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    per_second: float | None = None  # completed requests per second of wall time
    queries: int | None = None  # SQL queries of one request
    target: str = ""
    met: bool | None = None

    @property
    def median_ms(self) -> float:
        return percentile(self.samples, 50) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples, 95) * 1000


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(share / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """`otvet web` in a subprocess on a free port, with this process's environment (the same database)."""

    def __init__(self, workers: int) -> None:
        self.workers, self.port = workers, free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = Path(tempfile.gettempdir()) / f"otvet-bench-web-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        command = [sys.executable, "-m", "otvet.cli", "web", "--host", HOST, "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"otvet web exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                httpx.get(f"{self.base_url}/api/v1/openapi.json", timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.2)
        self.__exit__(RuntimeError, None, None)  # stop it, keep its log
        raise RuntimeError(f"otvet web did not answer within {STARTUP_SECONDS} s:\n{self.log_tail()}")

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            # The server's own process group (start_new_session): uvicorn and the workers it spawned, nothing else.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if kind is None:  # keep the log only when something went wrong
            self.log_path.unlink(missing_ok=True)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def in_process(name: str, token: str, paths: Sequence[str], iterations: int, budget: float) -> Row:
    """Server time: each request through Django's full stack in this process (no network), `iterations` times.

    A measurement stops early once it has taken `budget` seconds (a slow query must not hold the bench for hours).
    """
    client = Client(SERVER_NAME=HOST, headers={"authorization": f"Bearer {token}"})
    row = Row(name)
    for path in paths[:3]:  # warm up caches and connections
        client.get(path)
    with CaptureQueriesContext(connection) as queries:
        client.get(paths[0])
    row.queries = len(queries.captured_queries)
    deadline = time.monotonic() + budget
    for number in range(iterations):
        path = paths[number % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        row.samples.append(time.perf_counter() - started)
        row.errors += response.status_code != 200
        if time.monotonic() > deadline:
            break
    return row


def over_http(name: str, base_url: str, token: str, paths: Sequence[str], iterations: int, budget: float) -> Row:
    """The round trip from an HTTP client on the same machine, one request at a time (and `budget` seconds)."""
    row, deadline = Row(name), time.monotonic() + budget
    with httpx.Client(base_url=base_url, headers={"authorization": f"Bearer {token}"}, timeout=30) as client:
        for path in paths[:3]:
            client.get(path)
        for number in range(iterations):
            started = time.perf_counter()
            response = client.get(paths[number % len(paths)])
            row.samples.append(time.perf_counter() - started)
            row.errors += response.status_code != 200
            if time.monotonic() > deadline:
                break
    return row


def create_concurrently(name: str, base_url: str, token: str, payloads: Sequence[dict], clients: int) -> Row:
    """POST /api/v1/tickets from `clients` threads until `payloads` are used up; the rate is tickets per second."""
    row, lock, counter = Row(name), threading.Lock(), itertools.count()

    def take() -> int:
        with lock:
            return next(counter)

    def worker() -> None:
        with httpx.Client(base_url=base_url, headers={"authorization": f"Bearer {token}"}, timeout=60) as client:
            while (index := take()) < len(payloads):
                started = time.perf_counter()
                try:
                    ok = client.post("/api/v1/tickets", json=payloads[index]).status_code == 201
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    row.samples.append(elapsed)
                    row.errors += not ok

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(worker) for _ in range(clients)]:
            future.result()
    row.per_second = (len(row.samples) - row.errors) / (time.perf_counter() - started)
    return row
