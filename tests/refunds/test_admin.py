"""The instructor's refund desk in the admin."""

import pytest
import time_machine
from django.urls import reverse

from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.services import request_refund

from .conftest import ist


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_list_shows_refunds_with_their_states(admin_client, wire_paid, learner, settings):
    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, order = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        request_refund(enrollment_id=enrollment.pk, user=learner)
    page = admin_client.get(reverse("admin:refunds_refund_changelist"))
    html = page.content.decode()
    assert page.status_code == 200
    assert order.reference in html
    assert "₹34,999" in html
    assert "Requested" in html
    detail = admin_client.get(
        reverse("admin:refunds_refund_change", args=[Refund.objects.get().pk])
    )
    assert "Record a manual transfer" in detail.content.decode()


def test_approve_action(admin_client, wire_paid, learner, settings, admin_user):
    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, _ = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    response = admin_client.post(
        reverse("admin:refunds_refund_changelist"),
        {"action": "approve_selected", "_selected_action": [refund.pk]},
        follow=True,
    )
    assert "1 refund(s) approved." in response.content.decode()
    refund.refresh_from_db()
    assert refund.approved_by == admin_user


def test_refund_in_part_outside_the_window_with_a_note(admin_client, wire_paid):
    _, order = wire_paid
    form = admin_client.get(reverse("admin:refunds_refund_new") + f"?order={order.reference}")
    assert form.status_code == 200
    assert f'value="{order.reference}"' in form.content.decode()
    response = admin_client.post(
        reverse("admin:refunds_refund_new"),
        {
            "order": order.reference.lower(),
            "amount": "5,000.50",
            "ends_enrollment": "auto",
            "note": "Week 6: family emergency",
            "bank_reference": "",
        },
        follow=True,
    )
    assert "of ₹5,000.50 is requested" in response.content.decode()
    refund = Refund.objects.get()
    assert refund.amount_minor == 500_050
    assert refund.note == "Week 6: family emergency"
    assert refund.ends_enrollment is False
    assert refund.origin == Refund.Origin.ADMIN


def test_refund_form_refuses_too_much(admin_client, wire_paid):
    _, order = wire_paid
    response = admin_client.post(
        reverse("admin:refunds_refund_new"),
        {"order": order.reference, "amount": "40000", "ends_enrollment": "auto", "note": "x"},
    )
    assert response.status_code == 200
    assert "At most ₹34,999 is left to refund" in response.content.decode()
    assert not Refund.objects.exists()


def test_record_manual_bank_reference(admin_client, wire_paid, learner):
    enrollment, order = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    response = admin_client.post(
        reverse("admin:refunds_refund_settle", args=[refund.pk]),
        {"bank_reference": "PAYPAL-5TY77"},
        follow=True,
    )
    assert "recorded as paid by hand" in response.content.decode()
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.manual_reference == "PAYPAL-5TY77"
    assert order.state == Order.State.REFUNDED


def test_decline_with_a_note(admin_client, wire_paid, learner, settings):
    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, _ = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    admin_client.post(
        reverse("admin:refunds_refund_decline", args=[refund.pk]),
        {"note": "Duplicate request"},
    )
    refund.refresh_from_db()
    assert refund.state == Refund.State.DECLINED
    assert refund.note == "Duplicate request"


def test_learners_cannot_reach_the_desk(learner_client):
    response = learner_client.get(reverse("admin:refunds_refund_new"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_retry_action_sends_a_failed_refund_again(
    admin_client, bought, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    enrollment, _, _ = bought
    razorpay_sandbox.set_faults(api_errors={"refunds.create": {"status": 502, "times": 1}})
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    assert refund.state == Refund.State.FAILED
    listing = admin_client.get(reverse("admin:refunds_refund_changelist") + "?state=failed")
    assert refund.reference in listing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:refunds_refund_changelist"),
            {"action": "retry_selected", "_selected_action": [refund.pk]},
            follow=True,
        )
    assert "1 refund(s) sent to the gateway again." in response.content.decode()
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.events.filter(action="retry requested").exists()


def test_needs_you_filter(admin_client, wire_paid, learner, settings):
    from .conftest import paid_enrollment

    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, order = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        waiting = request_refund(enrollment_id=enrollment.pk, user=learner)
    settings.REFUNDS_REQUIRE_APPROVAL = False
    other, other_order = paid_enrollment(cohort=enrollment.cohort, channel=Order.Channel.MANUAL)
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        transfer = request_refund(enrollment_id=other.pk, user=other.user)
    url = reverse("admin:refunds_refund_changelist")
    approval_page = admin_client.get(url + "?needs=approval").content.decode()
    transfer_page = admin_client.get(url + "?needs=transfer").content.decode()
    assert waiting.reference in approval_page and transfer.reference not in approval_page
    assert transfer.reference in transfer_page and waiting.reference not in transfer_page
