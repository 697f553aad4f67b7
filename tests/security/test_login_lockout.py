"""Credential stuffing against the login page and the token endpoint: the lockout
holds (even the right password is refused) and lifts after the cool-off.

The numbers are the production defaults of ACCOUNT_RATE_LIMITS["login_failed"]:
30 failures per client address and 5 per account, each over 15 minutes.
"""

from __future__ import annotations

import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory
from tests.accounts.helpers import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_VI = "Đăng nhập sai quá nhiều lần"  # the form error, per account
PAUSED_VI = "Thao tác quá nhiều lần"  # the 429 page, per address
COOL_OFF_SECONDS = 15 * 60


def _log_in(client: Client, login: str, password: str):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_stuffing_many_accounts_from_one_address_locks_the_address():
    victims = [UserFactory() for _ in range(8)]
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    start = time.time()
    with time_machine.travel(start, tick=False):
        # 4 wrong passwords per account stay under the per-account limit (5);
        # 8 accounts make 32 tries from one address, over its limit (30).
        outcomes = [
            _log_in(attacker, victim.email, f"guess-{n}")
            for n in range(4)
            for victim in victims
        ]
        assert [response.status_code for response in outcomes] == [200] * 30 + [429] * 2
        assert PAUSED_VI in outcomes[-1].content.decode()

        # During the lockout even a correct password from that address is refused.
        fresh = UserFactory()
        response = _log_in(attacker, fresh.email, PASSWORD)
        assert response.status_code == 429
        assert PAUSED_VI in response.content.decode()
        assert not _signed_in(attacker)

        # Another address is not affected.
        neighbour = Client(REMOTE_ADDR="198.51.100.9")
        assert _log_in(neighbour, fresh.email, PASSWORD).status_code == 302

    with time_machine.travel(start + COOL_OFF_SECONDS + 1, tick=False):
        assert _log_in(attacker, fresh.email, PASSWORD).status_code == 302
        assert _signed_in(attacker)


def test_one_account_is_locked_whatever_the_address_and_phone_format():
    UserFactory(phone="+84912000111")
    UserFactory(phone="+84912000222")
    forms = [
        "0912000111",
        "+84912000111",
        "84912000111",
        "0912 000 111",
        "0912.000.111",
    ]
    start = time.time()
    with time_machine.travel(start, tick=False):
        for n, form in enumerate(forms):
            client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
            assert LOCKED_VI not in _log_in(client, form, "wrong").content.decode()

        client = Client(REMOTE_ADDR="192.0.2.100")
        page = _log_in(client, "0912000111", PASSWORD).content.decode()
        assert LOCKED_VI in page
        assert not _signed_in(client)
        # Other phone logins do not share the victim's counter.
        assert _log_in(Client(), "0912000222", PASSWORD).status_code == 302

    with time_machine.travel(start + COOL_OFF_SECONDS + 1, tick=False):
        assert _log_in(Client(), "0912000111", PASSWORD).status_code == 302


def test_the_token_endpoint_shares_the_lockout_with_the_login_page():
    victim = UserFactory()
    api = APIClient(REMOTE_ADDR="203.0.113.50")
    start = time.time()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            response = api.post(
                "/api/v1/auth/token/", {"username": victim.email, "password": f"x{n}"}
            )
            assert response.status_code == 400
        response = api.post(
            "/api/v1/auth/token/", {"username": victim.email, "password": PASSWORD}
        )
        assert response.status_code == 429
        assert LOCKED_VI in response.json()["detail"]
        assert LOCKED_VI in _log_in(Client(), victim.email, PASSWORD).content.decode()

    with time_machine.travel(start + COOL_OFF_SECONDS + 1, tick=False):
        response = api.post(
            "/api/v1/auth/token/", {"username": victim.email, "password": PASSWORD}
        )
        assert response.status_code == 200
        assert response.json()["token"]
