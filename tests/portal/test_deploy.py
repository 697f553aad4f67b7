"""The deployment files stay in step with the settings they serve."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _size_in_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def test_nginx_accepts_the_largest_upload_the_app_accepts():
    conf = (DEPLOY / "nginx" / "portal.conf").read_text()
    body = re.search(r"client_max_body_size\s+(\w+);", conf).group(1)
    assert _size_in_bytes(body) >= settings.UPLOAD_MAX_BYTES * 5  # several documents


def test_nginx_waits_longer_than_gunicorn():
    conf = (DEPLOY / "nginx" / "portal.conf").read_text()
    nginx_read = int(re.search(r"proxy_read_timeout\s+(\d+)s;", conf).group(1))
    gunicorn_conf = (DEPLOY / "gunicorn.conf.py").read_text()
    gunicorn_timeout = int(
        re.search(r'"GUNICORN_TIMEOUT", "(\d+)"', gunicorn_conf).group(1)
    )
    assert nginx_read > gunicorn_timeout


def test_gunicorn_configuration_loads():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "deploy/gunicorn.conf.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_units_refuse_to_start_on_unsafe_settings_and_never_run_as_root():
    for unit in ("portal-web.service", "portal-worker@.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        assert "check --deploy --fail-level WARNING" in text
        assert "User=portal" in text
    beat = (DEPLOY / "systemd" / "portal-beat.service").read_text()
    assert "User=portal" in beat
