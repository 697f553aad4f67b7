"""Vietnamese text for SMS: transliteration to unaccented text and segment counting.

Brandname SMS in Vietnam are sent unaccented: GSM-7 fits 160 characters in one
segment, while a single Vietnamese diacritic forces UCS-2 at 70.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

# đ/Đ are letters of their own, not d plus a combining mark: NFD leaves them alone.
_EXPLICIT = str.maketrans({"đ": "d", "Đ": "D"})

# GSM 03.38 default alphabet and its extension table (each extension costs 2 septets).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7 = "GSM-7"
UCS2 = "UCS-2"


def transliterate(text: str) -> str:
    """Remove every Vietnamese diacritic: "Hồ sơ đã được tiếp nhận" -> "Ho so da duoc tiep nhan"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXPLICIT))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str  # GSM7 or UCS2
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    single_limit: int  # what fits in one segment with this encoding


def segment_info(text: str) -> SegmentInfo:
    """How many SMS segments `text` costs: GSM-7 160 / 153, UCS-2 70 / 67 per part."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        return SegmentInfo(GSM7, units, _segments(units, 160, 153), 160)
    units = len(text.encode("utf-16-le")) // 2
    return SegmentInfo(UCS2, units, _segments(units, 70, 67), 70)


def _segments(units: int, single: int, per_part: int) -> int:
    if units == 0:
        return 0
    if units <= single:
        return 1
    return math.ceil(units / per_part)
