"""What every platform API client shares: timeouts, retries with backoff (``stamina``),
rate limits honoured from the platform's own headers, and the results report and track use.

    PlatformError            an API call that failed; recorded by the caller, never fatal
    ├── NotConfigured        a credential or URL the call needs is not set
    ├── RateLimited          the platform's limit resets later than we are willing to wait
    ├── Unavailable          5xx, timeouts or connection errors after every retry
    └── ApiError             a response the platform's documentation does not explain

The HTTP client is passed in (``httpx.Client``): tests hand one a mock transport, the demo
and end-to-end tests point it at the platform simulator on 127.0.0.1.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Mapping, Sequence

import httpx
import stamina

from hydrawatch.errors import HydrawatchError
from hydrawatch.platforms.base import AccountRef

# stamina logs each scheduled retry as a bare WARNING; without an application logging setup
# Python's last-resort handler would print "stamina.retry_scheduled" lines into the CLI.
logging.getLogger("stamina").addHandler(logging.NullHandler())

# Status strings written by `track` (COORDINATION: shared vocabulary for issue 11).
ACTIVE, SUSPENDED, NOT_FOUND, DEACTIVATED, TAKENDOWN, UNKNOWN = (
    "active", "suspended", "not_found", "deactivated", "takendown", "unknown")
STATUSES = (ACTIVE, SUSPENDED, NOT_FOUND, DEACTIVATED, TAKENDOWN, UNKNOWN)
REMOVED = (SUSPENDED, NOT_FOUND, DEACTIVATED, TAKENDOWN)

DEFAULT_TIMEOUT = 10.0    # seconds per request
DEFAULT_MAX_WAIT = 60.0   # longest rate-limit wait taken in-line; longer -> RateLimited
DEFAULT_ATTEMPTS = 4


class PlatformError(HydrawatchError):
    """An API call that failed. ``retry_at`` says when trying again makes sense."""

    def __init__(self, message: str, *, retry_at: datetime | None = None):
        super().__init__(message)
        self.retry_at = retry_at
        self.partial: list[StatusResult] = []  # what a batch learnt before it failed


class NotConfigured(PlatformError):
    pass


class RateLimited(PlatformError):
    pass


class Unavailable(PlatformError):
    pass


class ApiError(PlatformError):
    pass


@dataclass(frozen=True)
class StatusResult:
    """What the platform said about one account."""

    ref: AccountRef               # as asked
    status: str                   # one of STATUSES
    account_id: str | None = None  # as the platform answered (may fill in an id asked by handle)
    handle: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ReportRequest:
    """One account to report. ``predecessor`` is set for a linked re-entry: it is then
    reported as ban evasion, citing the suspended account it replaces."""

    case_id: int
    platform: str
    account_id: str
    handle: str | None
    category: str | None = None
    post_ids: Sequence[str] = ()
    evidence: Sequence[str] = ()          # sha256 of each evidence item
    predecessor: AccountRef | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReportReceipt:
    reference: str
    extra: dict = field(default_factory=dict)


class _Throttled(Exception):
    def __init__(self, response: httpx.Response, reset_at: float | None):
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.reset_at = reset_at


class _ServerError(Exception):
    def __init__(self, response: httpx.Response):
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def unix_reset(value: str) -> float | None:
    """A reset header given in Unix seconds (X, Bluesky)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def iso_reset(value: str) -> float | None:
    """A reset header given as an ISO 8601 time (Mastodon)."""
    from hydrawatch.timeutil import parse_time

    try:
        dt = parse_time(value)
    except (TypeError, ValueError):
        return None
    return dt.timestamp() if dt else None


class PlatformClient(ABC):
    """One platform's API. Subclasses map requests and responses; this class sends them."""

    platform: str
    batch_size: int = 1
    remaining_header: str
    reset_header: str

    def __init__(self, http: httpx.Client, env: Mapping[str, str], *,
                 timeout: float | None = None, max_wait: float | None = None,
                 attempts: int = DEFAULT_ATTEMPTS):
        self.http = http
        self.env = env
        self.timeout = float(env.get("HYDRAWATCH_HTTP_TIMEOUT") or timeout or DEFAULT_TIMEOUT)
        self.max_wait = float(env.get("HYDRAWATCH_RATE_LIMIT_MAX_WAIT") or max_wait
                              or DEFAULT_MAX_WAIT)
        self.attempts = attempts
        self.clock: Callable[[], float] = time.time   # wall clock: rate limits are real time
        self.sleep: Callable[[float], None] = time.sleep
        self.not_before: float = 0.0                   # from the last "remaining: 0"
        self.requests = 0

    # -- what a platform maps ----------------------------------------------------------------
    @abstractmethod
    def check(self, refs: Sequence[AccountRef]) -> list[StatusResult]:
        """The status of up to ``batch_size`` accounts. Raises PlatformError when the
        platform could not be asked; accounts it could not tell about come back UNKNOWN."""

    def report(self, request: ReportRequest) -> ReportReceipt:
        raise NotConfigured(f"{self.platform} has no report endpoint; prepare a report pack")

    @abstractmethod
    def parse_reset(self, value: str) -> float | None:
        """The platform's reset header as Unix seconds."""

    # -- sending -----------------------------------------------------------------------------
    def send(self, method: str, url: str, **kwargs) -> httpx.Response:
        """One request with retries: 5xx, timeouts and connection errors back off
        exponentially; a 429 waits until the platform's reset time (when that is within
        ``max_wait``). Any other status is returned for the caller to map."""
        try:
            for attempt in stamina.retry_context(on=self._backoff, attempts=self.attempts,
                                                 timeout=None, wait_initial=0.2, wait_max=10.0):
                with attempt:
                    return self._send_once(method, url, **kwargs)
        except _Throttled as exc:
            retry_at = datetime.fromtimestamp(exc.reset_at, timezone.utc) if exc.reset_at else None
            raise RateLimited(f"{self.platform}: rate limited until "
                              f"{retry_at.isoformat() if retry_at else 'unknown'}",
                              retry_at=retry_at) from None
        except _ServerError as exc:
            raise Unavailable(f"{self.platform}: HTTP {exc.response.status_code} from "
                              f"{_where(url)} after {self.attempts} attempts") from None
        except httpx.TimeoutException:
            raise Unavailable(f"{self.platform}: timed out ({self.timeout:g} s) on {_where(url)} "
                              f"after {self.attempts} attempts") from None
        except httpx.TransportError as exc:
            raise Unavailable(f"{self.platform}: {type(exc).__name__} on {_where(url)}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, method: str, url: str, **kwargs) -> httpx.Response:
        wait = self.not_before - self.clock()
        if wait > 0:
            if wait > self.max_wait:
                raise _Throttled(httpx.Response(429), self.not_before)
            self.sleep(wait)
            self.not_before = 0.0
        self.requests += 1
        response = self.http.request(method, url, timeout=self.timeout, **kwargs)
        reset = self._reset_of(response)
        if response.status_code == 429:
            self.not_before = reset if reset is not None else self.clock() + 1.0
            raise _Throttled(response, reset)
        if response.headers.get(self.remaining_header) == "0" and reset is not None:
            self.not_before = reset
        if response.status_code >= 500:
            raise _ServerError(response)
        return response

    def _reset_of(self, response: httpx.Response) -> float | None:
        value = response.headers.get(self.reset_header)
        return self.parse_reset(value) if value else None

    def _backoff(self, exc: Exception) -> bool | float:
        if isinstance(exc, _Throttled):
            # The wait itself happens before the next attempt (``not_before``), where it is
            # checked against max_wait; here only say "retry now".
            return 0.0 if self.not_before - self.clock() <= self.max_wait else False
        return isinstance(exc, (_ServerError, httpx.TimeoutException, httpx.TransportError))

    # -- helpers -----------------------------------------------------------------------------
    def need_env(self, *names: str) -> list[str]:
        missing = [n for n in names if not self.env.get(n)]
        if missing:
            raise NotConfigured(f"{self.platform}: set {' and '.join(missing)}")
        return [self.env[n] for n in names]

    @staticmethod
    def json_of(response: httpx.Response, what: str):
        try:
            return response.json()
        except ValueError:
            raise ApiError(f"{what}: HTTP {response.status_code}, not JSON") from None


def _where(url: str) -> str:
    return httpx.URL(url).path


def batches(items: Sequence, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]
