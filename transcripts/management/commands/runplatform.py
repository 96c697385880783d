import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_GRACE_SECONDS = 20


class Command(BaseCommand):
    help = "Run the platform: daphne (HTTP + WebSockets) and a django-q2 cluster, as one process tree."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-workers", action="store_true", help="web server only (workers run elsewhere)")

    def handle(self, *args, host, port, no_workers, **options):
        manage = str(settings.BASE_DIR / "manage.py")
        # daphne, refusing bodies over ASR_MAX_REQUEST_MB while they arrive (asrplatform/web_server.py)
        web = [sys.executable, "-m", "asrplatform.web_server", "-b", host, "-p", str(port), "asrplatform.asgi:application"]
        commands = {"web": web}
        if not no_workers:
            commands["workers"] = [sys.executable, manage, "qcluster"]
        children = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self.stdout.write(f"asrplatform on http://{host}:{port}/ (admin: /admin/, health: /healthz); Ctrl-C stops it.")

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with code {child.returncode}; stopping the platform.")
                    exit_code = child.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
        self._stop(children)
        if exit_code:
            sys.exit(exit_code)

    def _stop(self, children):
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("asrplatform stopped.")
