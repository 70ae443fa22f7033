"""Reading the environment: the only module, with settings.py, that looks at os.environ."""

from __future__ import annotations

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def var_dir() -> Path:
    """Where the embedded default keeps its database, job queue, uploads and generated key."""
    path = Path(env.str("OTVET_VAR_DIR", default=str(BASE_DIR / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def generated_secret_key(directory: Path) -> str:
    """A key generated once into var/ for development; production must set SECRET_KEY."""
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def sqlite_database(path: Path) -> dict:
    """The embedded default, tuned so that a web process and a worker do not lock each other out."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
        # Tests use a file too, in WAL mode like production: threads then see real SQLite locking, not the
        # table locks of a shared in-memory database.
        "TEST": {"NAME": str(path.with_name("test_" + path.name))},
    }


def database_from_url(url: str, pool: bool) -> dict:
    """DATABASE_URL parsed by django-environ, with the options each backend needs."""
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite_database(Path(config["NAME"]))
    if "postgres" in config["ENGINE"]:
        config["ENGINE"] = "django.db.backends.postgresql"
        options = config.setdefault("OPTIONS", {})
        if pool:
            options["pool"] = {"min_size": 1, "max_size": env.int("DATABASE_POOL_SIZE", default=10)}
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = not pool
    return config
