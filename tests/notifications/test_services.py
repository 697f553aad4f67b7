import functools

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from notifications.constants import SmsStatus
from notifications.models import SmsMessage, SmsTemplate
from notifications.services import sms_enqueue

pytestmark = pytest.mark.django_db

CONTEXT = {"code": "000.00.15.H49-261128-0001", "appointment": "05/12/2026"}


def _enqueue(**overrides):
    arguments = {
        "event": "received",
        "phone": "0912 345 678",
        "channel": "counter",
        "context": CONTEXT,
        "idempotency_key": "dossier-1:received",
        "dossier_id": 1,
        "dossier_code": CONTEXT["code"],
        **overrides,
    }
    return sms_enqueue(**arguments)


def test_received_notice_is_written_and_enqueued_after_commit(
    django_capture_on_commit_callbacks, mocker
):
    delay = mocker.patch("notifications.tasks.send_sms_message.delay")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _enqueue()
        delay.assert_not_called()  # nothing leaves before the commit

    assert message is not None
    assert message.phone == "+84912345678"
    assert message.body == (
        "Ho so 000.00.15.H49-261128-0001 da duoc tiep nhan. Ngay hen tra: 05/12/2026"
    )
    assert (message.status, message.segments, message.encoding) == (
        SmsStatus.QUEUED,
        1,
        "GSM-7",
    )
    assert (message.dossier_id, message.dossier_code) == (1, CONTEXT["code"])
    assert len(callbacks) == 1
    assert isinstance(callbacks[0], functools.partial)
    callbacks[0]()
    delay.assert_called_once_with(message_id=message.pk)


def test_same_idempotency_key_twice_gives_one_row_and_one_task(
    django_capture_on_commit_callbacks, mocker
):
    delay = mocker.patch("notifications.tasks.send_sms_message.delay")
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue()
        second = _enqueue()
    assert first is not None
    assert second == first
    assert SmsMessage.objects.count() == 1
    delay.assert_called_once_with(message_id=first.pk)


def test_template_off_for_the_channel_queues_nothing(
    django_capture_on_commit_callbacks, mocker
):
    delay = mocker.patch("notifications.tasks.send_sms_message.delay")
    SmsTemplate.objects.filter(event="received").update(post=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _enqueue(channel="post") is None
    assert not SmsMessage.objects.exists()
    assert callbacks == []
    delay.assert_not_called()
    # still on for the counter
    with django_capture_on_commit_callbacks(execute=True):
        assert _enqueue(channel="counter") is not None


def test_sms_not_sent_when_transaction_rolls_back(
    django_capture_on_commit_callbacks, mocker
):
    delay = mocker.patch("notifications.tasks.send_sms_message.delay")

    class TransitionFailedError(Exception):
        pass

    def transition_that_fails() -> None:
        with transaction.atomic():
            _enqueue()
            raise TransitionFailedError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TransitionFailedError),
    ):
        transition_that_fails()
    assert callbacks == []
    assert not SmsMessage.objects.exists()
    delay.assert_not_called()


def test_phone_that_is_not_a_vietnamese_mobile_is_refused():
    with pytest.raises(ValidationError):
        _enqueue(phone="12345")
    assert not SmsMessage.objects.exists()


@pytest.mark.parametrize(
    ("event", "channel"), [("party", "counter"), ("received", "fax")]
)
def test_unknown_event_or_channel_is_a_programming_error(event, channel):
    with pytest.raises(ValueError, match="unknown SMS"):
        _enqueue(event=event, channel=channel)
