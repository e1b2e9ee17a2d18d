"""The learner's refund page, the one-button request, and the dashboard section."""

import datetime as dt

import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.selectors import refund_summary_for_user
from tests.clock import today
from tests.factories import CohortFactory

from .conftest import ist, paid_enrollment


def _started_days_ago(days):
    return CohortFactory(start_date=today() - dt.timedelta(days=days))


def test_one_button_request_within_the_window(learner_client, learner):
    enrollment, order = paid_enrollment(
        cohort=_started_days_ago(3), user=learner, channel=Order.Channel.MANUAL
    )
    page = learner_client.get(reverse("refunds:enrollment", args=[enrollment.pk]))
    assert page.status_code == 200
    assert "Request a refund" in page.content.decode()
    assert "no questions asked" in page.content.decode()

    response = learner_client.post(
        reverse("refunds:request", args=[enrollment.pk]), {"reason": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Your refund is approved and on its way" in response.content.decode()
    refund = Refund.objects.get(order=order)
    assert refund.reason == ""
    # A second click changes nothing.
    learner_client.post(reverse("refunds:request", args=[enrollment.pk]))
    assert Refund.objects.filter(order=order).count() == 1


def test_request_outside_the_window_is_refused_with_the_reason(learner_client, learner):
    enrollment, _ = paid_enrollment(cohort=_started_days_ago(15), user=learner)
    page = learner_client.get(reverse("refunds:enrollment", args=[enrollment.pk]))
    assert "Request a refund" not in page.content.decode()
    assert "The refund window closed on" in page.content.decode()

    response = learner_client.post(
        reverse("refunds:request", args=[enrollment.pk]), {"reason": "changed my mind"}
    )
    assert response.status_code == 409
    assert "We cannot refund this: The refund window closed on" in response.content.decode()
    assert not Refund.objects.exists()


def test_self_paced_page_says_why(learner_client, self_paced_paid):
    enrollment, _ = self_paced_paid
    response = learner_client.post(reverse("refunds:request", args=[enrollment.pk]))
    assert response.status_code == 409
    assert "The self-paced recordings pass is not refundable." in response.content.decode()


def test_request_needs_post_login_and_ownership(client, learner_client, learner):
    enrollment, _ = paid_enrollment(cohort=_started_days_ago(1))  # someone else's
    url = reverse("refunds:request", args=[enrollment.pk])
    assert learner_client.get(url).status_code == 405
    assert learner_client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302  # to the login page
    assert not Refund.objects.exists()


def test_overlong_reason_rerenders_the_form(learner_client, learner):
    enrollment, _ = paid_enrollment(
        cohort=_started_days_ago(1), user=learner, channel=Order.Channel.MANUAL
    )
    response = learner_client.post(
        reverse("refunds:request", args=[enrollment.pk]), {"reason": "x" * 2001}
    )
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert not Refund.objects.exists()


def test_dashboard_section_shows_deadline_reason_and_status(
    learner, october_cohort, django_assert_max_num_queries
):
    from tests.factories import SelfPacedProductFactory

    live, live_order = paid_enrollment(
        cohort=october_cohort, user=learner, channel=Order.Channel.MANUAL
    )
    august = CohortFactory(name="August 2022", start_date=dt.date(2022, 8, 6))
    late, _ = paid_enrollment(cohort=august, user=learner)
    pass_, _ = paid_enrollment(product=SelfPacedProductFactory(), user=learner)

    with django_assert_max_num_queries(3):
        summaries = refund_summary_for_user(learner, now=ist(2022, 10, 5))
    assert summaries[live.pk].can_request
    assert summaries[live.pk].deadline_text == "15 Oct 2022, 23:59 IST"
    assert not summaries[late.pk].can_request
    assert summaries[pass_.pk].why_not == "The self-paced recordings pass is not refundable."

    html = render_to_string("refunds/_dashboard_section.html", {"refund_summaries": summaries})
    assert "Refundable until <strong>15 Oct 2022, 23:59 IST</strong>" in html
    assert "The self-paced recordings pass is not refundable." in html
    assert "The refund window closed on" in html

    from payments.refunds.services import request_refund

    with time_machine.travel(ist(2022, 10, 5), tick=False):
        request_refund(enrollment_id=live.pk, user=learner)
    summaries = refund_summary_for_user(learner, now=ist(2022, 10, 5))
    assert not summaries[live.pk].can_request
    assert summaries[live.pk].status_text == (
        "Refund of ₹34,999 approved; it will be sent to you by bank transfer."
    )
    html = render_to_string("refunds/_dashboard_section.html", {"summary": summaries[live.pk]})
    assert "sent to you by bank transfer" in html
    assert "Request a refund" not in html


def test_after_a_partial_refund_the_learner_can_still_ask_for_the_rest(
    learner, wire_paid, admin_user
):
    from payments.refunds.services import refund_from_admin

    enrollment, order = wire_paid
    refund_from_admin(
        order_id=order.pk,
        admin_user=admin_user,
        amount_minor=100_000,
        note="Goodwill",
        bank_reference="UTR-9",
    )
    summary = refund_summary_for_user(learner, now=ist(2022, 10, 5))[enrollment.pk]
    assert summary.can_request
    assert summary.status == "refunded"
    assert summary.status_text.startswith("₹1,000 refunded on")


def test_refund_from_the_learner_dashboard(learner_client, learner):
    """The dashboard shows the deadline and the button; one click asks, and the dashboard
    then shows where the refund stands."""
    enrollment, order = paid_enrollment(
        cohort=_started_days_ago(2), user=learner, channel=Order.Channel.MANUAL
    )
    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert "Refundable until <strong>" in dashboard
    assert reverse("refunds:request", args=[enrollment.pk]) in dashboard

    after = learner_client.post(
        reverse("refunds:request", args=[enrollment.pk]), {"reason": "Too busy"}, follow=True
    ).content.decode()
    assert "Your refund is approved and on its way" in after
    assert "Refund of ₹34,999 approved; it will be sent to you by bank transfer." in after
    assert reverse("refunds:request", args=[enrollment.pk]) not in after
    assert Refund.objects.get(order=order).reason == "Too busy"


def test_dashboard_says_why_the_pass_is_not_refundable(learner_client, self_paced_paid):
    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert "The self-paced recordings pass is not refundable." in dashboard


def test_declined_request_shows_the_note_and_no_button(learner, wire_paid, admin_user, settings):
    from payments.refunds.services import decline_refund, request_refund

    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, _ = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    summary = refund_summary_for_user(learner, now=ist(2022, 10, 3))[enrollment.pk]
    assert summary.status == "requested"
    assert summary.status_text == (
        "Refund of ₹34,999 requested; waiting for the instructor's approval."
    )
    decline_refund(refund_id=refund.pk, admin_user=admin_user, note="Seat kept as agreed.")
    summary = refund_summary_for_user(learner, now=ist(2022, 10, 3))[enrollment.pk]
    assert not summary.can_request
    assert summary.status == "declined"
    html = render_to_string("refunds/_dashboard_section.html", {"summary": summary})
    assert "Your refund request was declined: Seat kept as agreed." in html
    assert "Request a refund" not in html
