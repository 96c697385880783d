"""Limits of /v1/ checked in process (the views are async): time, rate, malformed bodies."""
import time

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from rest_framework.authtoken.models import Token

from transcripts.models import Status, Transcript
from transcripts.slots import RECOGNITION_SLOTS


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_recognition_over_the_time_limit_is_504_and_stopped(teams, clips, settings):
    settings.ASR_API_TIMEOUT = 0.2
    token = Token.objects.create(user=teams["bob"])
    with clips["TEST_MEETING_T0000000001_S00000.wav"].path.open("rb") as audio:
        response = async_to_sync(AsyncClient().post)(
            "/v1/audio/transcriptions", {"file": audio, "model": "whisper-base", "language": "zh"},
            headers={"Authorization": f"Bearer {token.key}"})
    assert response.status_code == 504 and response.json()["error"]["code"] == "timeout"
    deadline = time.monotonic() + 120
    while RECOGNITION_SLOTS.busy and time.monotonic() < deadline:  # the worker thread stops on its own
        time.sleep(0.2)
    assert RECOGNITION_SLOTS.busy == 0
    transcript = Transcript.objects.get()
    assert (transcript.status, transcript.error_code) == (Status.FAILED, "timeout") and not transcript.text


@pytest.mark.django_db(transaction=True)  # the view reads on its own threads: the token must be committed
def test_malformed_multipart_is_an_openai_400(teams):
    token = Token.objects.create(user=teams["bob"])
    response = async_to_sync(AsyncClient().post)(
        "/v1/audio/transcriptions", b"--XX\r\nnonsense", content_type="multipart/form-data; boundary=",
        headers={"Authorization": f"Bearer {token.key}"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_body"


@pytest.mark.django_db(transaction=True)
def test_requests_over_the_rate_get_429_with_retry_after(teams, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ASR_API_RATE = "2/min"
    token = Token.objects.create(user=teams["bob"])
    bearer = {"Authorization": f"Bearer {token.key}"}
    first, second = (async_to_sync(AsyncClient().get)("/v1/models", headers=bearer) for _ in range(2))
    assert (first.status_code, second.status_code) == (200, 200)
    third = async_to_sync(AsyncClient().post)("/v1/audio/transcriptions", {"model": "whisper-base"}, headers=bearer)
    assert third.status_code == 429 and int(third["Retry-After"]) >= 1
    assert third.json()["error"]["type"] == "rate_limit_error"


@pytest.mark.django_db(transaction=True)
def test_ids_past_64_bits_are_an_openai_400(teams, clips):
    token = Token.objects.create(user=teams["bob"])
    huge = str(2**64)
    with clips["IT0011W0001.wav"].path.open("rb") as audio:
        response = async_to_sync(AsyncClient().post)(
            "/v1/audio/transcriptions", {"file": audio, "model": "whisper-1", "hotword_library_ids": huge},
            headers={"Authorization": f"Bearer {token.key}"})
    assert response.status_code == 400 and "hotword_library_ids" in response.json()["error"]["message"]
    with clips["IT0011W0001.wav"].path.open("rb") as audio:
        response = async_to_sync(AsyncClient().post)(
            "/v1/audio/transcriptions?team=" + huge, {"file": audio, "model": "whisper-1"},
            headers={"Authorization": f"Bearer {token.key}"})
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalid_request_error"


@pytest.mark.django_db(transaction=True)
def test_an_openai_client_that_names_no_language_gets_english(teams):
    """The openai client sends no Accept-Language: the form's messages are English, as the
    endpoint's own are (the pages' default language is Chinese)."""
    token = Token.objects.create(user=teams["bob"])
    response = async_to_sync(AsyncClient().post)(
        "/v1/audio/transcriptions", {"model": "whisper-base"}, headers={"Authorization": f"Bearer {token.key}"})
    assert response.status_code == 400 and response.json()["error"]["message"] == "file: No file was submitted."


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_this_server_lacks_is_an_openai_404(teams):
    """OpenAI clients call /v1/audio/translations too: they get OpenAI's error shape naming what is
    offered, not the site's HTML page."""
    token = Token.objects.create(user=teams["bob"])
    response = async_to_sync(AsyncClient().post)("/v1/audio/translations", {},
                                                  headers={"Authorization": f"Bearer {token.key}"})
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["type"] == "not_found_error" and "/v1/audio/transcriptions" in error["message"]
