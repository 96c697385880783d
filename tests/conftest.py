import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from transcripts.engine import Engine, EngineConfig

SPEECH_DIR = Path(os.environ.get("ASR_TEST_SPEECH_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"))


@dataclass(frozen=True)
class Clip:
    path: Path
    language: str
    text: str | None
    entry: dict


def _manifest() -> dict[str, Clip]:
    clips = {}
    for line in (SPEECH_DIR / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            clips[entry["audio"]] = Clip(SPEECH_DIR / entry["audio"], entry["language"], entry["text"], entry)
    return clips


@pytest.fixture(scope="session")
def clips() -> dict[str, Clip]:
    if not (SPEECH_DIR / "manifest.jsonl").is_file():
        pytest.fail(f"The shared recordings are missing: {SPEECH_DIR} (set ASR_TEST_SPEECH_DIR)")
    return _manifest()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """One engine for the session: the model loads once, as in a worker process."""
    return Engine(EngineConfig(cache_dir=Path(settings.ASR_MODEL_CACHE), device="cpu"))


@pytest.fixture
def teams(db):
    """Two teams, three users: alice admins A, bob is a member of A, carol admins B."""
    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Team

    users = {name: get_user_model().objects.create_user(name, password="x" * 12) for name in ("alice", "bob", "carol")}
    a, b = Team.objects.create(name="Alpha", slug="alpha"), Team.objects.create(name="Beta", slug="beta")
    Membership.objects.create(user=users["alice"], team=a, role=Membership.Role.ADMIN)
    Membership.objects.create(user=users["bob"], team=a, role=Membership.Role.MEMBER)
    Membership.objects.create(user=users["carol"], team=b, role=Membership.Role.ADMIN)
    return {"a": a, "b": b, **users}
