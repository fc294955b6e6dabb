"""Evidence files: the type decided from the content, kept in private storage.

Stored through `django.core.files.storage.storages["evidence"]` (settings.STORAGES),
a location outside static and media URLs; production can point it at an object
store with django-storages. Files are served only by the evidence view, which
fetches them through the investigation's visibility.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.utils.translation import gettext as _

STORAGE_ALIAS = "evidence"
# Sniffed type → the file-name endings that may carry it.
ACCEPTED: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("application/pdf", frozenset({"pdf"})),
    "jpg": ("image/jpeg", frozenset({"jpg", "jpeg"})),
    "png": ("image/png", frozenset({"png"})),
    "gif": ("image/gif", frozenset({"gif"})),
    "webp": ("image/webp", frozenset({"webp"})),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        frozenset({"xlsx"}),
    ),
}
HEAD_BYTES = 8192


class EvidenceRejected(ValueError):
    """The file cannot be kept as evidence; the message says why, for the person."""


@dataclass(frozen=True)
class Sniffed:
    extension: str
    content_type: str


def evidence_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_BYTES


def sniff(upload: File) -> Sniffed:
    """What the file really is, checked against its name; raises EvidenceRejected."""
    size = upload.size or 0
    if size == 0:
        raise EvidenceRejected(_("The file is empty."))
    if size > max_bytes():
        raise EvidenceRejected(
            _("The file is larger than %(limit)d MB.") % {"limit": max_bytes() // (1024 * 1024)}
        )
    upload.seek(0)
    # .xlsx is a zip: filetype looks for the workbook part, which can sit past the head.
    content = upload.read()
    upload.seek(0)
    kind = filetype.guess(content)
    if kind is None or kind.extension not in ACCEPTED:
        raise EvidenceRejected(_("Only PDF, images (JPEG, PNG, GIF, WebP) and .xlsx are accepted."))
    content_type, endings = ACCEPTED[kind.extension]
    ending = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if ending not in endings:
        raise EvidenceRejected(
            _("The file's content is %(kind)s, which does not match its name “%(name)s”.")
            % {"kind": kind.extension.upper(), "name": upload.name}
        )
    return Sniffed(kind.extension, content_type)


def store(upload: File, sniffed: Sniffed, investigation_pk: int) -> str:
    """Save the bytes under a random name (never the uploader's) and return that name."""
    name = f"{investigation_pk}/{uuid.uuid4().hex}.{sniffed.extension}"
    upload.seek(0)
    return evidence_storage().save(name, upload)


def discard(stored_name: str) -> None:
    evidence_storage().delete(stored_name)
