"""The HTTP JSON gateway over a real socket, against the local stand-in provider."""

import logging
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications.gateways import ConsoleGateway, HttpJsonGateway, SmsGatewayError
from tests.integration.sms_provider import FakeSmsProvider


@pytest.fixture
def provider(settings):
    server = FakeSmsProvider(api_key="k-123").start()
    settings.SMS_HTTP_URL = server.url
    settings.SMS_HTTP_API_KEY = "k-123"
    settings.SMS_HTTP_SENDER = "QUANGNINH"
    settings.SMS_HTTP_TIMEOUT = 5
    yield server
    server.stop()


def _send(key="dossier-7:received"):
    return HttpJsonGateway().send(
        to="+84912345678", text="Ho so H49-7 da duoc tiep nhan.", idempotency_key=key
    )


def test_posts_json_with_idempotency_key_and_reads_the_message_id(provider):
    result = _send()
    [request] = provider.requests
    assert request["to"] == "+84912345678"
    assert request["from"] == "QUANGNINH"
    assert request["text"] == "Ho so H49-7 da duoc tiep nhan."
    assert request["client_ref"] == request["idempotency_key"] == "dossier-7:received"
    assert result.provider_message_id == provider.deliveries[0].message_id


def test_repeating_a_key_is_answered_with_the_first_message_not_a_new_sms(provider):
    first = _send()
    second = _send()
    assert first == second
    assert len(provider.requests) == 2
    assert len(provider.deliveries) == 1


def test_server_errors_are_retryable(provider):
    provider.fail_next(1, status=503)
    with pytest.raises(SmsGatewayError) as error:
        _send()
    assert error.value.retryable
    assert "503" in str(error.value)


@pytest.mark.parametrize("status", [400, 401])
def test_client_errors_are_permanent(provider, settings, status):
    if status == 401:
        settings.SMS_HTTP_API_KEY = "wrong"
    else:
        provider.fail_next(1, status=400)
    with pytest.raises(SmsGatewayError) as error:
        _send()
    assert not error.value.retryable


def test_connection_lost_after_acceptance_is_retryable_and_then_deduped(provider):
    provider.drop_after_accept(1)
    with pytest.raises(SmsGatewayError) as error:
        _send()
    assert error.value.retryable
    result = _send()
    assert len(provider.deliveries) == 1
    assert result.provider_message_id == provider.deliveries[0].message_id


def test_unreachable_provider_is_retryable(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/messages"
    settings.SMS_HTTP_API_KEY = "k"
    with pytest.raises(SmsGatewayError) as error:
        _send()
    assert error.value.retryable


def test_timeout_is_retryable(settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection, never answers
        settings.SMS_HTTP_URL = f"http://127.0.0.1:{silent.getsockname()[1]}/m"
        settings.SMS_HTTP_API_KEY = "k"
        settings.SMS_HTTP_TIMEOUT = 0.3
        with pytest.raises(SmsGatewayError) as error:
            _send()
    assert error.value.retryable


def test_http_gateway_requires_url_and_key(settings):
    settings.SMS_HTTP_URL = ""
    with pytest.raises(ImproperlyConfigured):
        HttpJsonGateway()


def test_console_gateway_masks_the_phone(caplog):
    with caplog.at_level(logging.INFO, logger="notifications.gateways"):
        ConsoleGateway().send(to="+84912345678", text="Ho so X", idempotency_key="k1")
    assert "+84912***678" in caplog.text
    assert "+84912345678" not in caplog.text
