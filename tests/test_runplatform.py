"""`manage.py runplatform`: daphne and the django-q2 cluster start together and stop together."""
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests import processes


@pytest.fixture
def platform_env(tmp_path):
    env = processes.platform_env(tmp_path)
    processes.manage(env, "migrate", "--noinput", "-v0")
    return env


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_starts_web_and_workers_and_stops_cleanly(platform_env, stop_signal):
    port = processes.free_port()
    process = subprocess.Popen([sys.executable, "manage.py", "runplatform", "--port", str(port)], cwd=processes.REPO,
                               env=platform_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status, body = processes.wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert status == 200 and b'"database": "ok"' in body
        assert processes.get(f"http://127.0.0.1:{port}/admin/login/")[0] == 200
        children = psutil.Process(process.pid).children(recursive=True)
        commands = [" ".join(c.cmdline()) for c in children]
        assert any("asrplatform.web_server" in c for c in commands) and any("qcluster" in c for c in commands)
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
