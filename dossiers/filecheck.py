"""Structural checks of accepted file types: what a magic number alone cannot tell.

- PDF: nothing but whitespace after the last ``%%EOF`` (an appended HTML or script
  makes a polyglot), no HTML/script markup anywhere, no active content (JavaScript,
  launch actions, embedded files, rich media, XFA forms) in the file or in its Flate
  streams, which are inflated within a budget so a compressed bomb is refused too.
  Names are compared after ``#xx`` decoding (``/J#61vaScript`` is ``/JavaScript``).
  An ``/OpenAction`` that only sets the opening view stays allowed (word processors
  write one); one that runs JavaScript or launches a program is refused by its action.
- PNG and JPEG: the declared width × height must stay under UPLOAD_MAX_PIXELS, so an
  image cannot decompress to gigabytes in a viewer or thumbnailer.

Each check returns a refusal reason key (see REASONS in documents.py) or None.
"""

from __future__ import annotations

import re
import struct
import zlib

_PDF_EOF = b"%%EOF"
_PDF_TRAILING_OK = b" \t\r\n\x00\x0c"
_MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg|\?php)\b|javascript:", re.I)
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_NAMES: frozenset[bytes] = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"XFA",
        b"ImportData",
        b"SubmitForm",
    }
)
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_END_STREAM = b"endstream"
_PIECE = 1024 * 1024
_OVERLAP = 64


_ACTIVE_PLAIN = re.compile(
    rb"/(?:"
    + b"|".join(sorted(_ACTIVE_NAMES))  # the lookahead makes order irrelevant
    + rb")(?![A-Za-z0-9_.+-])"
)
_ESCAPED_NAME = re.compile(rb"/[A-Za-z0-9_.+-]*#[0-9A-Fa-f]{2}[A-Za-z0-9#_.+-]*")


def _has_active_name(data: bytes) -> bool:
    """A plain active name, or one spelt with #xx escapes (decoded only then)."""
    if _ACTIVE_PLAIN.search(data):
        return True
    return any(
        _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0)[1:])
        in _ACTIVE_NAMES
        for match in _ESCAPED_NAME.finditer(data)
    )


def _scan_part(part: bytes) -> str | None:
    if _has_active_name(part):
        return "active_content"
    if _MARKUP.search(part):
        return "polyglot"
    return None


def _scan_stream(raw: bytes, budget: int) -> tuple[str | None, int]:
    """Inflate one stream piece by piece (bounded memory) and scan what comes out.

    Returns (reason or None, budget left); a stream that is not Flate is left to the
    raw scan.
    """
    inflater = zlib.decompressobj()
    pending, carry = raw, b""
    while pending:
        try:
            piece = inflater.decompress(pending, _PIECE)
        except zlib.error:
            return None, budget
        budget -= len(piece)
        if budget < 0:
            return "bomb", budget
        reason = _scan_part(carry + piece)
        if reason is not None:
            return reason, budget
        carry = (carry + piece)[-_OVERLAP:]
        pending = inflater.unconsumed_tail
        if not piece:
            break
    return None, budget


def _declares_filter(data: bytes, stream_start: int) -> bool:
    """Whether the dictionary just before a stream names a /Filter."""
    head = data[max(0, stream_start - 2048) : stream_start]
    return b"/Filter" in head[head.rfind(b"obj") :]


def check_pdf(data: bytes, *, max_inflated: int) -> str | None:
    """Scan the object syntax with stream bodies cut out (binary image data would give
    false alarms), uncompressed streams as they are, and Flate streams inflated."""
    eof = data.rfind(_PDF_EOF)
    if eof < 0:
        return "damaged"
    if data[eof + len(_PDF_EOF) :].strip(_PDF_TRAILING_OK):
        return "polyglot"
    skeleton: list[bytes] = []
    position, budget = 0, max_inflated
    for match in _STREAM.finditer(data):
        if match.start() < position:
            continue
        end = data.find(_END_STREAM, match.end())
        if end < 0:
            break
        skeleton.append(data[position : match.end()])
        body = data[match.end() : end]
        if _declares_filter(data, match.start()):
            reason, budget = _scan_stream(body, budget)
        else:
            reason = _scan_part(body)
        if reason is not None:
            return reason
        position = end
    skeleton.append(data[position:])
    return _scan_part(b"".join(skeleton))


def png_dimensions(data: bytes) -> tuple[int, int] | None:
    # Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


_SOF_MARKERS = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    """Width and height from the first SOF segment, walking the marker segments."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image or scan data before any frame
            return None
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _SOF_MARKERS:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return None


def check_image(data: bytes, *, content_type: str, max_pixels: int) -> str | None:
    reader = png_dimensions if content_type == "image/png" else jpeg_dimensions
    dimensions = reader(data)
    if dimensions is None or 0 in dimensions:
        return "damaged"
    width, height = dimensions
    if width * height > max_pixels:
        return "too_many_pixels"
    return None
