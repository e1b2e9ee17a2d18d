import pytest
import razorpay


@pytest.fixture
def sdk(razorpay_sandbox, settings):
    """The real razorpay SDK, configured the way the gateway configures it from settings."""
    return razorpay.Client(
        auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
        base_url=settings.RAZORPAY_API_BASE_URL.removesuffix("/v1"),
    )


@pytest.fixture
def make_order(sdk):
    def make(amount=3499900, currency="INR", receipt="order-1", **extra):
        return sdk.order.create(
            {"amount": amount, "currency": currency, "receipt": receipt, **extra}
        )

    return make


def _event_of(body: bytes) -> str:
    import json

    try:
        return json.loads(body).get("event", "")
    except ValueError:
        return ""


class _Receiver:
    """A webhook endpoint on a free port that records what it gets (raw body and headers)."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        receiver = self
        self.received = []
        self.statuses = []  # answers to give, in order; 200 once they run out
        self.refused_events = set()  # events always answered 500
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.received.append({"body": body, "headers": dict(self.headers)})
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    if _event_of(body) in receiver.refused_events:
                        status = 500
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/payments/razorpay/webhook/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def events(self):
        import json

        with self.lock:
            return [json.loads(r["body"])["event"] for r in self.received]


@pytest.fixture
def webhook_receiver(razorpay_sandbox):
    receiver = _Receiver()
    razorpay_sandbox.configure(webhook_url=receiver.url, webhook_retry_delay=0.05)
    yield receiver
    razorpay_sandbox.configure(webhook_url=None)
    receiver.httpd.shutdown()
    receiver.httpd.server_close()
