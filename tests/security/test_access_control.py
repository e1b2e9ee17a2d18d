"""Who may see and change what: learner-owned URLs, state-changing views, finance, webhooks.

Every learner-owned URL answers 404 to another logged-in learner (never 403: that would confirm
the object exists) and sends an anonymous visitor to the login page. Every state-changing view
refuses GET and a POST without a CSRF token. Finance reads and downloads but cannot edit.
A webhook with a bad signature changes nothing.
"""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from cohorts.models import Enrollment, WaitlistEntry
from payments.models import Order, Payment, WebhookEvent
from tests.clock import instant, today
from tests.factories import (
    CertificateRequestFactory,
    CohortFactory,
    EnrollmentFactory,
    OrderFactory,
    SlotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(learner):
    """Asha's things: a paid seat with its invoice and a credit note, a 1:1 booking, a refund
    request and a certificate request."""
    from mentorship.services import book_slot
    from payments.invoicing.services import issue_credit_note, issue_invoice
    from payments.refunds.models import Refund

    cohort = CohortFactory(start_date=today() + dt.timedelta(days=7))
    enrollment = EnrollmentFactory(user=learner, cohort=cohort)
    order = OrderFactory(
        user=learner,
        product=cohort.product,
        cohort=cohort,
        enrollment=enrollment,
        state=Order.State.PAID,
        paid_at=instant(),
        razorpay_order_id="order_SecurityTest01",
    )
    Payment.objects.create(
        order=order,
        gateway_payment_id="pay_SecurityTest01",
        method="card",
        status=Payment.Status.CAPTURED,
        amount_minor=order.amount_minor,
        currency=order.currency,
    )
    invoice = issue_invoice(order=order)
    credit_note = issue_credit_note(
        invoice=invoice, amount_minor=100_000, refund_reference="rfnd_Security01", reason="test"
    )
    slot = SlotFactory(starts_at=instant() + dt.timedelta(days=5))
    other_slot = SlotFactory(starts_at=instant() + dt.timedelta(days=6))
    booking = book_slot(user=learner, slot_id=slot.pk, topic="Sharding a chat service")
    refund = Refund.objects.create(
        order=order,
        amount_minor=50_000,
        currency=order.currency,
        state=Refund.State.REQUESTED,
    )
    certificate = CertificateRequestFactory(enrollment__user=learner)
    return {
        "enrollment": enrollment,
        "order": order,
        "invoice": invoice,
        "credit_note": credit_note,
        "booking": booking,
        "other_slot": other_slot,
        "refund": refund,
        "certificate": certificate,
    }


def owned_urls(w) -> dict[str, str]:
    """Every URL that shows or changes one learner's own things."""
    booking = w["booking"]
    return {
        "order": reverse("payments:order_detail", args=[w["order"].reference]),
        "order payment page": reverse("payments:order_pay", args=[w["order"].reference]),
        "order billing details": reverse("invoicing:billing_details", args=[w["order"].reference]),
        "invoice PDF": reverse("invoicing:invoice_pdf", args=[w["invoice"].pk]),
        "credit note PDF": reverse("invoicing:credit_note_pdf", args=[w["credit_note"].pk]),
        "booking": reverse("mentorship:booking", args=[booking.pk]),
        "booking invite": reverse("mentorship:invite", args=[booking.pk]),
        "booking cancel": reverse("mentorship:cancel", args=[booking.pk]),
        "booking reschedule": reverse(
            "mentorship:reschedule", args=[booking.pk, w["other_slot"].pk]
        ),
        "refund": reverse("refunds:enrollment", args=[w["enrollment"].pk]),
        "refund request": reverse("refunds:request", args=[w["enrollment"].pk]),
        "certificate request": reverse(
            "learning:request_certificate", args=[w["certificate"].enrollment_id]
        ),
    }


def test_the_owner_can_open_their_own_pages(world, learner_client):
    for name, url in owned_urls(world).items():
        if name in {"booking cancel", "booking reschedule", "refund request"}:
            continue  # actions: POST only, tested below
        if name == "certificate request":
            continue
        response = learner_client.get(url)
        if name == "order payment page":  # paid already: sent on to the order page
            assert response.status_code == 302 and response["Location"].endswith(
                reverse("payments:order_detail", args=[world["order"].reference])
            )
            continue
        assert response.status_code == 200, f"{name}: {url} -> {response.status_code}"


def test_another_learner_gets_404_for_every_owned_url_on_get_and_post(world, client):
    intruder = UserFactory(email="intruder@example.com")
    client.force_login(intruder)
    for name, url in owned_urls(world).items():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (404, 405), (
                f"{name}: {method.__name__.upper()} {url} -> {response.status_code}"
            )
            if method is client.get and response.status_code == 405:
                continue
            if method is client.post:
                assert response.status_code == 404, f"{name}: POST {url} leaked"

    # ...and nothing of Asha's changed.
    world["booking"].refresh_from_db()
    assert world["booking"].state == "booked"
    world["enrollment"].refresh_from_db()
    assert world["enrollment"].state == Enrollment.State.CONFIRMED
    assert world["order"].refunds.count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in(world, client):
    login = reverse("accounts:login")
    for name, url in owned_urls(world).items():
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        assert response.status_code == 302, f"{name}: {url} -> {response.status_code}"
        assert response["Location"].startswith(login), f"{name}: {response['Location']}"


def state_changing_posts(w) -> dict[str, str]:
    """Views that only change state: GET must not do it."""
    return {
        "booking cancel": reverse("mentorship:cancel", args=[w["booking"].pk]),
        "refund request": reverse("refunds:request", args=[w["enrollment"].pk]),
        "certificate request": reverse(
            "learning:request_certificate", args=[w["certificate"].enrollment_id]
        ),
        "log out": reverse("accounts:logout"),
    }


def test_state_changing_views_refuse_get(world, learner_client):
    for name, url in state_changing_posts(world).items():
        response = learner_client.get(url)
        assert response.status_code == 405, f"{name}: GET {url} -> {response.status_code}"
    world["booking"].refresh_from_db()
    assert world["booking"].state == "booked"
    assert world["order"].refunds.count() == 1


def test_state_changing_views_refuse_a_post_without_csrf_token(world, learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    urls = dict(state_changing_posts(world))
    urls.update(
        {
            "book a slot": reverse("mentorship:book", args=[world["other_slot"].pk]),
            "reschedule": reverse(
                "mentorship:reschedule", args=[world["booking"].pk, world["other_slot"].pk]
            ),
            "checkout": reverse("payments:checkout", args=[world["order"].product.slug]),
            "profile": reverse("accounts:profile"),
            "billing details": reverse(
                "invoicing:billing_details", args=[world["order"].reference]
            ),
            "email preferences": reverse("learning:preferences"),
            "waitlist": reverse("cohorts:join_waitlist", args=[world["enrollment"].cohort.slug]),
            "newsletter": reverse("courses:newsletter_subscribe"),
        }
    )
    for name, url in urls.items():
        response = client.post(url, {"topic": "x", "email": "x@example.com", "reason": "x"})
        assert response.status_code == 403, f"{name}: POST without CSRF -> {response.status_code}"
    world["booking"].refresh_from_db()
    assert world["booking"].state == "booked"
    assert world["order"].refunds.count() == 1
    assert not WaitlistEntry.objects.exists()


@pytest.fixture
def finance_client(client):
    finance = UserFactory(email="finance@example.com", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    return client


def test_finance_can_download_every_document_and_export(world, finance_client):
    for url in (
        reverse("invoicing:invoice_pdf", args=[world["invoice"].pk]),
        reverse("invoicing:credit_note_pdf", args=[world["credit_note"].pk]),
    ):
        response = finance_client.get(url)
        assert response.status_code == 200
        assert (
            b"".join(response.streaming_content if response.streaming else [response.content])[:4]
            == b"%PDF"
        )
    response = finance_client.get(reverse("invoicing:finance_csv"))
    assert response.status_code == 200
    assert world["invoice"].number in response.content.decode()
    assert finance_client.get(reverse("invoicing:finance_documents")).status_code == 200


def test_finance_can_read_but_not_edit_in_the_admin(world, finance_client):
    invoice = world["invoice"]
    order = world["order"]
    change = reverse("admin:invoicing_invoice_change", args=[invoice.pk])
    assert finance_client.get(change).status_code == 200
    response = finance_client.post(change, {"buyer_name": "Someone Else"})
    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.buyer_name != "Someone Else"

    response = finance_client.post(
        reverse("admin:payments_order_change", args=[order.pk]), {"state": "failed"}
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.state == Order.State.PAID

    for name in ("admin:invoicing_invoice_add", "admin:payments_order_add"):
        assert finance_client.get(reverse(name)).status_code == 403
    delete = reverse("admin:invoicing_invoice_delete", args=[invoice.pk])
    assert finance_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(invoice).objects.filter(pk=invoice.pk).exists()


def test_a_webhook_with_a_bad_signature_changes_nothing(client, learner):
    from tests.factories import CohortFactory

    cohort = CohortFactory()
    order = OrderFactory(
        user=learner,
        product=cohort.product,
        cohort=cohort,
        razorpay_order_id="order_BadSignature1",
    )
    state_before = order.state
    payload = {
        "entity": "event",
        "event": "payment.captured",
        "contains": ["payment"],
        "payload": {
            "payment": {
                "entity": {
                    "id": "pay_BadSignature1",
                    "entity": "payment",
                    "amount": order.amount_minor,
                    "currency": "INR",
                    "status": "captured",
                    "order_id": order.razorpay_order_id,
                    "method": "card",
                    "captured": True,
                }
            }
        },
        "created_at": int(instant().timestamp()),
    }
    url = reverse("payments:razorpay_webhook")
    for signature in ("0" * 64, "", None):
        headers = {"HTTP_X_RAZORPAY_EVENT_ID": "evt_BadSignature1"}
        if signature is not None:
            headers["HTTP_X_RAZORPAY_SIGNATURE"] = signature
        response = client.post(
            url, data=json.dumps(payload), content_type="application/json", **headers
        )
        assert 400 <= response.status_code < 500
    order.refresh_from_db()
    assert order.state == state_before
    assert not Payment.objects.filter(order=order).exists()
    assert not WebhookEvent.objects.exists()
    assert not Enrollment.objects.filter(user=learner, state=Enrollment.State.CONFIRMED).exists()
