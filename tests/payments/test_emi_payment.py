"""Card EMI: plans from the Methods API on the pages, tenure and bank recorded from the payment."""

from django.core import mail

from payments.models import Payment

from .conftest import post_callback, start_checkout


def test_the_checkout_and_payment_pages_show_emi_from_the_methods_api(
    razorpay_sandbox, learner_client, cohort, billing
):
    form_page = learner_client.get("/checkout/october-2022-seat/").content.decode()
    response, _ = start_checkout(learner_client, billing)
    pay_page = response.content.decode()

    # ₹34,999 over 24 months at the sandbox's best 24-month rate (14% p.a., SBI).
    for page in (form_page, pay_page):
        assert "EMI" in page
        assert "from ₹1,680.41/month" in page
        assert '3 months: ₹11,666.34/month <strong class="emi-no-cost">No-cost EMI' in page
        assert "24 months: ₹1,680.41/month (14% p.a.), State Bank of India" in page


def test_an_emi_payment_records_tenure_and_bank_and_shows_them(
    razorpay_sandbox, learner_client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="emi", emi_tenure=12)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_callback(learner_client, paid)

    order.refresh_from_db()
    assert order.state == "paid"
    payment = Payment.objects.get()
    assert payment.method == "emi"
    assert payment.emi_tenure_months == 12
    assert payment.emi_bank  # the issuing bank the sandbox chose
    page = learner_client.get(response["Location"]).content.decode()
    assert f"Card EMI over 12 months, {payment.emi_bank}" in page
    assert f"Paid by: Card EMI over 12 months, {payment.emi_bank}" in mail.outbox[0].body


def test_emi_plans_are_cached_so_pages_do_not_ask_razorpay_every_time(
    razorpay_sandbox, learner_client, cohort
):
    learner_client.get("/checkout/october-2022-seat/")
    razorpay_sandbox.set_faults(api_errors={"methods": 500})

    page = learner_client.get("/checkout/october-2022-seat/").content.decode()

    assert "from ₹1,680.41/month" in page


def test_without_the_methods_api_the_page_still_works_with_no_emi_line(
    razorpay_sandbox, learner_client, cohort
):
    razorpay_sandbox.set_faults(api_errors={"methods": 503})

    response = learner_client.get("/checkout/october-2022-seat/")

    assert response.status_code == 200
    assert "emi-from" not in response.content.decode()


def test_the_pricing_cards_show_emi_from_for_rupee_prices(razorpay_sandbox, client, cohort):
    page = client.get("/").content.decode()

    assert "EMI from ₹1,680.41/month" in page  # the ₹34,999 seat, over 24 months
    assert "24 months: ₹1,680.41/month (14% p.a.), State Bank of India" in page
    assert "No-cost EMI" in page
    usd = client.get("/?currency=USD").content.decode()
    assert '<details class="emi-line" data-currency="INR" hidden>' in usd


def test_the_invoice_prints_the_emi_tenure_and_bank(
    razorpay_sandbox, learner_client, cohort, billing, django_capture_on_commit_callbacks
):
    import subprocess
    import tempfile

    from payments.invoicing.models import Invoice

    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(
        order_id=order.razorpay_order_id, method="emi", emi_tenure=6, bank="ICIC"
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)

    payment = Payment.objects.get()
    assert (payment.emi_tenure_months, payment.emi_bank) == (6, "ICIC")
    invoice = Invoice.objects.get(order=order)
    assert (invoice.emi_tenure_months, invoice.emi_bank) == (6, "ICIC")
    (email,) = [m for m in mail.outbox if m.subject.startswith("Payment received")]
    (_, content, mimetype) = email.attachments[0]
    assert mimetype == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        text = subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, text=True).stdout
    assert "EMI 6 months, ICIC" in " ".join(text.split())


def test_an_emi_payment_is_refunded_at_normal_speed(
    razorpay_sandbox, learner_client, learner, cohort, billing, django_capture_on_commit_callbacks
):
    """Razorpay has no instant refunds for EMI: every refund we ask for is `speed: normal`."""
    from payments.refunds.services import request_refund

    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="emi", emi_tenure=6)
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)
    order.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        request_refund(enrollment_id=order.enrollment_id, user=learner, reason="Plans changed")

    refunds = list(razorpay_sandbox.state()["refunds"].values())
    assert len(refunds) == 1
    assert refunds[0]["payment_id"] == paid["razorpay_payment_id"]
    assert refunds[0]["amount"] == order.amount_minor
    assert refunds[0]["speed_requested"] == "normal"


def _pdf_text(content: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        text = subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, text=True).stdout
    return " ".join(text.split())


def _post(client, delivery):
    headers = {k: v for k, v in delivery["headers"].items() if k != "Content-Type"}
    return client.post(
        "/payments/razorpay/webhook/",
        data=delivery["body"].encode(),
        content_type="application/json",
        headers=headers,
    )


def test_an_emi_payment_confirmed_by_its_webhook_first_has_tenure_and_bank_on_the_invoice(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    """Razorpay's webhooks carry no `emi` object, and with the real Razorpay they usually beat
    the browser's callback: the plan is fetched (expand[]=emi) before the invoice is issued."""
    from payments.invoicing.models import Invoice
    from payments.models import Order, WebhookEvent

    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="emi", emi_tenure=6, bank="ICIC")
    deliveries = razorpay_sandbox.take_webhooks()
    assert all("emi" not in d["payload"]["payload"]["payment"]["entity"] for d in deliveries)

    # Razorpay's API is down for a moment: the confirming webhooks are answered 503 (Razorpay
    # retries them) rather than issuing an invoice without the plan.
    razorpay_sandbox.set_faults(api_errors={"payments.fetch": 503})
    with django_capture_on_commit_callbacks(execute=True):
        first = [_post(client, d) for d in deliveries]
    assert [r.status_code for r in first] == [200, 503, 503]  # authorized, captured, order.paid
    assert Order.objects.get(pk=order.pk).state != "paid"
    assert not WebhookEvent.objects.exclude(event="payment.authorized").exists()

    razorpay_sandbox.set_faults()
    with django_capture_on_commit_callbacks(execute=True):
        retried = [_post(client, d) for d in deliveries[1:]]
    assert [r.status_code for r in retried] == [200, 200]

    order.refresh_from_db()
    assert order.state == "paid"
    invoice = Invoice.objects.get(order=order)
    assert (invoice.emi_tenure_months, invoice.emi_bank) == (6, "ICIC")
    (email,) = [m for m in mail.outbox if m.subject.startswith("Payment received")]
    assert "EMI 6 months, ICIC" in _pdf_text(email.attachments[0][1])


def test_an_emi_payment_we_capture_ourselves_keeps_its_plan_on_the_invoice(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    from payments.invoicing.models import Invoice

    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(
        order_id=order.razorpay_order_id,
        method="emi",
        emi_tenure=12,
        bank="HDFC",
        outcome="authorized",
    )
    with django_capture_on_commit_callbacks(execute=True):
        (authorized,) = razorpay_sandbox.post_webhooks(client)  # payment.authorized: capture
    assert authorized.status_code == 200

    invoice = Invoice.objects.get(order=order)
    assert (invoice.emi_tenure_months, invoice.emi_bank) == (12, "HDFC")
