"""Load driver for "submit with upload": one iteration is a citizen's whole submission.

    python -m bench.upload_driver --base URL --path PATH --header 'Authorization: Token …' \
        --connections N --seconds S --result FILE [--requests N]

Each iteration sends two requests on a kept-alive connection, as the citizen's browser
or app does: a multipart POST /api/v1/dossiers/ creating the draft with a small real
PDF attached as the procedure's mandatory documents, then POST
/api/v1/dossiers/{id}/transitions/submit/. The latency recorded is the sum (create +
upload + submit). `--path` is the create path with the form fields in its query string
(`procedure`, `receiving_agency`, `documents` = comma-separated required document ids),
as bench.scenarios builds it.

Why not wrk: the second request needs the id the first one returns, and wrk's Lua has
no per-connection state to chain them. This driver is a separate process with one
thread per connection; it needs only a few percent of a core at the tens of
submissions per second the portal sustains, and writes the same JSON as latency.lua.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BOUNDARY = "----bench-" + uuid.uuid4().hex


def small_pdf() -> bytes:
    """A one-page, valid PDF (≈600 bytes) with correct cross-reference offsets."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,  # the content stream, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 12 Tf 72 770 Td (To khai - ho so thu tai) Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def multipart_body(fields: dict[str, str], files: dict[str, bytes]) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, content in files.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="to-khai.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def create_body(path: str) -> tuple[str, bytes]:
    """(create path, multipart body) from the scenario's path with its query string."""
    parsed = urllib.parse.urlsplit(path)
    query = dict(urllib.parse.parse_qsl(parsed.query))
    pdf = small_pdf()
    fields = {
        "procedure": query["procedure"],
        "receiving_agency": query["receiving_agency"],
        "applicant_name": "Nguyễn Thị Thu Trang",
        "applicant_phone": "0912 345 678",
        "applicant_national_id": "022190012345",
        "summary": "Hồ sơ nộp trực tuyến (đo tải)",
    }
    files = {
        f"document_{document}": pdf
        for document in query.get("documents", "").split(",")
        if document
    }
    return parsed.path, multipart_body(fields, files)


CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


@dataclass
class Tally:
    latencies_us: list[int] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def one_submission(
    connection: http.client.HTTPConnection,
    create_path: str,
    body: bytes,
    headers: dict[str, str],
) -> int:
    """Create with the PDF, then submit; the status of the submission (201 expected
    from the create, 200 from the submit; anything else is returned as is)."""
    connection.request(
        "POST",
        create_path,
        body=body,
        headers={**headers, "Content-Type": CONTENT_TYPE},
    )
    answer = connection.getresponse()
    payload = answer.read()
    if answer.status != 201:
        return answer.status
    reference = json.loads(payload)["reference"]
    connection.request(
        "POST",
        f"{create_path}{reference}/transitions/submit/",
        body=b"{}",
        headers={**headers, "Content-Type": "application/json"},
    )
    answer = connection.getresponse()
    answer.read()
    return answer.status


def worker(
    *,
    base: str,
    create_path: str,
    body: bytes,
    headers: dict[str, str],
    stop_at: float,
    budget: list[int],
    tally: Tally,
) -> None:
    host = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname or "", host.port, timeout=30)
    try:
        while time.monotonic() < stop_at:
            with tally.lock:
                if budget[0] == 0:
                    return
                budget[0] -= 1
            started = time.perf_counter_ns()
            try:
                status = one_submission(connection, create_path, body, headers)
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                connection.close()
                with tally.lock:
                    tally.errors += 1
                continue
            elapsed = (time.perf_counter_ns() - started) // 1000
            with tally.lock:
                tally.latencies_us.append(elapsed)
                tally.statuses[str(status)] += 1
    finally:
        connection.close()


def run(
    *,
    base: str,
    path: str,
    headers: dict[str, str],
    connections: int,
    seconds: float,
    requests: int = -1,
) -> dict[str, object]:
    create_path, body = create_body(path)
    tally = Tally()
    budget = [requests]
    started = time.perf_counter()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=worker,
            kwargs={
                "base": base,
                "create_path": create_path,
                "body": body,
                "headers": headers,
                "stop_at": stop_at,
                "budget": budget,
                "tally": tally,
            },
        )
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration_us = int((time.perf_counter() - started) * 1e6)
    ordered = sorted(tally.latencies_us) or [0]

    def pct(p: int) -> int:  # nearest rank, as bench.run.percentile
        return ordered[
            min(len(ordered) - 1, max(0, math.ceil(len(ordered) * p / 100) - 1))
        ]

    return {
        "requests": len(tally.latencies_us),
        "duration_us": duration_us,
        "errors": {
            "connect": 0,
            "read": tally.errors,
            "write": 0,
            "status": 0,
            "timeout": 0,
        },
        "latency_us": {
            "min": ordered[0],
            "p50": pct(50),
            "p95": pct(95),
            "p99": pct(99),
            "max": ordered[-1],
        },
        # The submit answers 200; a failing create is counted under its own status.
        "statuses": dict(tally.statuses),
    }


def count_queries(client: Any, path: str, extra: dict[str, str]) -> None:
    """One submission through the Django test client (bench.run counts its queries)."""
    create_path, body = create_body(path)
    answer = client.generic(
        "POST", create_path, data=body, content_type=CONTENT_TYPE, **extra
    )
    reference = answer.json()["reference"]
    client.generic(
        "POST",
        f"{create_path}{reference}/transitions/submit/",
        data=b"{}",
        content_type="application/json",
        **extra,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=-1)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    headers = {
        name.strip(): value.strip()
        for name, value in (h.split(":", 1) for h in args.header)
    }
    result = run(
        base=args.base,
        path=args.path,
        headers=headers,
        connections=args.connections,
        seconds=args.seconds,
        requests=args.requests,
    )
    args.result.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
