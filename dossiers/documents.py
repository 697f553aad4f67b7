"""Uploaded documents: content sniffing, safe names and private storage.

Files are stored under a random name in MEDIA_ROOT/private/dossiers, a folder no URL
maps to, or in a private S3-compatible bucket (ATTACHMENT_STORAGE=s3); downloads go
through a view that checks permission (dossiers.api) and streams the bytes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import antivirus, filecheck
from dossiers.exceptions import (
    DossierValidationError,
    ScannerUnavailableError,
    UploadTooLargeError,
)

_MAGIC: dict[str, tuple[bytes, str]] = {
    "application/pdf": (b"%PDF-", "pdf"),
    "image/jpeg": (b"\xff\xd8\xff", "jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", "png"),
}
_UNSAFE_RE = re.compile(r"[^\w.\- ()]+", re.UNICODE)
_HEAD_BYTES = 8192
logger = logging.getLogger(__name__)
_ACCEPTED_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png"})
_MAX_NAME_LENGTH = 200

#: Why a file was refused: every message names the problem in the user's language.
REASONS: dict[str, Any] = {
    "type": gettext_lazy(
        "Only PDF, JPEG and PNG files are accepted (checked by content)."
    ),
    "damaged": gettext_lazy(
        "The file is damaged or incomplete; please scan or export it again."
    ),
    "polyglot": gettext_lazy(
        "The file contains data that is not part of a document (e.g. web page or "
        "script content); please export it again as a plain PDF."
    ),
    "active_content": gettext_lazy(
        "The PDF contains active content (scripts, automatic actions, embedded "
        "files or forms); please print it to a plain PDF and upload that."
    ),
    "bomb": gettext_lazy(
        "The file expands to an excessive size when opened and was refused."
    ),
    "too_many_pixels": gettext_lazy(
        "The image is too large (more than %(pixels)s million pixels); please "
        "scan at a lower resolution."
    ),
    "infected": gettext_lazy("The file contains a virus or malware (%(signature)s)."),
}


def private_storage() -> Storage:
    """The private store: STORAGES["private"] (a folder under MEDIA_ROOT, or a bucket).

    The local folder is built from the current MEDIA_ROOT on each call (cheap); an
    S3-compatible bucket is Django's shared instance. Neither yields a URL a client
    ever sees: downloads stream through permission-checked views.
    """
    config = settings.STORAGES["private"]
    if config["BACKEND"] == "django.core.files.storage.FileSystemStorage":
        return FileSystemStorage(
            location=Path(settings.MEDIA_ROOT) / "private" / "dossiers",
            **config.get("OPTIONS", {}),
        )
    return storages["private"]


@dataclass(frozen=True)
class SniffedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


def _refuse(field: str, reason: str, **values: Any) -> DossierValidationError:
    return DossierValidationError({field: [str(REASONS[reason]) % values]})


def check_name(raw: str, *, field: str = "file") -> None:
    """Refuse names built to deceive: control or bidi characters, paths, over-long
    names, and a final extension other than a document's (``x.pdf.exe``)."""
    problem = ""
    if len(raw) > _MAX_NAME_LENGTH:
        problem = _("The file name is too long (at most %(limit)s characters).") % {
            "limit": _MAX_NAME_LENGTH
        }
    elif any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in raw):
        problem = _(
            "The file name contains invisible or direction-changing characters."
        )
    elif "/" in raw or "\\" in raw or raw.strip(" .") in ("", ".."):
        problem = _("The file name must not contain a folder path.")
    else:
        suffix = PurePath(raw).suffix.lower().lstrip(".")
        if suffix and suffix not in _ACCEPTED_EXTENSIONS:
            problem = _(
                "The file name must end in .pdf, .jpg, .jpeg or .png "
                "(a name like “x.pdf.exe” is refused)."
            )
    if problem:
        raise DossierValidationError({field: [problem]})


def sanitise_name(raw: str, *, extension: str) -> str:
    """A display name without paths or odd characters, ending in the real extension."""
    name = PurePath(raw.replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = _UNSAFE_RE.sub("_", PurePath(name).stem).strip(" ._") or "document"
    return f"{stem[:150]}.{extension}"


def _read_bounded(upload: IO[bytes], *, field: str) -> bytes:
    limit: int = settings.UPLOAD_MAX_BYTES
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise UploadTooLargeError(
            {
                field: [
                    _("The file is larger than the limit of %(limit)s MB.")
                    % {"limit": round(limit / 1024 / 1024, 1)}
                ]
            }
        )
    if not data:
        raise DossierValidationError({field: [_("The file is empty.")]})
    return data


def _virus_scan(upload: IO[bytes], *, field: str) -> None:
    if not antivirus.scanning_enabled():
        return
    try:
        signature = antivirus.scan(upload)
    except antivirus.ScannerUnavailableError as exc:
        logger.error("virus scanner unavailable, upload refused: %s", exc)
        raise ScannerUnavailableError() from exc
    if signature is not None:
        logger.warning("upload refused: virus scanner found %s", signature)
        raise _refuse(field, "infected", signature=signature)


def sniff(upload: IO[bytes], *, field: str = "file") -> SniffedFile:
    """Check size, viruses (when a scanner is configured), type by content and the
    structure of that type; raise a DossierValidationError subclass when refused, or
    ScannerUnavailableError when the configured scanner gives no verdict."""
    data = _read_bounded(upload, field=field)
    _virus_scan(upload, field=field)
    kind = filetype.guess(data[:_HEAD_BYTES])
    content_type = kind.mime if kind is not None else ""
    magic = _MAGIC.get(content_type)
    if magic is None or not data.startswith(magic[0]):
        raise _refuse(field, "type")
    max_pixels: int = settings.UPLOAD_MAX_PIXELS
    if content_type == "application/pdf":
        reason = filecheck.check_pdf(
            data, max_inflated=settings.UPLOAD_MAX_INFLATED_BYTES
        )
    else:
        reason = filecheck.check_image(
            data, content_type=content_type, max_pixels=max_pixels
        )
    if reason is not None:
        raise _refuse(field, reason, pixels=round(max_pixels / 1_000_000))
    return SniffedFile(
        content_type=content_type,
        extension=magic[1],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def store(upload: IO[bytes], *, extension: str) -> str:
    """Save under a random name; return the storage name."""
    folder = timezone.localdate().strftime("%Y/%m")
    name = f"{folder}/{uuid.uuid4().hex}.{extension}"
    upload.seek(0)
    return str(private_storage().save(name, File(upload)))
