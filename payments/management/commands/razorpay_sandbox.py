"""`manage.py razorpay_sandbox`: run the Razorpay stand-in for development (see docs/sandbox.md)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments.sandbox import SandboxServer
from payments.sandbox.store import ApiError


class Command(BaseCommand):
    requires_system_checks = []  # a separate fake service: it uses no model of ours
    help = (
        "Serve the Razorpay sandbox (API v1 subset, checkout.js, signed webhooks) for "
        "development. Keys default to the site's RAZORPAY_* settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--webhook-url",
            default=getattr(settings, "RAZORPAY_SANDBOX_WEBHOOK_URL", None),
            help="Where webhooks are posted (default: RAZORPAY_SANDBOX_WEBHOOK_URL). "
            "Pass an empty string to only record them.",
        )
        parser.add_argument("--key-id", default=settings.RAZORPAY_KEY_ID)
        parser.add_argument("--key-secret", default=settings.RAZORPAY_KEY_SECRET)
        parser.add_argument("--webhook-secret", default=settings.RAZORPAY_WEBHOOK_SECRET)
        parser.add_argument(
            "--refund-mode",
            choices=["processed", "pending", "failed"],
            default="processed",
            help="How API refunds settle (default: processed at once).",
        )
        parser.add_argument(
            "--state-file",
            default=str(settings.BASE_DIR / ".razorpay-sandbox.json"),
            help="Keep orders, payments and refunds in this JSON file across restarts "
            "(default: .razorpay-sandbox.json in the project). Empty: memory only.",
        )
        parser.add_argument(
            "--webhook-retries",
            type=int,
            default=None,
            help="At most this many re-sends after a failed delivery (default: no limit but "
            "the retry window, as on Razorpay).",
        )
        parser.add_argument(
            "--webhook-retry-delay",
            type=float,
            default=1.0,
            help="Seconds before the first re-send, doubling each time (default 1).",
        )
        parser.add_argument(
            "--webhook-retry-window",
            type=float,
            default=24 * 60 * 60.0,
            help="Seconds after an event during which a failed delivery is re-sent "
            "(default 86400: Razorpay retries for 24 hours).",
        )
        parser.add_argument(
            "--auto-refund-after",
            type=float,
            default=3 * 24 * 60 * 60.0,
            help="Seconds an authorised payment waits to be captured before the sandbox "
            "refunds it, as Razorpay does (default 259200: 3 days).",
        )
        parser.add_argument(
            "--faults",
            default="",
            help="Faults to start with, as JSON, e.g. '{\"webhook_delay\": 5}' or "
            '\'{"api_errors": {"orders.create": 503}}\' (see docs/sandbox.md).',
        )
        parser.add_argument("--quiet", action="store_true", help="Do not log each request.")

    def handle(self, *args, **options):
        if options["key_id"].startswith("rzp_live_"):
            # A live key in a fake service means someone is about to confuse the two.
            raise CommandError("Refusing to run the sandbox with a live Razorpay key id.")
        if "razorpay.com" in settings.RAZORPAY_API_BASE_URL:
            raise CommandError(
                "RAZORPAY_API_BASE_URL points at Razorpay itself; the sandbox would never be "
                "called. Unset it (or point it at the sandbox) for development."
            )
        try:
            server = SandboxServer(
                host=options["host"],
                port=options["port"],
                key_id=options["key_id"],
                key_secret=options["key_secret"],
                webhook_secret=options["webhook_secret"],
                webhook_url=options["webhook_url"] or None,
                refund_mode=options["refund_mode"],
                state_file=options["state_file"] or None,
                webhook_retries=options["webhook_retries"],
                webhook_retry_delay=options["webhook_retry_delay"],
                webhook_retry_window=options["webhook_retry_window"],
                auto_refund_after=options["auto_refund_after"],
                log_requests=not options["quiet"],
            )
        except (OSError, ValueError) as exc:
            raise CommandError(
                f"Cannot start the sandbox on {options['host']}:{options['port']}: {exc}"
            ) from exc
        if options["faults"]:
            try:
                faults = json.loads(options["faults"])
                server.set_faults(**faults)
            except (ValueError, TypeError, ApiError) as exc:
                server.stop()
                raise CommandError(f"--faults: {exc}") from exc
        self.stdout.write(
            f"Razorpay sandbox on {server.url}\n"
            f"  API base URL:   {server.api_base_url}\n"
            f"  checkout.js:    {server.checkout_js_url}\n"
            f"  key id:         {options['key_id']}\n"
            f"  webhooks to:    {options['webhook_url'] or '(recorded only)'}\n"
            f"  state file:     {options['state_file'] or '(memory only)'}"
            f" ({len(server.account.orders)} orders)\n"
            f"  dashboard:      {server.url}/sandbox/dashboard\n"
            f"  helpers:        {server.url}/sandbox/ (pay, faults, webhooks, refunds)\n"
            f"  faults:         {options['faults'] or 'none'}"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
