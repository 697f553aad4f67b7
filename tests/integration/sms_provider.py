"""A local HTTP server standing in for the SMS provider, over a real socket.

It speaks the HttpJsonGateway protocol: POST JSON {to, from, text, client_ref} with a
Bearer key; it answers {"message_id"}. Like real providers it dedupes on client_ref:
a repeated client_ref gets the original message id and is not delivered again. It
records every request, can fail on demand (the next N requests, or for a time window,
or accept a message and then drop the connection before answering), and can post
signed delivery receipts to the portal.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from notifications.gateways import SIGNATURE_HEADER, sign_receipt


@dataclass
class Delivery:
    message_id: str
    to: str
    text: str
    client_ref: str
    sender: str
    accepted_at: float


@dataclass
class ProviderState:
    api_key: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    fail_remaining: int = 0
    fail_status: int = 500
    fail_until: float = 0.0
    drop_remaining: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        state = self.server.state
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = {}
        outcome = self._decide(state, payload)
        if outcome is None:
            # Accepted, then the connection dies before the answer (a crash "between
            # provider accepted and we saved sent").
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, answer = outcome
        self._answer(status, answer)

    def _decide(  # noqa: PLR0911 - one answer per failure mode
        self, state: ProviderState, payload: dict[str, Any]
    ) -> tuple[int, dict[str, Any]] | None:
        with state.lock:
            state.requests.append(
                {
                    **payload,
                    "idempotency_key": self.headers.get("Idempotency-Key"),
                    "at": time.time(),
                }
            )
            if self.headers.get("Authorization") != f"Bearer {state.api_key}":
                return 401, {"error": "bad credentials"}
            if state.fail_remaining > 0:
                state.fail_remaining -= 1
                return state.fail_status, {"error": "failure on demand"}
            if time.time() < state.fail_until:
                return 503, {"error": "outage on demand"}
            if not all(payload.get(k) for k in ("to", "text", "client_ref")):
                return 400, {"error": "to, text and client_ref are required"}
            ref = payload["client_ref"]
            existing = state.deliveries.get(ref)
            if existing is not None:
                return 200, {"message_id": existing.message_id, "duplicate": True}
            delivery = Delivery(
                message_id=f"prov-{uuid.uuid4().hex}",
                to=payload["to"],
                text=payload["text"],
                client_ref=ref,
                sender=payload.get("from", ""),
                accepted_at=time.time(),
            )
            state.deliveries[ref] = delivery
            self.server.receipts.put(delivery)
            if state.drop_remaining > 0:
                state.drop_remaining -= 1
                return None
            return 200, {"message_id": delivery.message_id}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ProviderState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.receipts: queue.Queue[Delivery] = queue.Queue()


class FakeSmsProvider:
    def __init__(
        self,
        *,
        api_key: str = "test-key",
        callback_url: str = "",
        callback_secret: str = "",
    ) -> None:
        self.state = ProviderState(api_key=api_key)
        self.server = _Server(self.state)
        self.callback_url = callback_url
        self.callback_secret = callback_secret
        self.receipts_posted: list[tuple[str, int]] = []
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/messages"

    def start(self) -> FakeSmsProvider:
        serve = threading.Thread(target=self.server.serve_forever, daemon=True)
        serve.start()
        self._threads.append(serve)
        if self.callback_url:
            poster = threading.Thread(target=self._post_receipts, daemon=True)
            poster.start()
            self._threads.append(poster)
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    # --- failure on demand -----------------------------------------------------------
    def fail_next(self, count: int, *, status: int = 500) -> None:
        with self.state.lock:
            self.state.fail_remaining, self.state.fail_status = count, status

    def fail_for(self, seconds: float) -> None:
        with self.state.lock:
            self.state.fail_until = time.time() + seconds

    def drop_after_accept(self, count: int) -> None:
        with self.state.lock:
            self.state.drop_remaining = count

    # --- what happened ---------------------------------------------------------------
    @property
    def deliveries(self) -> list[Delivery]:
        with self.state.lock:
            return list(self.state.deliveries.values())

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return list(self.state.requests)

    def handsets(self) -> Counter[tuple[str, str]]:
        """How many times each (phone, text) reached a handset: 1 each means exactly once."""
        return Counter((d.to, d.text) for d in self.deliveries)

    # --- delivery receipts -----------------------------------------------------------
    def receipt(
        self, delivery: Delivery, *, status: str = "delivered"
    ) -> tuple[bytes, str]:
        body = json.dumps(
            {
                "message_id": delivery.message_id,
                "client_ref": delivery.client_ref,
                "status": status,
                "error": "" if status == "delivered" else "handset unreachable",
            }
        ).encode()
        return body, sign_receipt(body, secret=self.callback_secret)

    def _post_receipts(self) -> None:
        while not self._stopping.is_set():
            try:
                delivery = self.server.receipts.get(timeout=0.2)
            except queue.Empty:
                continue
            body, signature = self.receipt(delivery)
            request = urllib.request.Request(  # noqa: S310 - local test server
                self.callback_url,
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: signature,
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    self.receipts_posted.append((delivery.client_ref, response.status))
            except OSError as exc:
                self.receipts_posted.append(
                    (delivery.client_ref, getattr(exc, "code", 0))
                )
