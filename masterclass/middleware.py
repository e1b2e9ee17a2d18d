"""Cross-cutting HTTP concerns: request logging, Content Security Policy, body size limit."""

import logging
import secrets
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse

request_log = logging.getLogger("masterclass.requests")


class RequestLogMiddleware:
    """One structured log line per request: id, method, path, status, duration, user.

    Only the path is logged, never the query string or body, so tokens and payment fields
    cannot end up in the logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        response["X-Request-ID"] = request.request_id
        return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class ContentSecurityPolicyMiddleware:
    """Sends a Content-Security-Policy that allows our own assets and Razorpay's checkout.

    Inline scripts need the per-request nonce (`{{ request.csp_nonce }}`); the checkout
    origin comes from RAZORPAY_CHECKOUT_JS_URL, so the sandbox and Razorpay both work.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        checkout = _origin(settings.RAZORPAY_CHECKOUT_JS_URL)
        api = _origin(settings.RAZORPAY_API_BASE_URL)
        extra = [o for o in dict.fromkeys([checkout, api]) if o]
        razorpay_hosts = (
            ["https://*.razorpay.com"] if any("razorpay.com" in o for o in extra) else []
        )
        self.script_src = " ".join(["'self'", *extra, *razorpay_hosts])
        self.frame_src = " ".join(["'self'", *extra, *razorpay_hosts])
        self.connect_src = " ".join(["'self'", *extra, *razorpay_hosts])
        self.enabled = getattr(settings, "CSP_ENABLED", True)

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if self.enabled and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = "; ".join(
                [
                    "default-src 'self'",
                    f"script-src {self.script_src} 'nonce-{request.csp_nonce}'",
                    "style-src 'self' 'unsafe-inline'",
                    "img-src 'self' data: https:",
                    "font-src 'self' data:",
                    f"connect-src {self.connect_src}",
                    f"frame-src {self.frame_src}",
                    "frame-ancestors 'none'",
                    "base-uri 'self'",
                    "form-action 'self'",
                    "object-src 'none'",
                ]
            )
        return response


class RequestBodyLimitMiddleware:
    """Answers 413 to a body larger than MAX_REQUEST_BODY_BYTES before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Bad Content-Length.", status=400, content_type="text/plain")
        if length > limit:
            return HttpResponse(
                f"Request body too large (limit {limit} bytes).",
                status=413,
                content_type="text/plain",
            )
        return self.get_response(request)
