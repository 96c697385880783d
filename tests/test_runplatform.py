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


JOB = """
import json, os
from django.contrib.auth import get_user_model
from accounts.models import Membership, Team
from transcripts import services
from transcripts.engine import TranscribeOptions
user = get_user_model().objects.create_user("kill-test", password="x" * 16)
team = Team.objects.create(name="Ops", slug="ops")
Membership.objects.create(user=user, team=team, role=Membership.Role.ADMIN)
path = os.environ["ASR_TEST_FILE"]
job = services.job_create(team=team, user=user, options=TranscribeOptions(language="zh"),
                      files=[(f"{i}.wav", open(path, "rb").read()) for i in range(3)])
print(json.dumps({"job": job.id}))
"""


def _rows(tmp_path) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(tmp_path / "asrplatform.sqlite3") as db:
        return db.execute("SELECT status, attempts, text FROM transcripts_transcript ORDER BY id").fetchall()


@pytest.mark.slow
def test_a_dead_worker_cluster_is_restarted_and_its_file_taken_back_while_the_web_server_stays_up(
        platform_env, clips, tmp_path):
    """Killing the qcluster used to stop daphne too, and its running file waited 2 × ASR_TASK_TIMEOUT."""
    env = {**platform_env, "ASR_TEST_FILE": str(clips["TEST_MEETING_T0000000001_S00000.wav"].path)}
    processes.manage(env, "shell", "-c", JOB, capture_output=True, text=True)
    port = processes.free_port()
    process = subprocess.Popen([sys.executable, "manage.py", "runplatform", "--port", str(port)], cwd=processes.REPO,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        processes.wait_for(f"http://127.0.0.1:{port}/healthz", process)
        deadline = time.monotonic() + 120
        while not any(status == "running" for status, _, _ in _rows(tmp_path)):
            assert time.monotonic() < deadline, _rows(tmp_path)
            time.sleep(0.2)
        cluster = next(c for c in psutil.Process(process.pid).children() if "qcluster" in " ".join(c.cmdline()))
        for child in [cluster, *cluster.children(recursive=True)]:
            child.kill()
        assert processes.get(f"http://127.0.0.1:{port}/healthz")[0] == 200  # the web server stays up
        # The restarted cluster runs the killed file again (its heartbeat names the dead cluster)
        # and finishes the job, without waiting for ASR_TASK_TIMEOUT (3 h by default).
        deadline = time.monotonic() + 180
        while {status for status, _, _ in _rows(tmp_path)} != {"done"}:
            assert time.monotonic() < deadline, _rows(tmp_path)
            assert process.poll() is None
            time.sleep(0.5)
        rows = _rows(tmp_path)
        assert len(rows) == 3 and all(text for _, _, text in rows)
        assert max(attempts for _, attempts, _ in rows) == 2  # the killed file ran again, once
        assert processes.get(f"http://127.0.0.1:{port}/healthz")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert "The worker cluster exited" in output and "restarting it in 1 s" in output, output
