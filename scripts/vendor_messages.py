"""Keep locale_vendor/vi in step with the installed django-allauth.

django-allauth ships no Vietnamese catalogue and makemessages does not scan
site-packages, so this script extracts the msgids of the parts of allauth the
portal uses (allauth.account, allauth.mfa without WebAuthn, and the shared
layouts) and of Django's password validators from the installed sources with Django's makemessages (xgettext), then
merges them into locale_vendor/vi/LC_MESSAGES/django.po, keeping every existing
translation. Optionally fills translations from a JSON object {msgid: msgstr}
(plural entries take a list).

    .venv/bin/python scripts/vendor_messages.py [translations.json]

It prints the msgids still untranslated and exits 1 when there are any. After an
allauth upgrade, run it, translate what it lists, and `make messages`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
VENDOR_PO = ROOT / "locale_vendor" / "vi" / "LC_MESSAGES" / "django.po"
# Parts of allauth a citizen or a staff member can reach. WebAuthn is not enabled
# (MFA_SUPPORTED_TYPES), socialaccount/headless/usersessions/idp are not installed.
ALLAUTH_PACKAGES = ("account", "mfa", "core")
ALLAUTH_TEMPLATES = ("account", "mfa", "allauth")
ALLAUTH_MODULES = ("app_settings.py", "utils.py", "ratelimit.py", "decorators.py")
SKIPPED = shutil.ignore_patterns("webauthn", "__pycache__", "tests", "*.pyc")
HEADER = (
    "Vietnamese translations of django-allauth (which ships none), for the parts\n"
    "the portal uses. Regenerate the msgid list with scripts/vendor_messages.py."
)


def allauth_root() -> Path:
    import allauth  # noqa: PLC0415 - only this script and its test need it

    return Path(allauth.__file__).resolve().parent


def django_password_validation() -> Path:
    from django.contrib.auth import password_validation  # noqa: PLC0415

    return Path(password_validation.__file__)


def extract_allauth_messages(workdir: Path) -> polib.POFile:
    """Extract the msgids of the portal-reachable allauth sources into a catalogue."""
    source = allauth_root()
    copy = workdir / "allauth"
    copy.mkdir(parents=True)
    for package in ALLAUTH_PACKAGES:
        shutil.copytree(source / package, copy / package, ignore=SKIPPED)
    for folder in ALLAUTH_TEMPLATES:
        shutil.copytree(
            source / "templates" / folder, copy / "templates" / folder, ignore=SKIPPED
        )
    for module in ALLAUTH_MODULES:
        shutil.copy(source / module, copy / module)
    # Django's password rules: its Vietnamese ("Nó phải chứa...") reads poorly, and
    # these are the messages citizens meet most; LOCALE_PATHS wins over Django's.
    shutil.copy(django_password_validation(), copy / "password_validation.py")
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "vi", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def merge(extracted: polib.POFile, translations: dict[str, object]) -> polib.POFile:
    existing = {_key(e): e for e in polib.pofile(str(VENDOR_PO))}
    merged = polib.POFile(wrapwidth=0)
    merged.header = HEADER
    merged.metadata = {
        "Project-Id-Version": "one-stop-portal vendor translations",
        "Language": "vi",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for entry in extracted:
        new = polib.POEntry(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            msgid_plural=entry.msgid_plural,
            flags=[f for f in entry.flags if f != "fuzzy"],
        )
        old = existing.get(_key(entry))
        value = translations.get(entry.msgid)
        if entry.msgid_plural:
            if value is not None:
                forms = value if isinstance(value, list) else [value]
                new.msgstr_plural = dict(enumerate(str(f) for f in forms))
            elif old is not None:
                new.msgstr_plural = old.msgstr_plural
            else:
                new.msgstr_plural = {0: ""}
        elif value is not None:
            new.msgstr = str(value)
        elif old is not None:
            new.msgstr = old.msgstr
        merged.append(new)
    return merged


def main(argv: list[str]) -> int:
    translations: dict[str, object] = {}
    if len(argv) > 1:
        translations = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = merge(extract_allauth_messages(Path(tmp)), translations)
    catalogue.save(str(VENDOR_PO))
    missing = [e.msgid for e in catalogue if not e.translated()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(catalogue) - len(missing)}/{len(catalogue)} translated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
