"""Security headers and cookies, and templates that the Content Security Policy
would break (inline scripts, inline styles, event-handler attributes)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loaders.app_directories import get_app_template_dirs

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/procedures/", "/api/docs/"]
)
def test_pages_carry_a_strict_content_security_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_other_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_api_responses_carry_the_headers_too(client):
    response = client.get("/api/v1/procedures/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_swagger_ui_loads_its_init_script_from_a_file(client):
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts
    assert all(
        "src=" in attributes and not body.strip() for attributes, body in scripts
    )
    assert "<style" not in page
    init = client.get("/api/docs/", {"script": ""})
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"")
EVENT_HANDLER = re.compile(r"\son[a-z]+=\"")


def _our_template_files() -> list[Path]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(d)
        for d in get_app_template_dirs("templates")
        if ROOT in Path(d).parents and not {".venv", ".services"} & set(Path(d).parts)
    ]
    return [path for root in roots for path in root.rglob("*.html")]


def test_no_template_of_ours_needs_unsafe_inline():
    offenders = []
    for path in _our_template_files():
        text = path.read_text(encoding="utf-8")
        # Comments may mention what they replace.
        text = re.sub(r"{% comment %}.*?{% endcomment %}", "", text, flags=re.S)
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER):
            offenders += [
                f"{path.relative_to(ROOT)}: {m}" for m in pattern.findall(text)
            ]
    assert offenders == []
    assert len(_our_template_files()) > 20


def test_production_settings_secure_cookies_and_transport():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k3y-" + "x9Qz#" * 12,
        "DJANGO_ALLOWED_HOSTS": "dichvucong.example.gov.vn",
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({n: getattr(s, n) for n in ["
        "'SESSION_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','CSRF_COOKIE_SECURE',"
        "'SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_SSL_REDIRECT',"
        "'X_FRAME_OPTIONS','STAFF_MFA_REQUIRED']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "X_FRAME_OPTIONS": "DENY",
        "STAFF_MFA_REQUIRED": True,
    }
