"""Uploaded documents: content sniffing, safe names and private storage.

Files are stored under a random name in MEDIA_ROOT/private/dossiers, a folder no URL
maps to; downloads go through a view that checks permission (dossiers.views).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO

import filetype
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.exceptions import DossierValidationError, UploadTooLargeError

_MAGIC: dict[str, tuple[bytes, str]] = {
    "application/pdf": (b"%PDF-", "pdf"),
    "image/jpeg": (b"\xff\xd8\xff", "jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", "png"),
}
_UNSAFE_RE = re.compile(r"[^\w.\- ()]+", re.UNICODE)
_HEAD_BYTES = 8192


def private_storage() -> FileSystemStorage:
    """The private store, built from the current settings (cheap; no URL at all)."""
    return FileSystemStorage(
        location=Path(settings.MEDIA_ROOT) / "private" / "dossiers",
        base_url=None,
        file_permissions_mode=0o640,
        directory_permissions_mode=0o750,
    )


@dataclass(frozen=True)
class SniffedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


def sanitise_name(raw: str, *, extension: str) -> str:
    """A display name without paths or odd characters, ending in the real extension."""
    name = PurePath(raw.replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = _UNSAFE_RE.sub("_", PurePath(name).stem).strip(" ._") or "document"
    return f"{stem[:150]}.{extension}"


def sniff(upload: IO[bytes], *, field: str = "file") -> SniffedFile:
    """Check size and type by content; raise DossierValidationError when refused."""
    limit: int = settings.UPLOAD_MAX_BYTES
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    kind = filetype.guess(head)
    content_type = kind.mime if kind is not None else ""
    magic = _MAGIC.get(content_type)
    if magic is None or not head.startswith(magic[0]):
        raise DossierValidationError(
            {
                field: [
                    _("Only PDF, JPEG and PNG files are accepted (checked by content).")
                ]
            }
        )
    digest = hashlib.sha256(head)
    size = len(head)
    for chunk in iter(lambda: upload.read(65536), b""):
        size += len(chunk)
        if size > limit:
            break
        digest.update(chunk)
    if size > limit:
        raise UploadTooLargeError(
            {
                field: [
                    _("The file is larger than the limit of %(limit)s MB.")
                    % {"limit": round(limit / 1024 / 1024, 1)}
                ]
            }
        )
    if size == 0:
        raise DossierValidationError({field: [_("The file is empty.")]})
    upload.seek(0)
    return SniffedFile(
        content_type=content_type,
        extension=magic[1],
        size=size,
        sha256=digest.hexdigest(),
    )


def store(upload: IO[bytes], *, extension: str) -> str:
    """Save under a random name; return the storage name."""
    folder = timezone.localdate().strftime("%Y/%m")
    name = f"{folder}/{uuid.uuid4().hex}.{extension}"
    upload.seek(0)
    return str(private_storage().save(name, File(upload)))
