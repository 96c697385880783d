"""The database-facing tests again, on the PostgreSQL server (the multi-machine configuration)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import POSTGRES_URL, postgres_admin

REPO = Path(__file__).resolve().parent.parent
ON_POSTGRES = ["tests/transcripts/test_search.py", "tests/transcripts/test_permissions.py",
               "tests/transcripts/test_recovery.py"]


@pytest.mark.services
def test_search_scoping_and_recovery_on_postgres():
    if "DATABASE_URL" in os.environ:
        pytest.skip("already running on DATABASE_URL")
    postgres_admin().close()
    env = {**os.environ, "DATABASE_URL": POSTGRES_URL}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db", *ON_POSTGRES],
                         cwd=REPO, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "skipped" not in run.stdout, run.stdout[-2000:]
