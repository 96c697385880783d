"""A real platform on a loopback port (daphne, SQLite), with users and tokens, for API and browser tests.

alice admins team A (and is site staff), bob is a member of A, vera a viewer of A, carol admins B."""
from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests import processes

PASSWORD = "correct-horse-battery"
SETUP = f"""
import json
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from accounts.models import Membership, Team
a, b = Team.objects.create(name="Alpha", slug="alpha"), Team.objects.create(name="Beta", slug="beta")
tokens = {{}}
for name, team, role in (("alice", a, 30), ("bob", a, 20), ("vera", a, 10), ("carol", b, 30)):
    user = get_user_model().objects.create_user(name, password="{PASSWORD}", is_staff=name == "alice")
    Membership.objects.create(user=user, team=team, role=role)
    tokens[name] = Token.objects.create(user=user).key
print(json.dumps({{"tokens": tokens, "teams": {{"a": a.id, "b": b.id}}}}))
"""


@dataclass
class Server:
    url: str
    tokens: dict[str, str]
    teams: dict[str, int]
    process: subprocess.Popen
    data_dir: Path

    @property
    def log(self) -> Path:
        return self.data_dir / "server.log"

    def stop(self) -> str:
        """Stop the server; returns everything it logged."""
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return self.log.read_text()


def start_server(data_dir: Path, *, workers: bool = False, **env_extra: str) -> Server:
    """daphne (and, with workers=True, the django-q2 cluster) on a free loopback port."""
    env = processes.platform_env(data_dir, **env_extra)
    processes.manage(env, "migrate", "--noinput", "-v0")
    setup = json.loads(processes.manage(env, "shell", "-c", SETUP, capture_output=True, text=True).stdout.splitlines()[-1])
    port = processes.free_port()
    command = ["runplatform", "--port", str(port)] + ([] if workers else ["--no-workers"])
    process = processes.start(env, *command, log=data_dir / "server.log")
    url = f"http://127.0.0.1:{port}"
    processes.wait_for(f"{url}/healthz", process)
    return Server(url, setup["tokens"], setup["teams"], process, data_dir)


@contextmanager
def serving(data_dir: Path, **kwargs) -> Iterator[Server]:
    """A server for a module's tests (start_server's arguments); once they are done it is stopped,
    and it must have logged no traceback."""
    server = start_server(data_dir, **kwargs)
    try:
        yield server
    finally:
        output = server.stop()
    assert "Traceback" not in output, output[-6000:]
