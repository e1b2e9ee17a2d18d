"""HTTP plumbing for the sandbox: a route table, the request wrapper, the handler class, and
the authentication and fault injection every Razorpay API call goes through."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import time
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .store import ApiError

_ROUTES: list[tuple[str, re.Pattern, object]] = []


def route(method: str, pattern: str):
    def register(func):
        _ROUTES.append((method, re.compile("^" + pattern + "$"), func))
        return func

    return register


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler, sandbox):
        self.handler = handler
        self.sandbox = sandbox
        parts = urlsplit(handler.path)
        self.path = parts.path.rstrip("/") or "/"
        self.query_lists = parse_qs(parts.query, keep_blank_values=True)
        self.query = {k: v[-1] for k, v in self.query_lists.items()}
        length = int(handler.headers.get("Content-Length") or 0)
        self.raw = handler.rfile.read(length) if length else b""

    def json(self) -> dict:
        if not self.raw:
            return {}
        ctype = self.handler.headers.get("Content-Type", "")
        if "application/x-www-form-urlencoded" in ctype:
            return {k: v[-1] for k, v in parse_qs(self.raw.decode()).items()}
        try:
            data = json.loads(self.raw)
        except ValueError as exc:
            raise ApiError("The request body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise ApiError("The request body must be a JSON object.")
        return data

    def expand(self) -> tuple[str, ...]:
        values = self.query_lists.get("expand[]", []) + self.query_lists.get("expand", [])
        return tuple(values)


class Disconnect(Exception):
    pass


@dataclass
class Redirect:
    location: str


def make_handler(sandbox):
    class Handler(BaseHTTPRequestHandler):
        server_version = "RazorpaySandbox/1.0"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            if sandbox.log_requests:
                super().log_message(format, *args)

        def do_GET(self):
            self._dispatch("GET")

        def do_POST(self):
            self._dispatch("POST")

        def do_PATCH(self):
            self._dispatch("PATCH")

        def do_DELETE(self):
            self._dispatch("DELETE")

        def do_OPTIONS(self):
            # CORS preflight for checkout.js's calls from the site's origin.
            self.send_response(204)
            self._cors()
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Authorization")
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _cors(self):
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
            self.send_header("Vary", "Origin")

        def _send(self, status: int, body: bytes, content_type: str, cors: bool = False):
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                if cors:
                    self._cors()
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                # The caller gave up (an injected slow answer outlived its timeout).
                self.close_connection = True

        def _redirect(self, location: str):
            self.send_response(303)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _dispatch(self, method: str):
            try:
                request = Request(self, sandbox)
            except ValueError:
                self._send(400, b'{"error": {"code": "BAD_REQUEST_ERROR"}}', "application/json")
                return
            cors = request.path.startswith(("/v1/checkout", "/v1/methods", "/methods"))
            try:
                for route_method, pattern, view in _ROUTES:
                    match = pattern.match(request.path)
                    if match and route_method == method:
                        status, payload = view(request, *match.groups())
                        break
                else:
                    raise ApiError(
                        "The requested URL was not found on the server.",
                        status=404,
                        reason="NA",
                        source="NA",
                        step="NA",
                    )
            except Disconnect:
                self.close_connection = True
                return
            except ApiError as exc:
                status, payload = exc.status, exc.body
            except Exception as exc:  # a sandbox bug: answer like Razorpay's 500, keep serving
                traceback.print_exc()
                error = ApiError(f"Sandbox error: {type(exc).__name__}: {exc}", status=500)
                error.body["error"]["code"] = "SERVER_ERROR"
                status, payload = 500, error.body
            if isinstance(payload, Redirect):
                self._redirect(payload.location)
            elif isinstance(payload, tuple):  # (bytes, content type)
                self._send(status, payload[0], payload[1], cors=cors)
            else:
                self._send(
                    status, json.dumps(payload).encode(), "application/json; charset=utf-8", cors
                )

    return Handler


# --- API handlers: each returns (status, payload) ---------------------------------------------
def authenticate(request: Request, *, public: bool = False) -> None:
    account = request.sandbox.account
    header = request.handler.headers.get("Authorization", "")
    key_id = secret = None
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        key_id, _, secret = decoded.partition(":")
    elif public:
        key_id, secret = request.query.get("key_id"), ""
    if not key_id:
        raise ApiError(
            "Please provide your api key for authentication purposes.", status=401, reason="NA"
        )
    if key_id != account.key_id:
        raise ApiError("The api key provided is invalid", status=401, reason="NA")
    if not public and not hmac.compare_digest(secret.encode(), account.key_secret.encode()):
        raise ApiError("Authentication failed", status=401, reason="NA")


def operation(request: Request, name: str, func, *, public: bool = False):
    """Authenticate, apply the injected faults for `name`, then run `func`."""
    authenticate(request, public=public)
    error, timeout = request.sandbox.take_api_fault(name)
    if error is not None:
        if error["status"] == "disconnect":
            raise Disconnect
        raise ApiError(
            error.get(
                "description",
                "The server encountered an error. The incident has been reported to admins.",
            ),
            status=error["status"],
            code="SERVER_ERROR" if error["status"] >= 500 else "BAD_REQUEST_ERROR",
            reason="NA",
            source="NA",
            step="NA",
        )
    result = func()
    if timeout is not None:
        time.sleep(timeout["seconds"])
    return result
