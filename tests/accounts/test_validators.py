import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.validators import mask_phone, normalize_phone, validate_national_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("091.234.5678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84987654321", "+84987654321"),
        ("0321234567", "+84321234567"),  # Viettel 032
        ("0701234567", "+84701234567"),  # MobiFone 070
        ("0591234567", "+84591234567"),  # Gmobile 059
        ("0871234567", "+84871234567"),  # iTel 087
    ],
)
def test_good_phones_are_stored_in_plus84_form(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345",
        "0112345678",
        "091234567",
        "09123456789",
        "+1 650 253 0000",
        "02033835678",
        "0912-345-67a",
        "０９１２３４５６７８",
    ],
)
def test_bad_phones_are_refused_with_a_vietnamese_message(raw):
    with translation.override("vi"), pytest.raises(ValidationError) as excinfo:
        normalize_phone(raw)
    assert "số điện thoại di động" in excinfo.value.messages[0]


def test_bad_phone_message_in_english_when_english_is_active():
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            normalize_phone("123")
        assert "valid Vietnamese mobile number" in excinfo.value.messages[0]


@pytest.mark.parametrize("value", ["022090012345", "001203000001", "079301999999"])
def test_twelve_digit_national_ids_are_accepted(value):
    validate_national_id(value)


@pytest.mark.parametrize(
    "value", ["", "02209001234", "0220900123456", "02209001234a", "022 090 012 345"]
)
def test_other_national_ids_are_refused_in_vietnamese(value):
    with translation.override("vi"), pytest.raises(ValidationError) as excinfo:
        validate_national_id(value)
    assert excinfo.value.messages == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]


def test_mask_phone_hides_the_middle_digits():
    assert mask_phone("+84912345678") == "+84912***678"
