import unicodedata

import pytest

from notifications.text import GSM7, UCS2, segment_info, transliterate


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        (
            "Hồ sơ đã được tiếp nhận. Ngày hẹn trả: 05/12/2026",
            "Ho so da duoc tiep nhan. Ngay hen tra: 05/12/2026",
        ),
        ("ĐẶNG THỊ THU HƯƠNG", "DANG THI THU HUONG"),
        ("Ủy ban nhân dân phường Hạ Long", "Uy ban nhan dan phuong Ha Long"),
        ("Sở Tư pháp tỉnh Quảng Ninh", "So Tu phap tinh Quang Ninh"),
        (
            "Mời chủ hồ sơ hoặc người ủy quyền đến nhận kết quả!",
            "Moi chu ho so hoac nguoi uy quyen den nhan ket qua!",
        ),
        ("àáảãạ ằắẳẵặ ầấẩẫậ èéẻẽẹ ềếểễệ", "aaaaa aaaaa aaaaa eeeee eeeee"),
        ("ìíỉĩị òóỏõọ ồốổỗộ ờớởỡợ", "iiiii ooooo ooooo ooooo"),
        ("ùúủũụ ừứửữự ỳýỷỹỵ đĐ", "uuuuu uuuuu yyyyy dD"),
        ("ƯỚC TÍNH ƠN", "UOC TINH ON"),
    ],
)
def test_vietnamese_is_transliterated_to_plain_letters(accented, plain):
    assert transliterate(accented) == plain
    # Text typed on keyboards that emit combining marks gives the same result.
    assert transliterate(unicodedata.normalize("NFD", accented)) == plain


def test_transliterated_sentence_is_gsm7_and_fits_one_segment():
    sentence = transliterate(
        "Hồ sơ 000.00.15.H49-261128-0001 đã được tiếp nhận. Ngày hẹn trả: 05/12/2026"
    )
    info = segment_info(sentence)
    assert (info.encoding, info.segments, info.units) == (GSM7, 1, len(sentence))


def test_one_accent_turns_the_message_into_ucs2():
    info = segment_info("Hồ sơ đã được tiếp nhận")
    assert info.encoding == UCS2
    assert info.single_limit == 70


@pytest.mark.parametrize(
    ("length", "segments"), [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3)]
)
def test_gsm7_segments_are_160_alone_and_153_concatenated(length, segments):
    assert segment_info("a" * length).segments == segments


def test_gsm7_extension_characters_count_twice():
    assert segment_info("€" * 80).units == 160
    assert segment_info("€" * 80).segments == 1
    assert segment_info("€" * 80 + "a").segments == 2
    assert segment_info("[x]").units == 5


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_segments_are_70_alone_and_67_concatenated(length, segments):
    info = segment_info("ư" * length)
    assert (info.encoding, info.segments) == (UCS2, segments)


def test_accented_real_notice_costs_more_segments_than_plain():
    accented = (
        "Hồ sơ 000.00.15.H49-261128-0001 đã được xử lý xong. Mời chủ hồ sơ hoặc "
        "người ủy quyền đến nhận kết quả!"
    )
    assert segment_info(accented).segments == 2
    assert segment_info(transliterate(accented)).segments == 1
