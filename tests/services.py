"""The PostgreSQL and Redis servers on 127.0.0.1 that the multi-machine configuration uses.

Where they are missing a test skips and says what it needs; under CI (CI set) it fails instead,
because CI runs beside both servers.
"""
from __future__ import annotations

import os
import socket

import pytest

POSTGRES_URL = os.environ.get("ASR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ASR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _missing(what: str, reason: object) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} must run on 127.0.0.1 for CI: {reason}")
    pytest.skip(f"needs {what} on 127.0.0.1 ({reason})")


def postgres_admin():
    """An autocommit connection to the test server's `test` database."""
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        _missing("PostgreSQL", e)


def redis_url() -> str:
    host, port = "127.0.0.1", int(REDIS_URL.rsplit(":", 1)[1].split("/")[0])
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as e:
        _missing("Redis", e)
    return REDIS_URL
