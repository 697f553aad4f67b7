"""django-allauth ships no Vietnamese: every msgid of the allauth parts the portal
uses (account, MFA without WebAuthn, layouts) has a Vietnamese translation in
locale_vendor, with its placeholders intact. The msgid list is extracted from the
installed allauth sources at test time (xgettext through makemessages), so an
allauth upgrade that adds a message fails here until it is translated."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from scripts.vendor_messages import VENDOR_PO, extract_allauth_messages

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


@pytest.fixture(scope="module")
def allauth_catalogue(tmp_path_factory) -> polib.POFile:
    return extract_allauth_messages(tmp_path_factory.mktemp("allauth"))


@pytest.fixture(scope="module")
def vendor() -> dict[tuple[str | None, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(VENDOR_PO))}


def test_the_extraction_finds_the_pages_messages(allauth_catalogue):
    msgids = {entry.msgid for entry in allauth_catalogue}
    assert len(msgids) > 200
    assert {"Password Reset", "Activate Authenticator App", "Recovery Codes"} <= msgids


def test_every_allauth_message_has_a_vietnamese_translation(allauth_catalogue, vendor):
    missing = []
    for entry in allauth_catalogue:
        ours = vendor.get((entry.msgctxt, entry.msgid))
        if ours is None or not ours.translated() or "fuzzy" in ours.flags:
            missing.append(entry.msgid)
    assert missing == []


def test_translations_keep_every_placeholder(vendor):
    broken = []
    for entry in vendor.values():
        forms = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        expected = sorted(set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid)))
        if any(sorted(set(PLACEHOLDER.findall(f))) != expected for f in forms):
            broken.append(entry.msgid)
    assert broken == []


def test_vietnamese_has_one_plural_form(vendor):
    catalogue = polib.pofile(str(VENDOR_PO))
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    for entry in vendor.values():
        if entry.msgid_plural:
            assert list(entry.msgstr_plural) == [0]


def test_the_compiled_catalogue_is_what_django_serves():
    assert Path(VENDOR_PO).with_suffix(".mo").exists(), "run `make messages`"
    with translation.override("vi"):
        assert translation.gettext("Password Reset") == "Đặt lại mật khẩu"
        assert translation.pgettext("field label", "Login") == "Tài khoản đăng nhập"
        assert (
            translation.ngettext(
                "You have added %(count)s security key.",
                "You have added %(count)s security keys.",
                3,
            )
            % {"count": 3}
            == "Bạn đã thêm 3 khóa bảo mật."
        )
