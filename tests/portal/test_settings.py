import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_ALLOWED_HOSTS": "dichvucong.example.gov.vn",
    "SMS_BACKEND": "notifications.gateways.HttpJsonGateway",
    "SMS_HTTP_URL": "https://sms.example.vn/api/send",
    "SMS_HTTP_API_KEY": "provider-key",
    "SMS_CALLBACK_SECRET": "c" * 40,
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "PORTAL_BASE_URL": "https://dichvucong.example.gov.vn",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_with_production_variables_prints_no_warning():
    secret = "k3y-" + "x9Qz#" * 12
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secret},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_loudly_on_a_development_sms_gateway():
    secret = "k3y-" + "x9Qz#" * 12
    result = _manage(
        "check",
        "--deploy",
        env={
            **PRODUCTION_ENV,
            "DJANGO_SECRET_KEY": secret,
            "SMS_BACKEND": "notifications.gateways.ConsoleGateway",
            "SMS_CALLBACK_SECRET": "",
        },
    )
    assert result.returncode != 0
    assert "portal.E001" in result.stderr
    assert "portal.E003" in result.stderr
