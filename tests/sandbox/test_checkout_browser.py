"""checkout.js in a real browser (Debian's chromium through playwright), on a page with a
Content Security Policy as strict as ours (stricter: no inline styles at all)."""

import html
import json
import secrets
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("chromium"), reason="needs /usr/bin/chromium"),
]


class _MerchantSite:
    """A payment page like ours: options as JSON, checkout.js from the sandbox, a callback."""

    def __init__(self, sandbox_origin: str):
        site = self
        self.options = {}
        self.callbacks = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, body: str, headers=None):
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                nonce = secrets.token_urlsafe(12)
                policy = "; ".join(
                    [
                        "default-src 'self'",
                        f"script-src 'self' {sandbox_origin} 'nonce-{nonce}'",
                        "style-src 'self'",
                        f"connect-src 'self' {sandbox_origin}",
                        f"frame-src 'self' {sandbox_origin}",
                        "form-action 'self'",
                        "base-uri 'self'",
                        "object-src 'none'",
                    ]
                )
                options = json.dumps(site.options).replace("<", "\\u003c")
                self._send(
                    f"""<!doctype html><html><head><title>Pay</title>
<script src="{sandbox_origin}/v1/checkout.js"></script></head><body>
<h1>Payment page</h1>
<button id="pay-button" type="button">Pay with Razorpay</button>
<pre id="result"></pre><pre id="failures"></pre><pre id="dismissed"></pre>
<script id="razorpay-options" type="application/json">{options}</script>
<script nonce="{nonce}">
  var options = JSON.parse(document.getElementById("razorpay-options").textContent);
  if (!options.callback_url) {{
    options.handler = function (response) {{
      document.getElementById("result").textContent = JSON.stringify(response);
    }};
  }}
  options.modal = {{ondismiss: function () {{
    document.getElementById("dismissed").textContent = "dismissed";
  }}}};
  var rzp = new Razorpay(options);
  rzp.on("payment.failed", function (response) {{
    document.getElementById("failures").textContent += JSON.stringify(response.error) + "\\n";
  }});
  document.getElementById("pay-button").addEventListener("click", function () {{
    rzp.open();
  }});
</script></body></html>""",
                    {"Content-Security-Policy": policy},
                )

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                fields = {k: v[0] for k, v in parse_qs(body).items()}
                site.callbacks.append({"path": urlsplit(self.path).path, "fields": fields})
                self._send(f"<h1 id='callback'>Received</h1><pre>{html.escape(body)}</pre>")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def merchant_site(razorpay_sandbox):
    site = _MerchantSite(razorpay_sandbox.url)
    yield site
    site.httpd.shutdown()
    site.httpd.server_close()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and page.csp_errors.append(message.text)
            ),
        )
        yield page
        browser.close()


def _options(order, settings, **extra):
    return {
        "key": settings.RAZORPAY_KEY_ID,
        "order_id": order["id"],
        "amount": order["amount"],
        "currency": order["currency"],
        "name": "Masterclass",
        "description": "October 2022 cohort seat",
        "prefill": {"name": "Asha Rao", "email": "asha@example.com", "contact": "+919812345678"},
        **extra,
    }


def test_card_emi_with_a_chosen_tenure_posts_a_signed_payment_to_the_callback(
    razorpay_sandbox, sdk, make_order, merchant_site, page, settings
):
    order = make_order()
    merchant_site.options = _options(
        order, settings, callback_url=merchant_site.url + "/payments/razorpay/callback/"
    )
    page.goto(merchant_site.url)

    page.click("#pay-button")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Card EMI").click()
    page.select_option("#rzp-emi-bank", "HDFC")
    tenure = page.get_by_label("Tenure")
    assert "6 months" in tenure.inner_text() and "no-cost EMI" in tenure.inner_text()
    tenure.select_option("6")
    assert dialog.get_by_text("₹34,999.00").count() >= 1
    page.click("#rzp-sandbox-pay")
    page.wait_for_selector("#callback")

    [callback] = merchant_site.callbacks
    assert callback["path"] == "/payments/razorpay/callback/"
    fields = callback["fields"]
    assert set(fields) == {"razorpay_payment_id", "razorpay_order_id", "razorpay_signature"}
    assert fields["razorpay_order_id"] == order["id"]
    assert sdk.utility.verify_payment_signature(fields)
    payment = sdk.payment.fetch(fields["razorpay_payment_id"], {"expand[]": "emi"})
    assert payment["method"] == "emi"
    assert (payment["emi"]["duration"], payment["emi"]["issuer"]) == (6, "HDFC")
    assert payment["email"] == "asha@example.com"
    assert page.csp_errors == []


def test_failure_then_retry_with_upi_calls_the_handler(
    razorpay_sandbox, sdk, make_order, merchant_site, page, settings
):
    order = make_order()
    merchant_site.options = _options(order, settings)
    page.goto(merchant_site.url)

    page.click("#pay-button")
    page.click("#rzp-method-card")
    page.click("#rzp-sandbox-fail")
    status = page.locator("#rzp-sandbox-status")
    status.filter(has_text="Payment failed").wait_for()
    failure = json.loads(page.locator("#failures").inner_text().splitlines()[0])
    assert failure["reason"] == "payment_failed"
    assert failure["metadata"]["order_id"] == order["id"]

    page.click("#rzp-method-upi")
    page.get_by_role("button", name="Pay ₹34,999.00").click()
    page.locator("#result").filter(has_text="razorpay_signature").wait_for()

    response = json.loads(page.locator("#result").inner_text())
    assert sdk.utility.verify_payment_signature(response)
    assert page.locator("#rzp-sandbox-modal").count() == 0
    fetched = sdk.order.fetch(order["id"])
    assert (fetched["status"], fetched["attempts"]) == ("paid", 2)
    assert sdk.payment.fetch(response["razorpay_payment_id"])["method"] == "upi"
    assert page.csp_errors == []


def test_netbanking_and_closing_the_modal(
    razorpay_sandbox, sdk, make_order, merchant_site, page, settings
):
    order = make_order()
    merchant_site.options = _options(order, settings)
    page.goto(merchant_site.url)

    page.click("#pay-button")
    page.locator("#rzp-method-card[aria-pressed=true]").wait_for()
    assert page.evaluate("document.activeElement.id") == "rzp-method-card"
    page.keyboard.press("Escape")
    assert page.locator("#dismissed").inner_text() == "dismissed"
    assert page.locator("#rzp-sandbox-modal").count() == 0
    assert page.evaluate("document.activeElement.id") == "pay-button"
    page.click("#pay-button")
    page.click("#rzp-sandbox-close")
    assert page.locator("#rzp-sandbox-modal").count() == 0

    page.click("#pay-button")
    page.click("#rzp-method-netbanking")
    page.get_by_label("Bank").select_option("KKBK")
    page.click("#rzp-sandbox-pay")
    page.locator("#result").filter(has_text="razorpay_payment_id").wait_for()

    response = json.loads(page.locator("#result").inner_text())
    assert sdk.payment.fetch(response["razorpay_payment_id"])["bank"] == "KKBK"


def test_failure_without_retry_posts_the_error_to_the_callback(
    razorpay_sandbox, make_order, merchant_site, page, settings
):
    order = make_order()
    merchant_site.options = _options(
        order, settings, callback_url=merchant_site.url + "/cb/", retry=False
    )
    page.goto(merchant_site.url)

    page.click("#pay-button")
    page.click("#rzp-sandbox-fail")
    page.wait_for_selector("#callback")

    fields = merchant_site.callbacks[0]["fields"]
    assert fields["error[reason]"] == "payment_failed"
    assert json.loads(fields["error[metadata]"])["order_id"] == order["id"]
    assert "razorpay_signature" not in fields
