"""A pytest plugin: no full phone or personal ID number in any log line written
while the whole suite runs (issue 10).

Every record that reaches the root logger during the session is formatted by the
production filter and formatter (portal.observability), exactly as the console
handler of settings.LOGGING writes it, and kept; the Celery worker processes that the
integration tests start write their own log files under test-output/, which are read
too. At the end of the session each line is scanned; a full +84/0 mobile number or a
12-digit ID number fails the run with the offending lines.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from portal.observability import ContextFilter, JsonFormatter

ROOT = Path(__file__).resolve().parents[1]
FULL_PHONE = re.compile(
    r"(?<![\d*])(?:\+84|84|0)(?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])\d{7}(?!\d)"
)
FULL_ID = re.compile(r"(?<![\d*])0\d{2}[0-9]\d{8}(?!\d)")


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.addFilter(ContextFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a broken record must not break the suite
            self.lines.append(f"<unformattable record from {record.name}>")


_collector = _Collector()


def pytest_sessionstart(session: pytest.Session) -> None:
    if getattr(session.config, "workerinput", None) is None:
        # The controller (or a plain run) starts from a clean slate: findings and
        # worker-process logs of earlier runs are not this run's.
        for path in (ROOT / "test-output").glob("celery-*.log"):
            path.unlink()
        for path in (ROOT / "test-output" / "log-scan").glob("*.txt"):
            path.unlink()
    logging.getLogger().addHandler(_collector)


# Request ids and task ids are hexadecimal: a run of 12 decimal digits inside one is
# not a personal number.
_IDENTIFIERS = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?<![0-9a-zA-Z])[0-9a-f]{32}(?![0-9a-zA-Z])"
)


def offending_lines(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        text = _IDENTIFIERS.sub("<id>", line)
        if FULL_PHONE.search(text) or FULL_ID.search(text):
            found.append(line)
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Each xdist worker writes what it found; the controller (or a plain run) reads
    every worker's findings and the worker processes' log files, and fails the run."""
    logging.getLogger().removeHandler(_collector)
    out = ROOT / "test-output" / "log-scan"
    out.mkdir(parents=True, exist_ok=True)
    worker = getattr(session.config, "workerinput", {}).get("workerid")
    found = offending_lines(_collector.lines)
    if worker is not None:
        (out / f"{worker}.txt").write_text("\n".join(found), encoding="utf-8")
        return
    for path in out.glob("*.txt"):
        found.extend(line for line in path.read_text().splitlines() if line)
        path.unlink()
    for path in (ROOT / "test-output").glob("celery-*.log"):
        found.extend(offending_lines(path.read_text(errors="replace").splitlines()))
    if found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "full phone or ID numbers in the logs:\n" + "\n".join(found[:20]),
                red=True,
            )
