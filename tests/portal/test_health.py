import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_healthz_reports_postgresql_and_redis_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["postgresql"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


def _healthz_in_subprocess(**env_overrides: str) -> tuple[int, dict]:
    """Ask /healthz in a fresh process whose services are set by the environment."""
    script = (
        "import django, json, sys\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "sys.stdout.write(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        **env_overrides,
    }
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(completed.stdout)
    return result["status"], result["body"]


def test_healthz_gives_503_not_500_when_postgresql_is_down():
    # Port 9 (discard) has no PostgreSQL: the connection is refused at once.
    status, body = _healthz_in_subprocess(
        DATABASE_URL="postgres://postgres@127.0.0.1:9/portal"
    )
    assert status == 503
    assert body["checks"]["postgresql"]["ok"] is False
    assert body["checks"]["redis"]["ok"] is True


def test_healthz_gives_503_when_redis_is_down():
    status, body = _healthz_in_subprocess(REDIS_URL="redis://127.0.0.1:9/0")
    assert status == 503
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["postgresql"]["ok"] is True
