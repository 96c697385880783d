"""The settings a real deployment runs with: HTTPS hardening, the CSP header, secure defaults."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "ASR_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "asrplatform.settings",
                   **env}
    environment.pop("DATABASE_URL", None)
    environment.pop("ASR_DEBUG", None)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=REPO, env=environment, capture_output=True, text=True)


def test_the_documented_production_settings_pass_djangos_deployment_check(tmp_path):
    run = _check_deploy(tmp_path, ASR_HTTPS="1", ASR_ALLOWED_HOSTS="asr.example.com",
                        ASR_CSRF_TRUSTED_ORIGINS="https://asr.example.com")
    assert run.returncode == 0 and "WARNINGS" not in run.stderr + run.stdout, run.stderr + run.stdout
    # Without ASR_HTTPS the same check names what is missing
    plain = _check_deploy(tmp_path, ASR_ALLOWED_HOSTS="asr.example.com")
    assert plain.returncode != 0 and "SECURE_HSTS_SECONDS" in plain.stderr + plain.stdout


@pytest.mark.django_db
def test_pages_carry_a_policy_that_allows_only_our_own_origin(client, teams):
    client.force_login(teams["bob"])
    for url in ("/login/", "/recognize/", "/history/", "/settings/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'", url
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert "http" not in policy and "*" not in policy  # no other origin anywhere


@pytest.mark.django_db
def test_https_mode_redirects_plain_http_but_not_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get("/login/").status_code == 301
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_next_after_a_team_switch_stays_on_this_site(client, teams):
    client.force_login(teams["bob"])
    team = teams["a"].id
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/team/switch/", {"team_id": team, "next": bad})
        assert response.status_code == 302 and "evil" not in response["Location"], bad
    assert client.post("/team/switch/", {"team_id": team, "next": "/history/"})["Location"] == "/history/"
