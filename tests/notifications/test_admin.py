import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from notifications.constants import SmsStatus
from notifications.models import SmsMessage, SmsTemplate
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def _message(key, status, **fields):
    now = timezone.now()
    return SmsMessage.objects.create(
        phone=fields.pop("phone", "+84912345678"),
        body="Ho so X",
        event=fields.pop("event", "received"),
        dossier_code=fields.pop("dossier_code", "H49-0001"),
        idempotency_key=key,
        status=status,
        queued_at=now,
        next_attempt_at=now,
        **fields,
    )


def test_outbox_is_searchable_by_phone_as_citizens_write_it_and_by_code(admin):
    _message("a", SmsStatus.SENT, phone="+84912345678", dossier_code="H49-0001")
    _message("b", SmsStatus.SENT, phone="+84987654321", dossier_code="H49-0002")
    url = reverse("admin:notifications_smsmessage_changelist")
    by_phone = admin.get(url, {"q": "0912 345 678"})
    assert by_phone.status_code == 200
    assert [m.idempotency_key for m in by_phone.context["cl"].result_list] == ["a"]
    by_code = admin.get(url, {"q": "H49-0002"})
    assert [m.idempotency_key for m in by_code.context["cl"].result_list] == ["b"]


def test_outbox_filters_by_status_and_event(admin):
    _message("a", SmsStatus.FAILED, event="refused")
    _message("b", SmsStatus.SENT, event="refused")
    _message("c", SmsStatus.FAILED, event="received")
    url = reverse("admin:notifications_smsmessage_changelist")
    response = admin.get(url, {"status__exact": "failed", "event__exact": "refused"})
    assert [m.idempotency_key for m in response.context["cl"].result_list] == ["a"]


def test_resend_action_queues_failed_messages_and_is_audited(
    admin, admin_user, mocker, django_capture_on_commit_callbacks
):
    delay = mocker.patch("notifications.tasks.send_sms_message.delay")
    failed = _message("a", SmsStatus.FAILED, last_error="gave up")
    delivered = _message("b", SmsStatus.DELIVERED)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("admin:notifications_smsmessage_changelist"),
            {"action": "resend", "_selected_action": [failed.pk, delivered.pk]},
            follow=True,
        )
    text = response.content.decode()
    assert "1 tin nhắn" in text or "1 message" in text
    failed.refresh_from_db()
    delivered.refresh_from_db()
    assert failed.status == SmsStatus.QUEUED
    assert delivered.status == SmsStatus.DELIVERED
    delay.assert_called_once_with(message_id=failed.pk)
    entry = LogEntry.objects.get(object_id=str(failed.pk))
    assert entry.user == admin_user


def test_outbox_rows_cannot_be_added_or_deleted(admin):
    assert admin.get(reverse("admin:notifications_smsmessage_add")).status_code == 403


def test_template_editor_shows_segments_and_encoding(admin):
    template = SmsTemplate.objects.get(event="received")
    response = admin.get(
        reverse("admin:notifications_smstemplate_change", args=[template.pk])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "GSM-7" in text
    assert (
        "Ho so 000.00.15.H49-261128-0001 da duoc tiep nhan. Ngay hen tra: 05/12/2026"
        in text
    )


def test_saving_an_accented_template_records_the_editor_and_ucs2(admin, admin_user):
    template = SmsTemplate.objects.get(event="received")
    url = reverse("admin:notifications_smstemplate_change", args=[template.pk])
    response = admin.post(
        url,
        {
            "event": "received",
            "body": "Hồ sơ {code} đã được tiếp nhận. Ngày hẹn trả: {appointment}",
            "counter": "on",
            "online": "on",
            "accented": "on",
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.updated_by == admin_user
    assert not template.post
    assert "UCS-2" in admin.get(url).content.decode()


def test_template_with_unknown_placeholder_is_refused_with_a_message(admin):
    template = SmsTemplate.objects.get(event="received")
    response = admin.post(
        reverse("admin:notifications_smstemplate_change", args=[template.pk]),
        {"event": "received", "body": "Ho so {ma_ho_so}", "counter": "on"},
    )
    assert response.status_code == 200
    assert "{ma_ho_so}" in response.content.decode()
    template.refresh_from_db()
    assert "{ma_ho_so}" not in template.body


def test_template_list_counts_messages_by_status_per_event(admin):
    for i, status in enumerate(
        [SmsStatus.SENT, SmsStatus.SENT, SmsStatus.FAILED, SmsStatus.DELIVERED]
    ):
        _message(f"r{i}", status, event="received")
    _message("x", SmsStatus.FAILED, event="refused")
    response = admin.get(reverse("admin:notifications_smstemplate_changelist"))
    rows = {t.event: t for t in response.context["cl"].result_list}
    received, refused = rows["received"], rows["refused"]
    assert (
        received.n_queued,
        received.n_sent,
        received.n_delivered,
        received.n_failed,
    ) == (
        0,
        2,
        1,
        1,
    )
    assert (refused.n_sent, refused.n_failed) == (0, 1)


def test_staff_without_permissions_cannot_see_the_outbox(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:notifications_smsmessage_changelist"))
    assert response.status_code == 403
