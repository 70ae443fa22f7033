"""`make bench` end to end on a tiny size: it generates, starts `otvet web`, and prints every row of its table.

No timing is asserted (a benchmark, not a timed test). The bench runs in subprocesses, as `make bench` does, on a
throwaway database of the suite's kind: the test database of pytest-django lives inside the test's transaction
(or in memory on SQLite), where a separate web server could not see it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = (
    "create ticket · HTTP · 8 clients",
    "queue first page (line=first, open) · server",
    "queue first page (line=first, open) · HTTP",
    "search «не приходит письмо» · server",
    "search «не приходит письмо» · HTTP",
    "(an order number) · server",
    "(an order number) · HTTP",
    "ticket detail · server",
    "ticket detail · HTTP",
    "email intake · 1 worker · 30 mails",
    "timer sweep · 20 due of",
)


@pytest.fixture
def bench_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a bench run on its own database, migrated and dropped afterwards."""
    env = {**os.environ, "OTVET_VAR_DIR": str(tmp_path)}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        name = f"otvet_bench_smoke_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlsplit(url)._replace(path=f"/{name}").geturl()
        try:
            yield _migrated(env)
        finally:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bench.sqlite3'}"  # an absolute path: four slashes
        yield _migrated(env)


def _migrated(env: dict[str, str]) -> dict[str, str]:
    subprocess.run([sys.executable, "-m", "otvet.cli", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    return env


def test_the_benchmark_prints_every_row_of_its_table(bench_env) -> None:
    arguments = ["--tickets", "300", "--batch", "100", "--iterations", "5", "--creations", "16", "--workers", "1"]
    arguments += ["--mails", "30", "--due", "20"]
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench", *arguments],
        env=bench_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "300 tickets" in result.stdout
    table = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    for row in ROWS:
        assert any(row in line for line in table), f"no row {row!r} in:\n{result.stdout}"
    sweeps = [line.split("|") for line in table if "timer sweep" in line]
    assert len(sweeps) == 2 and all(cells[7].strip() == "0" for cells in sweeps), sweeps  # every due timer fired
