import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth import get_user_model

REPO = Path(__file__).resolve().parents[2]


def run(tmp_path, **env):
    environment = {**os.environ, "ASR_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "asrplatform.settings", **env}
    environment.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=environment, check=True)
    return subprocess.run([sys.executable, "manage.py", "ensureadmin"], cwd=REPO, env=environment,
                          capture_output=True, text=True, check=True).stdout


def test_a_fresh_install_gets_a_one_time_password_printed_once(tmp_path):
    first = run(tmp_path)
    assert "one-time password:" in first
    password = first.split("one-time password: ")[1].split()[0]
    assert len(password) >= 12
    assert run(tmp_path) == ""  # never again, never a fixed default
    second_install = run(tmp_path / "other")
    assert password not in second_install


def test_admin_from_the_environment_prints_no_password(tmp_path):
    output = run(tmp_path, ASR_ADMIN_USERNAME="chief", ASR_ADMIN_PASSWORD="a-long-secret-phrase")
    assert output == ""


def test_first_admin_gets_a_team(db):
    from accounts.models import Membership
    from accounts.services import first_admin_ensure

    user, generated = first_admin_ensure(username="root", password=None)
    assert generated and user.check_password(generated)
    assert Membership.objects.get(user=user).role == Membership.Role.ADMIN
    assert first_admin_ensure(username="other", password=None) == (user, None)
    assert get_user_model().objects.count() == 1


def test_a_weak_admin_password_from_the_environment_is_refused(tmp_path):
    environment = {**os.environ, "ASR_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "asrplatform.settings",
                   "ASR_ADMIN_PASSWORD": "12345678"}
    environment.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=environment, check=True)
    refused = subprocess.run([sys.executable, "manage.py", "ensureadmin"], cwd=REPO, env=environment,
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "too weak" in refused.stderr and "Traceback" not in refused.stderr


def test_the_data_directory_and_database_are_private_to_their_owner(tmp_path):
    import stat

    data = tmp_path / "data"
    run(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for database_file in data.glob("asrplatform.sqlite3*"):
        assert stat.S_IMODE(database_file.stat().st_mode) == 0o600, database_file
