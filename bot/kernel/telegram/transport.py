"""PTB's Bot API request interface over aiohttp, for every call the bot makes.

PTB's default transport is httpx, whose connection pool re-examines every connection for every
request: with 32 sends in flight that costs about 2 ms of CPU per message, so one process could
post only ~400 messages a second even with nothing else to do. aiohttp (already a dependency,
for the webhook server and the emulator) needs about 0.4 ms. The handlers' calls (status edits,
replies to commands) and long polling use it too.
"""

from __future__ import annotations

import time

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.kernel.metrics import Metrics, call_outcome, method_of

# PTB's marker for "not given by the caller": BaseRequest.DEFAULT_NONE is one, and its class is
# reached through it because PTB does not export it. Any such marker means "use our default",
# as in PTB's own HTTPXRequest.
_NOT_GIVEN = type(BaseRequest.DEFAULT_NONE)


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` with an aiohttp session and a bounded connection pool.

    With ``metrics``, every request is counted by method and outcome (the HTTP status, or a
    timeout or network failure) and timed.
    """

    def __init__(
        self,
        pool_size: int = 32,
        read_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        pool_timeout: float = 10.0,
        metrics: Metrics | None = None,
    ) -> None:
        self._metrics = metrics
        self._pool_size = pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        """The default read timeout in seconds."""
        return self._read

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        # Wider than BaseRequest's own types, which live in PTB's private modules: a float, None
        # (no timeout) or the "not given" marker.
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one request; timeouts and connection errors become PTB's errors."""
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = _seconds(read_timeout, self._read)
        connect = _seconds(connect_timeout, self._connect)
        pool = _seconds(pool_timeout, self._pool)
        # aiohttp has no write timeout (a text message is one small write); sock_read bounds the
        # wait for the answer, and `connect` covers waiting for a pooled connection plus connecting.
        timeout = aiohttp.ClientTimeout(
            total=None, connect=_sum(connect, pool), sock_connect=connect, sock_read=read
        )
        headers = {"User-Agent": self.USER_AGENT}
        data: aiohttp.FormData | bytes | None = None
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData(request_data.json_parameters)
                for name, (filename, content, mime) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:
                # A JSON body: cheaper to build than a form (aiohttp sets up a multipart writer
                # for every form, even a url-encoded one).
                data = request_data.json_payload
                headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        outcome = "network"
        try:
            async with self._session.request(
                method, url, data=data, timeout=timeout, headers=headers
            ) as response:
                body = await response.read()
                outcome = call_outcome(response.status)
                return response.status, body
        except aiohttp.ConnectionTimeoutError as exc:
            outcome = "timeout"
            raise TimedOut("Timed out connecting; the request was not sent") from exc
        except TimeoutError as exc:
            outcome = "timeout"
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        finally:
            if self._metrics is not None:
                self._metrics.telegram_call(method_of(url), outcome, time.perf_counter() - started)


def _seconds(given: object, default: float) -> float | None:
    if isinstance(given, _NOT_GIVEN):
        return default
    if given is None or isinstance(given, float):
        return given
    if isinstance(given, int):
        return float(given)
    raise TypeError(f"a timeout must be a number of seconds or None, not {type(given).__name__}")


def _sum(first: float | None, second: float | None) -> float | None:
    if first is None or second is None:
        return None
    return first + second
