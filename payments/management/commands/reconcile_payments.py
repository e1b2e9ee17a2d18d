from django.core.management.base import BaseCommand

from payments.services import reconcile_open_orders


class Command(BaseCommand):
    help = (
        "Ask Razorpay about orders still open after PAYMENTS_RECONCILE_AFTER_MINUTES and settle "
        "them (paid, expired); retry pending automatic refunds."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=None,
            help="Override PAYMENTS_RECONCILE_AFTER_MINUTES for this run.",
        )

    def handle(self, *args, older_than_minutes=None, **options):
        outcomes = reconcile_open_orders(older_than_minutes=older_than_minutes)
        if not outcomes:
            self.stdout.write("No open orders to reconcile.")
        for outcome, count in sorted(outcomes.items()):
            self.stdout.write(f"{outcome}: {count}")
