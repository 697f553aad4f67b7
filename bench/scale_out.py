"""Throughput with one web process against two, and with public reads on a replica.

    .venv/bin/python -m bench.scale_out [--size 50000] [--duration 10] [--workers 1]

Starts a throwaway PostgreSQL primary and a streaming standby (tests/pg_replica.py,
private binaries, free ports), migrates and fills the primary (bench dossiers, 20
centres, 100 procedures: bench.dossier_detail_transition's generator), then measures
with wrk, for each configuration:

- "1 web process": one gunicorn (`--workers` sync workers) on the primary;
- "2 web processes": two gunicorns with the same workers each, one wrk per process
  at the same time (req/s summed, p95 the worse of the two);
- "2 web processes + replica": the same with DATABASE_REPLICA_URL set, so the reads
  wrapped in use_replica() (public catalogue and feedback pages) go to the standby.
  The clerk queue stays on the primary by design (staff must see what was just saved).

Scenarios: the clerk queue API (token), the public catalogue page and the public
feedback page. Redis is the one DATABASE_URL's services use (REDIS_URL). The dashboard
is not on this branch, so it is not measured here (see bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

from bench.run import (
    STATE_DIR,
    LoadError,
    Prepared,
    Server,
    check_once,
    ensure_tools,
    log,
    production_environment,
    run_wrk,
)
from bench.scenarios import Scenario
from tests.pg_replica import ReplicatedPair

DATABASE = "portal_bench_scale"

SETUP = """
import bench.dossier_detail_transition as b
from rest_framework.authtoken.models import Token
centres, procedures, clerk = b.ensure_world()
b.generate({size}, centres, procedures)
print(Token.objects.get_or_create(user=clerk)[0].key)
"""


@dataclass
class Result:
    config: str
    scenario: str
    per_second: float
    p95_ms: float
    bad: int


def _prepare(pair: ReplicatedPair, size: int) -> str:
    """Migrate and fill the primary; return the bench clerk's API token."""
    env = {
        **os.environ,
        **production_environment(pair.primary.url(DATABASE)),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    log("migrating the primary")
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"], env=env, check=True
        )
    log(f"generating {size:,} dossiers")
    done = subprocess.run(
        [sys.executable, "-c", SETUP.format(size=size)],
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.test_settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def _scenarios(token: str) -> list[Prepared]:
    return [
        Prepared(
            Scenario(name="clerk queue API", path="/api/v1/dossiers/?state=received"),
            ["/api/v1/dossiers/?state=received"],
            {"Authorization": f"Token {token}"},
        ),
        Prepared(
            Scenario(name="public catalogue page", path="/procedures/"),
            ["/procedures/", "/procedures/?page=2", "/procedures/?page=3"],
            {},
        ),
        Prepared(
            Scenario(name="public feedback page", path="/phan-anh/"), ["/phan-anh/"], {}
        ),
    ]


def _measure(
    config: str,
    servers: list[Server],
    prepared: Prepared,
    *,
    seconds: float,
    connections: int,
) -> Result:
    problem = check_once(servers[0].base, prepared)
    if problem:
        raise LoadError(f"{prepared.scenario.name}: {problem}")
    for server in servers:  # warm-up, all at once
        run_wrk(server.base, prepared, seconds=2, connections=connections)
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def drive(server: Server) -> None:
        try:
            results.append(
                run_wrk(server.base, prepared, seconds=seconds, connections=connections)
            )
        except LoadError as error:
            errors.append(error)

    threads = [threading.Thread(target=drive, args=(s,)) for s in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise LoadError(str(errors[0]))
    good = sum(r["statuses"].get("200", 0) / (r["duration_us"] / 1e6) for r in results)
    bad = sum(
        sum(n for code, n in r["statuses"].items() if code != "200")
        + sum(r["errors"].values())
        for r in results
    )
    p95 = max(r["latency_us"]["p95"] for r in results) / 1000
    return Result(config, prepared.scenario.name, good, p95, bad)


def _servers(count: int, workers: int, env: dict[str, str]) -> list[Server]:
    os.environ.update(env)
    servers = []
    for index in range(count):
        server = Server(workers)
        server.log_path = STATE_DIR / f"scale-out-gunicorn-{index}.log"
        server.start()
        servers.append(server)
    return servers


def _replica_tuples(pair: ReplicatedPair) -> int:
    value = pair.standby.sql(
        f"SELECT tup_returned FROM pg_stat_database WHERE datname = '{DATABASE}'"
    )
    return int(value or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)

    ensure_tools()
    pair = ReplicatedPair.create(database=DATABASE)
    results: list[Result] = []
    notes: list[str] = []
    try:
        token = _prepare(pair, args.size)
        base_env = production_environment(pair.primary.url(DATABASE))
        base_env["DATABASE_REPLICA_URL"] = ""
        configs = [
            ("1 web process", 1, base_env),
            ("2 web processes", 2, base_env),
            (
                "2 web processes + replica",
                2,
                {
                    **base_env,
                    "DATABASE_REPLICA_URL": pair.standby.url(DATABASE),
                    "DATABASE_REPLICA_MAX_LAG_SECONDS": "30",
                },
            ),
        ]
        for config, count, env in configs:
            servers = _servers(count, args.workers, env)
            before = _replica_tuples(pair)
            try:
                for prepared in _scenarios(token):
                    log(f"{config}: {prepared.scenario.name}")
                    try:
                        results.append(
                            _measure(
                                config,
                                servers,
                                prepared,
                                seconds=args.duration,
                                connections=args.connections,
                            )
                        )
                    except LoadError as error:
                        notes.append(f"Skipped: {config}: {error}")
            finally:
                for server in servers:
                    server.stop()
            notes.append(
                f"{config}: rows returned by the replica during the run: "
                f"{_replica_tuples(pair) - before:,}"
            )
    finally:
        pair.destroy()

    cpus = os.cpu_count()
    print(
        f"\nScale-out bench: {args.size:,} dossiers, {args.workers} sync worker(s) per "
        f"gunicorn process, {args.connections} wrk connections per process, "
        f"{args.duration:g} s per run, {cpus} CPU(s)\n"
    )
    print(f"| {'configuration':<27} | {'scenario':<22} | req/s | p95 ms | bad |")
    print(f"|{'-' * 29}|{'-' * 24}|------:|-------:|----:|")
    for r in results:
        print(
            f"| {r.config:<27} | {r.scenario:<22} | {r.per_second:5.0f} | "
            f"{r.p95_ms:6.1f} | {r.bad:3d} |"
        )
    print()
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
