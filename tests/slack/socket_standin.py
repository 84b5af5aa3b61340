"""A Socket Mode stand-in: a websocket server on 127.0.0.1 that pushes envelopes and collects acks."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid

from websockets.asyncio.server import serve


class SocketStandIn:
    def __init__(self) -> None:
        self.acks: list[dict] = []
        self._changed = threading.Condition()
        self._connections: set = set()
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self._thread.start()
        started.wait(10)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            self._server = await serve(self._session, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            started.set()
            await self._server.serve_forever()

        try:
            self._loop.run_until_complete(main())
        except asyncio.CancelledError:
            pass

    async def _session(self, websocket) -> None:
        with self._changed:
            self._connections.add(websocket)
            self._changed.notify_all()
        await websocket.send(json.dumps({"type": "hello", "num_connections": 1,
                                         "debug_info": {"host": "standin"}, "connection_info": {"app_id": "A1"}}))
        try:
            async for message in websocket:
                with self._changed:
                    self.acks.append(json.loads(message))
                    self._changed.notify_all()
        finally:
            with self._changed:
                self._connections.discard(websocket)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=test"

    def wait_connected(self, timeout: float = 20.0) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self._connections, timeout), "the app never connected"

    def push_event(self, payload: dict) -> str:
        """Deliver an Events API payload the way Slack does over Socket Mode; returns the envelope id."""
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False,
                    "retry_attempt": 0, "retry_reason": "", "payload": payload}
        with self._changed:
            connection = next(iter(self._connections))
        asyncio.run_coroutine_threadsafe(connection.send(json.dumps(envelope)), self._loop).result(10)
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 20.0) -> dict:
        with self._changed:
            assert self._changed.wait_for(
                lambda: any(a.get("envelope_id") == envelope_id for a in self.acks), timeout
            ), "the envelope was never acknowledged"
            return next(a for a in self.acks if a.get("envelope_id") == envelope_id)

    def close(self) -> None:
        async def stop() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._thread.join(10)
