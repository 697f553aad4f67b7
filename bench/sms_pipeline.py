"""Benchmark the SMS outbox: throughput through one worker, and latency at a steady rate.

    eval "$(scripts/services.sh up)"
    DJANGO_SECRET_KEY=... .venv/bin/python manage.py migrate
    DJANGO_SECRET_KEY=... .venv/bin/python -m bench.sms_pipeline --messages 2000 --rate 50

Starts a local stand-in provider (tests/integration/sms_provider.py) and one Celery
worker process (`--concurrency` pool children) on a private queue, against the
database and Redis of the environment. Throughput: N messages committed at once, timed
from the commit to the provider accepting the last one. Latency: one message per
transaction at `--rate` a second, timed from commit to the provider accepting it.
Bench rows are deleted at the end.
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.db import transaction  # noqa: E402

from notifications.models import SmsMessage  # noqa: E402
from notifications.services import sms_enqueue  # noqa: E402
from portal.celery import app as celery_app  # noqa: E402
from tests.integration.sms_provider import FakeSmsProvider  # noqa: E402

API_KEY = "bench-key"


def start_worker(
    queue: str, provider: FakeSmsProvider, concurrency: int
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SMS_BACKEND": "notifications.gateways.HttpJsonGateway",
        "SMS_HTTP_URL": provider.url,
        "SMS_HTTP_API_KEY": API_KEY,
        "SMS_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
    }
    log = (ROOT / "test-output").joinpath("bench-sms-worker.log")
    log.parent.mkdir(exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                queue,
                "-c",
                str(concurrency),
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if celery_app.control.ping(
            destination=[f"{queue}@{os.uname()[1]}"], timeout=0.5
        ):
            return process
    process.kill()
    raise SystemExit("worker did not start; see test-output/bench-sms-worker.log")


def enqueue(run: str, i: int, prefix: int) -> None:
    sms_enqueue(
        event="received",
        phone=f"+8491{(prefix + i) % 10**7:07d}",
        channel="counter",
        context={"code": f"000.00.15.H49-261128-{i:04d}", "appointment": "05/12/2026"},
        idempotency_key=f"bench-{run}-{i}",
        dossier_code=f"000.00.15.H49-261128-{i:04d}",
    )


def wait_for(provider: FakeSmsProvider, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(provider.deliveries) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(provider.deliveries)} of {count} arrived")
        time.sleep(0.01)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (the worker's pool)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def throughput(
    provider: FakeSmsProvider, run: str, count: int, prefix: int, worker_pid: int
) -> tuple[float, float]:
    """Messages a second from the commit to the last acceptance, and worker CPU ms each."""
    cpu_before = cpu_seconds(worker_pid)
    with transaction.atomic():
        for i in range(count):
            enqueue(run, i, prefix)
        start = time.time()  # the tasks are published by the commit below
    wait_for(provider, count, 600)
    last = max(d.accepted_at for d in provider.deliveries)
    cpu_ms = (cpu_seconds(worker_pid) - cpu_before) * 1000 / count
    return count / (last - start), cpu_ms


def latency(
    provider: FakeSmsProvider, run: str, rate: float, seconds: float, prefix: int
) -> list[float]:
    committed: dict[str, float] = {}
    total = int(rate * seconds)
    begin = time.monotonic()
    for i in range(total):
        target = begin + i / rate
        time.sleep(max(0.0, target - time.monotonic()))
        with transaction.atomic():
            enqueue(run, i, prefix)
        committed[f"bench-{run}-{i}"] = time.time()
    wait_for(provider, total, 120)
    return sorted(
        d.accepted_at - committed[d.client_ref]
        for d in provider.deliveries
        if d.client_ref in committed
    )


@dataclass(frozen=True)
class PipelineResult:
    messages_per_second: float
    cpu_ms_per_message: float
    latencies: list[float]  # seconds, sorted


def measure(
    *, messages: int, rate: float, seconds: float, concurrency: int
) -> PipelineResult:
    """Start the local provider and one worker, run both measures, clean up."""
    queue = f"bench-sms-{uuid.uuid4().hex[:6]}"
    celery_app.conf.task_routes = {"notifications.*": {"queue": queue}}
    prefix = secrets.randbelow(10**7)
    provider = FakeSmsProvider(api_key=API_KEY).start()
    worker = start_worker(queue, provider, concurrency)
    run = uuid.uuid4().hex[:8]
    try:
        rate_done, cpu_ms = throughput(
            provider, run + "t", messages, prefix, worker.pid
        )
        provider.state.deliveries.clear()
        lat = latency(provider, run + "l", rate, seconds, prefix + messages)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        provider.stop()
        SmsMessage.objects.filter(idempotency_key__startswith=f"bench-{run}").delete()
    return PipelineResult(rate_done, cpu_ms, lat)


def _pct(ordered: list[float], pct: float) -> float:
    return ordered[
        min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))
    ]


def run_for_harness(context: Any) -> list[Any]:
    """The SMS row of bench.run (bench.scenarios.MeasureContext in, MeasureResult out):
    messages per second from a burst committed at once, and the latency from commit to
    the provider's acceptance at a steady rate, through one real worker."""
    from bench.scenarios import MeasureResult  # noqa: PLC0415

    messages = 300 if context.quick else 2000
    rate = 20.0 if context.quick else 50.0
    seconds = min(context.duration, 5.0) if context.quick else context.duration
    concurrency = 4
    result = measure(
        messages=messages, rate=rate, seconds=seconds, concurrency=concurrency
    )
    lat = result.latencies
    return [
        MeasureResult(
            name=f"SMS pipeline: commit → worker → local provider ({concurrency} processes)",
            median_ms=statistics.median(lat) * 1000,
            p95_ms=_pct(lat, 95) * 1000,
            p99_ms=_pct(lat, 99) * 1000,
            per_second=result.messages_per_second,
            note=(
                f"req/s = messages/s of a burst of {messages}; latency at {rate:g}/s "
                f"for {seconds:g} s ({len(lat)} messages); worker CPU "
                f"{result.cpu_ms_per_message:.1f} ms/message"
            ),
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    result = measure(
        messages=args.messages,
        rate=args.rate,
        seconds=args.seconds,
        concurrency=args.concurrency,
    )
    rate, cpu_ms, lat = (
        result.messages_per_second,
        result.cpu_ms_per_message,
        result.latencies,
    )
    p50 = statistics.median(lat) * 1000
    p95 = _pct(lat, 95) * 1000
    print(
        f"worker concurrency {args.concurrency}, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"worker CPU per message: {cpu_ms:.2f} ms (main process and pool)")
    print(
        f"throughput: {rate:.0f} messages/s ({args.messages} messages, commit to last accepted)"
    )
    print(
        f"latency at {args.rate:.0f}/s for {args.seconds:.0f}s ({len(lat)} messages): "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (commit to provider accepted)"
    )


if __name__ == "__main__":
    main()
