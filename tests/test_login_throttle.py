"""Password guessing on the login pages is throttled by account and by address (django-axes)."""
import pytest
from django.test import Client

WRONG = {"password": "not-the-password"}


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="the-right-password-1")


def _login(client: Client, url: str, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(alice, settings, url):
    client = Client()
    for _ in range(30):
        _login(client, url, "alice", WRONG["password"])
    locked = _login(client, url, "alice", "the-right-password-1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The account is locked from any address, and the message says what to do
    elsewhere = _login(Client(), url, "alice", "the-right-password-1", address="10.0.0.2")
    assert elsewhere.status_code == 429 and "locked-out" in elsewhere.content.decode()


@pytest.mark.django_db
def test_one_address_guessing_many_accounts_is_locked_out_too(alice, django_user_model):
    for name in ("bob", "carol", "dave", "erin", "frank", "gina", "hank", "ivan", "judy", "kim", "lee"):
        _login(Client(), "/login/", name, "guess", address="10.9.9.9")
    assert _login(Client(), "/login/", "alice", "the-right-password-1", address="10.9.9.9").status_code == 429
    # Another address still logs in
    ok = _login(Client(), "/login/", "alice", "the-right-password-1", address="10.1.1.1")
    assert ok.status_code == 302


@pytest.mark.django_db
def test_the_lockout_ends_by_itself(alice, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "/login/", "alice", WRONG["password"])
    assert _login(Client(), "/login/", "alice", "the-right-password-1").status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)  # the cool-off period has passed
    assert _login(Client(), "/login/", "alice", "the-right-password-1").status_code == 302


@pytest.mark.django_db
def test_a_few_typos_do_not_lock_anyone_out(alice):
    for _ in range(3):
        _login(Client(), "/login/", "alice", WRONG["password"])
    assert _login(Client(), "/login/", "alice", "the-right-password-1").status_code == 302
