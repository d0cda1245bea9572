"""``hydrawatch sim platform``: a local HTTP server speaking the platforms' documented
endpoints over a simulated world (``platform_world.py``), for the demo, end-to-end tests and
benchmarks. It binds 127.0.0.1 only.

    X v2       GET  /2/users?ids=            GET /2/users/by?usernames=
    Mastodon   GET  /api/v1/accounts/lookup  GET /api/v1/instance/rules  POST /api/v1/reports
    Bluesky    GET  /xrpc/app.bsky.actor.getProfiles   GET /xrpc/app.bsky.actor.getProfile
               POST /xrpc/com.atproto.server.createSession
               POST /xrpc/com.atproto.moderation.createReport
    sim only   GET/POST /_sim/clock (virtual time; {"advance_seconds": n} or {"now": iso})
               POST /_sim/flag (a report pack received: {"platform", "account_ids"})
               GET  /_sim/truth (every moderation decision)   GET /_sim/stats

Each platform is rate-limited in fixed windows of wall-clock time with its own headers
(X ``x-rate-limit-*`` in Unix seconds, Mastodon ``X-RateLimit-*`` ISO 8601, Bluesky
``RateLimit-*`` Unix seconds), and any request may fail with a 503 or stall past the
client's timeout. More endpoints register with ``@route(method, path)``.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import numpy as np
import orjson

from hydrawatch.sim.platform_world import PlatformWorld
from hydrawatch.timeutil import iso, parse_time

HOST = "127.0.0.1"


@dataclass
class ServerConfig:
    rate_limit: int = 300          # requests per window, per platform
    rate_window: float = 1.0       # seconds of wall-clock time
    fail_rate: float = 0.0         # share of requests answered 503
    stall_rate: float = 0.0        # share of requests that stall past the client's timeout
    stall_seconds: float = 2.0
    seed: int = 0
    hold_at: int = 0               # tests: the Nth platform request waits for ``release``


@dataclass
class SimRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    world: PlatformWorld
    params: dict[str, str] = field(default_factory=dict)   # ``{name}`` segments of the path
    url: str = ""                                          # as asked (for Link headers)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self):
        try:
            return orjson.loads(self.body or b"null")
        except orjson.JSONDecodeError:
            return None

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)


@dataclass
class SimResponse:
    status: int
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[SimRequest], SimResponse]
ROUTES: dict[tuple[str, str], tuple[str, Handler]] = {}
PATTERNS: list[tuple[str, re.Pattern, str, Handler]] = []   # paths with ``{name}`` segments


def route(method: str, path: str, platform: str = "sim"):
    """Register an endpoint (``platform`` picks its rate-limit headers; "sim" has none).
    ``{name}`` in the path matches one segment, handed to the handler as ``req.params``."""
    def register(fn: Handler) -> Handler:
        if "{" in path:
            rx = re.compile("^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$")
            PATTERNS.append((method, rx, platform, fn))
        else:
            ROUTES[(method, path)] = (platform, fn)
        return fn
    return register


def find_route(method: str, path: str) -> tuple[str, Handler, dict[str, str]] | None:
    found = ROUTES.get((method, path))
    if found is not None:
        return found[0], found[1], {}
    for m, rx, platform, fn in PATTERNS:
        match = rx.match(path) if m == method else None
        if match:
            return platform, fn, match.groupdict()
    return None


class _Limiter:
    """Fixed windows of ``window`` seconds of wall-clock time, per platform."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self.counts: dict[tuple[str, int], int] = {}
        self.lock = threading.Lock()

    def take(self, platform: str) -> tuple[bool, int, float]:
        """(allowed, remaining, reset as Unix seconds)."""
        now = time.time()
        slot = int(now // self.window)
        reset = (slot + 1) * self.window
        with self.lock:
            used = self.counts.get((platform, slot), 0) + 1
            self.counts[(platform, slot)] = used
            if len(self.counts) > 64:
                self.counts = {k: v for k, v in self.counts.items() if k[1] >= slot}
        return used <= self.limit, max(self.limit - used, 0), reset


def limit_headers(platform: str, limit: int, remaining: int, reset: float) -> dict[str, str]:
    if platform == "x":
        return {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(remaining),
                "x-rate-limit-reset": str(math.ceil(reset))}
    if platform == "mastodon":
        when = datetime.fromtimestamp(reset, timezone.utc).isoformat(timespec="microseconds")
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": when.replace("+00:00", "Z")}
    if platform == "bluesky":
        return {"RateLimit-Limit": str(limit), "RateLimit-Remaining": str(remaining),
                "RateLimit-Reset": str(math.ceil(reset)), "RateLimit-Policy": f"{limit};w={limit}"}
    return {}


TOO_MANY = {"x": {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
                  "status": 429},
            "mastodon": {"error": "Too many requests"},
            "bluesky": {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}}


class PlatformSimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, world: PlatformWorld, config: ServerConfig | None = None, port: int = 0):
        self.world = world
        self.config = config or ServerConfig()
        self.limiter = _Limiter(self.config.rate_limit, self.config.rate_window)
        self.rng = np.random.default_rng(self.config.seed + 1)
        self.rng_lock = threading.Lock()
        self.stats: dict[str, int] = {}
        self.log: list[str] = []   # "STATUS METHOD path?query" of every platform request, in order
        self.held = threading.Event()     # set while the ``hold_at``-th request waits
        self.release = threading.Event()
        self.platform_requests = 0
        super().__init__((HOST, port), _RequestHandler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"

    def count(self, key: str) -> None:
        with self.rng_lock:
            self.stats[key] = self.stats.get(key, 0) + 1

    def draw(self) -> float:
        with self.rng_lock:
            return float(self.rng.random())


class _RequestHandler(BaseHTTPRequestHandler):
    server: PlatformSimServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stalls

    def log_message(self, format, *args):  # quiet: the demo prints its own progress
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        found = find_route(method, parts.path)
        if found is None:
            return self._send(SimResponse(404, {"error": "Not Found"}))
        platform, handler, params = found
        srv, cfg = self.server, self.server.config
        srv.count(f"{platform} {method} {parts.path}")
        headers: dict[str, str] = {}
        if platform != "sim":
            self._logged = f"{method} {self.path}"
            with srv.rng_lock:
                srv.platform_requests += 1
                hold = srv.platform_requests == cfg.hold_at
            if hold:  # a client killed now never receives this answer: logged "held"
                srv.held.set()
                srv.release.wait(60)
                self._logged = f"held {self._logged}"
            ok, remaining, reset = srv.limiter.take(platform)
            headers = limit_headers(platform, cfg.rate_limit, remaining, reset)
            if not ok:
                srv.count("429")
                return self._send(SimResponse(429, TOO_MANY.get(platform), headers))
            roll = srv.draw()
            if roll < cfg.fail_rate:
                srv.count("503")
                return self._send(SimResponse(503, {"error": "Service Unavailable"}, headers))
            if roll < cfg.fail_rate + cfg.stall_rate:
                srv.count("stall")
                time.sleep(cfg.stall_seconds)
        req = SimRequest(method, parts.path, parse_qs(parts.query, keep_blank_values=True),
                         {k.lower(): v for k, v in self.headers.items()}, body, srv.world, params,
                         f"http://{self.headers.get('Host') or HOST}{self.path}")
        response = handler(req)
        response.headers = {**headers, **response.headers}
        self._send(response)

    def _send(self, response: SimResponse) -> None:
        logged, self._logged = getattr(self, "_logged", None), None
        if logged:
            entry = logged if logged.startswith("held ") else f"{response.status} {logged}"
            with self.server.rng_lock:
                self.server.log.append(entry)
        payload = b"" if response.body is None else orjson.dumps(response.body)
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in response.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a stall)
            pass


# -- sim-only endpoints -------------------------------------------------------------------------

@route("GET", "/_sim/clock")
def _clock(req: SimRequest) -> SimResponse:
    return SimResponse(200, {"now": iso(req.world.now)})


@route("POST", "/_sim/clock")
def _set_clock(req: SimRequest) -> SimResponse:
    body = req.json() or {}
    if "advance_seconds" in body:
        req.world.advance(float(body["advance_seconds"]))
    elif "now" in body:
        req.world.set_now(parse_time(body["now"]))
    return SimResponse(200, {"now": iso(req.world.now)})


@route("POST", "/_sim/flag")
def _flag(req: SimRequest) -> SimResponse:
    """A report pack reached the platform's trusted-flagger, legal or abuse channel."""
    body = req.json() or {}
    platform = str(body.get("platform") or "")
    ids = []
    for account_id in body.get("account_ids") or []:
        acc = req.world.by_id(platform, str(account_id))
        if acc is not None:
            ids.append(req.world.report(acc, channel="pack"))
    return SimResponse(200, {"received": len(ids)})


@route("GET", "/_sim/truth")
def _truth(req: SimRequest) -> SimResponse:
    return SimResponse(200, req.world.truth())


def stats_of(server: PlatformSimServer) -> dict:
    return dict(sorted(server.stats.items()))


@contextlib.contextmanager
def running(world: PlatformWorld, config: ServerConfig | None = None, port: int = 0) -> Iterator[PlatformSimServer]:
    """The simulator serving in a background thread; stopped on exit."""
    from hydrawatch.sim import collect_endpoints, platform_endpoints  # noqa: F401  (register routes)

    server = PlatformSimServer(world, config, port)
    thread = threading.Thread(target=server.serve_forever, name="platform-sim", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@route("GET", "/_sim/stats")
def _stats(req: SimRequest) -> SimResponse:
    return SimResponse(200, {"accounts": len(req.world.accounts), "reports": len(req.world.reports)})
