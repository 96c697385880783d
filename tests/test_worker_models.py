""""Unload models" reaches the worker processes (issue 17, fault 6): a real daphne and django-q2
cluster; a worker loads a model for a file, reports it, and frees it when asked from the web."""
from __future__ import annotations

import time

import pytest
import requests

from tests.platform_server import start_server
from tests.speech import SHORT_MANDARIN

pytestmark = pytest.mark.slow


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s: {what}")


def test_unloading_from_the_web_reaches_the_workers(tmp_path, clips):
    server = start_server(tmp_path, workers=True)
    try:
        staff = {"Authorization": f"Token {server.tokens['alice']}"}
        member = {"Authorization": f"Token {server.tokens['bob']}"}
        with open(clips[SHORT_MANDARIN[0]].path, "rb") as audio:
            created = requests.post(f"{server.url}/api/transcripts/", headers=member,
                                    files={"file": ("a.wav", audio)}, data={"language": "zh"}).json()
        _until(lambda: requests.get(f"{server.url}/api/transcripts/{created['id']}/", headers=member).json()["status"]
               == "done", 180, "the file is recognised")

        def holding():
            reports = requests.get(f"{server.url}/api/system/", headers=staff).json()["worker_models"]
            return [r for r in reports if r["models"]]

        held = _until(holding, 20, "a worker reports the model it loaded")
        assert held[0]["models"] == ["whisper-base"] and held[0]["worker"]
        assert (held[0]["device"], held[0]["device_note"]) == ("cpu", "")
        assert "worker_models" not in requests.get(f"{server.url}/api/system/", headers=member).json()
        assert requests.post(f"{server.url}/api/system/clear-cache/", headers=staff).status_code == 200
        _until(lambda: not holding(), 20, "the worker unloads its model when asked")
    finally:
        output = server.stop()
    assert "Traceback" not in output, output[-4000:]
    assert "Unloaded 1 model(s) as asked" in output
