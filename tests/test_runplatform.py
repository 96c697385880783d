"""`manage.py runplatform`: daphne and the django-q2 cluster start together and stop together."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

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


@pytest.fixture
def platform_env(tmp_path):
    env = {**os.environ, "ASR_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "asrplatform.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    return env


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> tuple[int, bytes]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "runplatform exited early"
        try:
            return get(url)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_starts_web_and_workers_and_stops_cleanly(platform_env, stop_signal):
    port = free_port()
    process = subprocess.Popen([sys.executable, "manage.py", "runplatform", "--port", str(port)], cwd=REPO,
                               env=platform_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert status == 200 and b'"database": "ok"' in body
        assert get(f"http://127.0.0.1:{port}/admin/login/")[0] == 200
        children = psutil.Process(process.pid).children(recursive=True)
        commands = [" ".join(c.cmdline()) for c in children]
        assert any("daphne" in c for c in commands) and any("qcluster" in c for c in commands)
        # The web server listens on loopback only.
        listening = {c.laddr for child in children for c in child.net_connections(kind="tcp") if c.status == "LISTEN"}
        assert ("127.0.0.1", port) in listening
        process.send_signal(stop_signal)
        output, _ = process.communicate(timeout=40)
        assert process.returncode == 0, output
        assert "stopped" in output
        time.sleep(0.5)
        assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    finally:
        if process.poll() is None:
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
            process.kill()
