"""HTTP for the watcher and webhooks: standard library only, polite and bounded.

Every request waits its turn per host (news sites block clients that hammer
them), gives up after a timeout, and is retried with exponential backoff when
the failure may pass (a timeout, a refused connection, HTTP 5xx or 429). A 4xx
is final: asking again gets the same answer.
"""
from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from marsad import __version__

USER_AGENT = f"marsad-watch/{__version__} (+https://example.invalid/marsad)"
SCHEMES = ("http", "https")


@dataclass(frozen=True)
class HttpPolicy:
    timeout: float = 20.0  # seconds for connecting and for each read
    retries: int = 2  # further attempts after a failure that may pass
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    host_delay: float = 2.0  # least seconds between two requests to one host
    max_bytes: int = 20 * 1024 * 1024  # a larger answer is refused, like a larger file


@dataclass(frozen=True)
class Response:
    status: int  # 200, or 304 when the resource has not changed since the ETag / date sent
    body: bytes
    headers: Message

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("Last-Modified")

    @property
    def charset(self) -> str | None:
        return self.headers.get_content_charset()


class FetchError(Exception):
    """A request that failed for good (after its retries); ``reason`` is one line."""

    def __init__(self, url: str, reason: str, transient: bool):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient  # True: may work next round (timeout, 5xx); False: 4xx, bad URL


class Http:
    """A client that remembers when it last asked each host."""

    def __init__(self, policy: HttpPolicy = HttpPolicy(), *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET, conditional when an ETag or Last-Modified from an earlier answer is given."""
        headers = {"If-None-Match": etag} if etag else {}
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._send(url, None, headers, self.policy.retries)

    def post_json(self, url: str, payload: object, retries: int | None = None) -> Response:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return self._send(url, body, {"Content-Type": "application/json; charset=utf-8"},
                          self.policy.retries if retries is None else retries)

    def _send(self, url: str, body: bytes | None, headers: dict[str, str], retries: int) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            # urllib would also open file:// and ftp:// links found in a feed; only the web is watched.
            raise FetchError(url, "not an http(s) URL", transient=False)
        attempt = 0
        while True:
            self._wait_turn(parts.hostname)
            try:
                return self._once(url, body, headers)
            except FetchError as exc:
                if not exc.transient or attempt >= retries:
                    raise
            finally:
                self._last[parts.hostname] = self._clock()
            self._sleep(self.policy.backoff * 2 ** attempt)
            attempt += 1

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self.policy.host_delay - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)

    def _once(self, url: str, body: bytes | None, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(url, data=body, headers={"User-Agent": USER_AGENT, **headers})
        try:
            with urllib.request.urlopen(request, timeout=self.policy.timeout) as answer:
                data = answer.read(self.policy.max_bytes + 1)
                if len(data) > self.policy.max_bytes:
                    raise FetchError(url, f"answer larger than {self.policy.max_bytes} bytes", transient=False)
                return Response(answer.status, data, answer.headers)
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Response(304, b"", exc.headers)
            raise FetchError(url, f"HTTP {exc.code} {exc.reason}",
                             transient=exc.code >= 500 or exc.code == 429) from None
        except (TimeoutError, socket.timeout):
            raise FetchError(url, f"timed out after {self.policy.timeout:g}s", transient=True) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise FetchError(url, f"timed out after {self.policy.timeout:g}s", transient=True) from None
            raise FetchError(url, f"cannot connect: {getattr(reason, 'strerror', None) or reason}",
                             transient=True) from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise FetchError(url, f"connection broken: {type(exc).__name__}", transient=True) from None
