"""The public lookup is throttled per client address and per dossier code."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from dossiers.api import LookupCodeThrottle

pytestmark = pytest.mark.django_db

THROTTLED_VI = "tra cứu quá nhiều lần"


@pytest.fixture
def tight_rates(monkeypatch):
    rates = {"lookup": "5/min", "lookup_code": "3/hour"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(LookupCodeThrottle, "THROTTLE_RATES", rates)


def _lookup(address: str, code: str, phone: str):
    return APIClient(REMOTE_ADDR=address).get(
        "/api/v1/lookup/", {"code": code, "phone": phone}
    )


def test_many_addresses_cannot_share_out_guessing_one_codes_phone(
    tight_rates, submitted_dossier
):
    code = submitted_dossier.code
    guesses = [
        _lookup(f"10.0.0.{n}", code, f"09120001{n:02d}").status_code for n in range(6)
    ]
    assert guesses[:3] == [404, 404, 404]
    assert guesses[3:] == [429, 429, 429]
    # Even the right phone is refused for that code now; the code's owner waits.
    refused = _lookup("10.0.1.1", code, submitted_dossier.applicant_phone)
    assert refused.status_code == 429
    assert THROTTLED_VI in refused.json()["detail"]
    # Lowercase or padded spellings of the code count as the same code.
    assert _lookup("10.0.1.2", f" {code.lower()} ", "0912000999").status_code == 429
    # Other codes are not affected.
    assert (
        _lookup("10.0.1.3", "000.00.01.H49-260101-9999", "0912000999").status_code
        == 404
    )


def test_one_address_is_throttled_across_codes(tight_rates):
    statuses = [
        _lookup("10.9.0.1", f"000.00.01.H49-260101-{n:04d}", "0912000333").status_code
        for n in range(7)
    ]
    assert statuses[:5] == [404] * 5
    assert statuses[5:] == [429, 429]


def test_the_right_code_and_phone_answer_within_the_limits(
    tight_rates, submitted_dossier
):
    response = _lookup(
        "10.8.0.1", submitted_dossier.code, submitted_dossier.applicant_phone
    )
    assert response.status_code == 200
    assert response.json()["code"] == submitted_dossier.code
