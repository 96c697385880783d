"""Test settings: a throw-away data directory, a shared model cache, a fast password hasher."""
import os
import tempfile
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("ASR_DATA_DIR", tempfile.mkdtemp(prefix="asrplatform-test-"))
# Assembling whisper-base takes a second and 145 MB: keep one copy across test runs.
os.environ.setdefault("ASR_MODEL_CACHE", str(_REPO / "data" / "test-models"))
os.environ.setdefault("ASR_DEVICE", "cpu")

from asrplatform.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run in the calling process, synchronously, so a test sees the whole queued → done path.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405

# Consumers tested in-process share one event loop; the real layers are used by the tests that
# start daphne and qcluster as separate processes.
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
SILENCED_SYSTEM_CHECKS = ["transcripts.W002"]

# A file, not SQLite's shared in-memory database: that one locks whole tables, so a consumer
# reading a job while a worker thread writes it fails with "database table is locked". A file
# in WAL mode lets readers and the one writer proceed, as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# Throttling has its own test; elsewhere one user makes many calls in a second.
ASR_API_RATE = "100000/min"
