"""Migrations apply from zero on SQLite and on the PostgreSQL server on 127.0.0.1."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.services import POSTGRES_URL, postgres_admin

REPO = Path(__file__).resolve().parent.parent


def migrate(env_extra: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASR_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "asrplatform.settings", **env_extra}
    env.pop("REDIS_URL", None)
    if "DATABASE_URL" not in env_extra:
        env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    return subprocess.run([sys.executable, "manage.py", "showmigrations", "--plan"], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True)


def assert_all_applied(plan: str) -> None:
    lines = [line for line in plan.splitlines() if line.strip()]
    assert any("transcripts.0001_initial" in line for line in lines)
    assert all(line.startswith("[X]") for line in lines), plan


def test_sqlite_from_zero(tmp_path):
    assert_all_applied(migrate({}, tmp_path).stdout)


@pytest.mark.services
def test_postgres_from_zero(tmp_path):
    admin = postgres_admin()
    name = f"asr_migrate_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
        assert_all_applied(migrate({"DATABASE_URL": url}, tmp_path).stdout)
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()
