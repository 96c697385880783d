"""The platform as separate processes: daphne serving WebSockets, a django-q2 cluster killed with
SIGKILL mid-job and started again. Once on the embedded default (SQLite, ORM broker, channels-lite)
and once on the multi-machine configuration (PostgreSQL, Redis broker, channels-redis).

The job must finish with exactly one transcript per file, progress must reach the browser's
socket from the worker processes, and the database must pass its integrity check.
"""
import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import time
import uuid

import pytest
import websockets

from tests import processes
from tests.services import POSTGRES_URL, postgres_admin, redis_url

FILES = ["TEST_MEETING_T0000000001_S00000.wav", "BAC009S0764W0121.wav", "IT0011W0001.wav"]
TASK_TIMEOUT = 20  # seconds: how long a RUNNING row must be silent before recovery takes it back

SETUP = """
import json, os
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from accounts.models import Membership, Team
from transcripts import services
from transcripts.engine import TranscribeOptions
user = get_user_model().objects.create_user("worker-test", password="x" * 16)
team = Team.objects.create(name="Ops", slug="ops")
Membership.objects.create(user=user, team=team, role=Membership.Role.ADMIN)
paths = os.environ["ASR_TEST_FILES"].split(os.pathsep)
job = services.job_create(team=team, user=user, options=TranscribeOptions(language="zh"),
                      files=[(os.path.basename(p), open(p, "rb").read()) for p in paths])
print(json.dumps({"job": job.id, "token": Token.objects.create(user=user).key}))
"""


@pytest.fixture
def embedded(tmp_path):
    yield processes.platform_env(tmp_path), lambda sql: _sqlite(tmp_path / "asrplatform.sqlite3", sql)


@pytest.fixture
def multi_machine(tmp_path):
    admin = postgres_admin()
    redis = redis_url()
    name = f"asr_kill_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    database = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    queue = f"asr-kill-{uuid.uuid4().hex[:8]}"  # a cluster name of its own: no other run's tasks
    env = processes.platform_env(tmp_path, DATABASE_URL=database, REDIS_URL=redis, ASR_QUEUE_NAME=queue)
    try:
        yield env, lambda sql: _postgres(database, sql)
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def _sqlite(path, sql):
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def _postgres(url, sql):
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


async def follow_job(port: int, job: int, token: str, env: dict) -> list[dict]:
    """Watch the job over its WebSocket; kill the cluster when the first file runs, restart it,
    and let recovery take back the file the dead cluster held."""
    seen: list[dict] = []
    cluster = processes.start(env, "qcluster")
    killed_at = None
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/jobs/{job}/?token={token}") as socket:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                try:
                    state = json.loads(await asyncio.wait_for(socket.recv(), timeout=2))
                except TimeoutError:
                    state = None
                if state:
                    seen.append(state)
                    if state["status"] == "done":
                        return seen
                    if killed_at is None and any(f["status"] == "running" for f in state["files"]):
                        kill_group(cluster)
                        killed_at = time.monotonic()
                        cluster = processes.start(env, "qcluster")
                if killed_at and time.monotonic() - killed_at > TASK_TIMEOUT + 2:
                    await asyncio.to_thread(processes.manage, env, "recover", capture_output=True)
                    killed_at = float("inf")  # once
            raise AssertionError(f"the job did not finish; last states: {seen[-3:]}")
    finally:
        kill_group(cluster)


def run_kill_scenario(env: dict, query, clips) -> None:
    env = {**env, "ASR_TASK_TIMEOUT": str(TASK_TIMEOUT), "ASR_TEST_FILES": os.pathsep.join(
        str(clips[n].path) for n in FILES)}
    processes.manage(env, "migrate", "--noinput", "-v0")
    setup = processes.manage(env, "shell", "-c", SETUP, capture_output=True, text=True)
    created = json.loads(setup.stdout.strip().splitlines()[-1])
    port = processes.free_port()
    web = processes.start(env, "runplatform", "--no-workers", "--port", str(port))
    try:
        processes.wait_for(f"http://127.0.0.1:{port}/healthz", web)
        seen = asyncio.run(follow_job(port, created["job"], created["token"], env))
    finally:
        kill_group(web)
        print(web.stdout.read()[-5000:])  # shown when the test fails

    assert seen[0]["status"] == "queued"
    assert any(s["status"] == "running" for s in seen)  # progress reached the socket from the workers
    assert (seen[-1]["done"], seen[-1]["total"]) == (3, 3)
    rows = query("SELECT source_name, status, text FROM transcripts_transcript ORDER BY id")
    assert sorted(r[0] for r in rows) == sorted(FILES)  # exactly one transcript per file
    assert {r[1] for r in rows} == {"done"} and all(r[2] for r in rows)
    assert query("SELECT max(attempts) FROM transcripts_transcript")[0][0] == 2  # the killed file ran again


@pytest.mark.slow
def test_sigkill_mid_job_on_the_embedded_default(embedded, clips):
    env, query = embedded
    run_kill_scenario(env, query, clips)
    assert query("PRAGMA integrity_check") == [("ok",)]
    assert query("PRAGMA foreign_key_check") == []


@pytest.mark.slow
@pytest.mark.services
def test_sigkill_mid_job_on_postgres_and_redis(multi_machine, clips):
    env, query = multi_machine
    run_kill_scenario(env, query, clips)
    assert query("SELECT count(*) FROM pg_index WHERE NOT indisvalid")[0][0] == 0
    assert query("SELECT count(*) FROM transcripts_transcript t LEFT JOIN transcripts_job j ON t.job_id = j.id "
                 "WHERE j.id IS NULL")[0][0] == 0
