"""Helpers for tests that run the platform as real processes on loopback ports."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> tuple[int, bytes]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{process.args} exited early"
        try:
            return get(url)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def platform_env(data_dir: Path, **extra: str) -> dict:
    """The production settings on a throw-away data dir; DATABASE_URL/REDIS_URL only when given."""
    env = {**os.environ, "ASR_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "asrplatform.settings", **extra}
    for name in ("DATABASE_URL", "REDIS_URL"):
        if name not in extra:
            env.pop(name, None)
    return env


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, **kwargs)


def start(env: dict, *args: str, log: Path | None = None) -> subprocess.Popen:
    """A manage.py command in its own process group (so a test can kill it and its children).

    Output goes to a pipe the caller reads at the end, or to `log` for chatty servers: a full
    pipe nobody reads would block the process on its next log line.
    """
    output = log.open("w") if log else subprocess.PIPE
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=REPO, env=env, start_new_session=True,
                            stdout=output, stderr=subprocess.STDOUT, text=True)
