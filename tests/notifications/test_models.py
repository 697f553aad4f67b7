import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from notifications.constants import PLACEHOLDERS, SmsEvent
from notifications.models import SmsRenderError, SmsTemplate
from tests.notifications.factories import SEED

# The feedback app's "answered" event has its template in a later migration.
FEEDBACK_SEED = importlib.import_module(
    "notifications.migrations.0003_feedback_answered_event"
)

pytestmark = pytest.mark.django_db


def test_the_data_migration_seeds_nine_templates_with_real_wording():
    SmsTemplate.objects.all().delete()
    SEED.seed(django_apps, None)
    FEEDBACK_SEED.seed(django_apps, None)
    templates = {t.event: t for t in SmsTemplate.objects.all()}
    assert set(templates) == set(SmsEvent.values)
    assert templates["received"].body == (
        "Ho so {code} da duoc tiep nhan. Ngay hen tra: {appointment}"
    )
    assert not templates["submitted"].counter
    assert templates["submitted"].online
    for template in templates.values():
        template.full_clean()  # every seeded placeholder is offered by its event
        assert not template.accented


def test_rendering_fills_placeholders_and_removes_accents_from_values():
    template = SmsTemplate.objects.get(event=SmsEvent.APOLOGY)
    text = template.render(
        {"code": "H49-0001", "agency": "Sở Tư pháp", "new_appointment": "12/12/2026"}
    )
    assert text == (
        "So Tu phap xin loi Ong(ba) vi ho so H49-0001 cham tra ket qua. "
        "Ngay hen tra moi: 12/12/2026"
    )


def test_accented_template_keeps_diacritics():
    template = SmsTemplate(
        event=SmsEvent.RECEIVED,
        body="Hồ sơ {code} đã được tiếp nhận tại {agency}",
        accented=True,
    )
    assert template.render({"code": "X1", "agency": "Sở Tư pháp"}) == (
        "Hồ sơ X1 đã được tiếp nhận tại Sở Tư pháp"
    )


def test_missing_value_is_an_error_not_a_blank():
    template = SmsTemplate.objects.get(event=SmsEvent.RECEIVED)
    with pytest.raises(SmsRenderError):
        template.render({"code": "X1"})


@pytest.mark.parametrize("body", ["Ho so {code} {foo}", "Ho so {code.__class__}", "{}"])
def test_template_with_a_placeholder_the_event_does_not_offer_is_invalid(body):
    template = SmsTemplate.objects.get(event=SmsEvent.RECEIVED)
    template.body = body
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "body" in error.value.message_dict


def test_every_event_documents_its_placeholders():
    assert set(PLACEHOLDERS) == set(SmsEvent.values)
    assert all("code" in names for names in PLACEHOLDERS.values())
