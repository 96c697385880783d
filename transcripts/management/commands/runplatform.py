import logging
import os
import signal
import subprocess
import sys
import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand

from transcripts.services import transcripts_recover_stale

STOP_GRACE_SECONDS = 20
# A cluster that dies is restarted after 1, 2, 4 ... seconds, at most this long; one that has
# run HEALTHY_SECONDS starts the count again.
MAX_RESTART_DELAY_SECONDS = 60
HEALTHY_SECONDS = 300

logger = logging.getLogger(__name__)


class WorkerCluster:
    """The django-q2 cluster under runplatform. When it dies the web server stays up: the files
    it held are taken back at once (recovery by its cluster id) and it is started again with
    back-off. Recovery also runs before every start, for what an earlier run left behind."""

    def __init__(self, command: list[str], say) -> None:
        self.command = command
        self.say = say
        self.process: subprocess.Popen | None = None
        self.cluster_id = ""
        self.started_at = 0.0
        self.restarts_in_a_row = 0
        self.restart_at = 0.0

    def _recover(self, dead_cluster: str | None = None) -> int:
        try:
            requeued, _failed = transcripts_recover_stale(dead_cluster=dead_cluster)
            return requeued
        except Exception:  # a database that is down must not keep the workers down too
            logger.exception("Recovery before starting the worker cluster failed")
            return 0

    def start(self) -> None:
        self._recover()
        self.cluster_id = uuid.uuid4().hex[:12]
        self.process = subprocess.Popen(self.command, env={**os.environ, "ASR_CLUSTER_ID": self.cluster_id})
        self.started_at = time.monotonic()

    def check(self) -> None:
        """Called often: restarts a dead cluster when its back-off has passed."""
        now = time.monotonic()
        if self.process is None:
            if now >= self.restart_at:
                self.start()
            return
        if self.process.poll() is None:
            if now - self.started_at >= HEALTHY_SECONDS:
                self.restarts_in_a_row = 0
            return
        code = self.process.returncode
        self.process = None
        requeued = self._recover(dead_cluster=self.cluster_id)
        delay = min(MAX_RESTART_DELAY_SECONDS, 2 ** self.restarts_in_a_row)
        self.restarts_in_a_row += 1
        self.restart_at = now + delay
        self.say(f"The worker cluster exited with code {code}; {requeued} file(s) queued again; "
                 f"restarting it in {delay} s. The web server stays up.")


class Command(BaseCommand):
    help = "Run the platform: daphne (HTTP + WebSockets) and a django-q2 cluster, as one process tree."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-workers", action="store_true", help="web server only (workers run elsewhere)")

    def handle(self, *args, host, port, no_workers, **options):
        # daphne, refusing bodies over ASR_MAX_REQUEST_MB while they arrive (asrplatform/web_server.py)
        web = subprocess.Popen([sys.executable, "-m", "asrplatform.web_server", "-b", host, "-p", str(port),
                                "asrplatform.asgi:application"])
        cluster = None
        if not no_workers:
            cluster = WorkerCluster([sys.executable, str(settings.BASE_DIR / "manage.py"), "qcluster"],
                                    self.stderr.write)
            cluster.start()
        self.stdout.write(f"asrplatform on http://{host}:{port}/ (admin: /admin/, health: /healthz); Ctrl-C stops it.")

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            if web.poll() is not None:
                self.stderr.write(f"The web server exited with code {web.returncode}; stopping the platform.")
                exit_code = web.returncode or 1
                break
            if cluster:
                cluster.check()
            time.sleep(0.5)
        self._stop([web] + ([cluster.process] if cluster and cluster.process else []))
        if exit_code:
            sys.exit(exit_code)

    def _stop(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("asrplatform stopped.")
