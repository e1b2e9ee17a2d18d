"""The offer chain: a freed seat is offered to the next in line, expires, passes on, is taken."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cohorts import tasks
from cohorts.models import Enrollment, SeatHold, WaitlistEntry
from cohorts.selectors import public_state, seat_count
from cohorts.services import (
    CohortFull,
    cancel_enrollment,
    confirm_seat,
    hold_seat,
    offer_free_seats,
    release_expired_holds,
)
from tests.clock import instant
from tests.cohorts.conftest import fill, wait
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_with_line(small_cohort):
    """A full 3-seat cohort with two people waiting."""
    enrollments = fill(small_cohort, 3)
    entries = wait(small_cohort, "first@example.com", "second@example.com")
    return small_cohort, enrollments, entries


def offer_of(entry):
    return SeatHold.objects.get(waitlist_entry=entry, kind=SeatHold.Kind.WAITLIST_OFFER)


def test_a_freed_seat_goes_to_the_first_in_line_not_the_public(
    full_with_line, buyer, settings, django_capture_on_commit_callbacks
):
    settings.WAITLIST_OFFER_HOURS = 48
    cohort, enrollments, (first, second) = full_with_line
    with django_capture_on_commit_callbacks(execute=True):
        cancel_enrollment(enrollment_id=enrollments[0].pk, reason="changed plans", refunded=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("offered", "waiting")
    offer = offer_of(first)
    assert offer.expires_at - offer.created_at == dt.timedelta(hours=48)
    # The public still sees a full cohort: the seat is the waitlist's.
    assert public_state(cohort) == "full"
    with pytest.raises(CohortFull):
        hold_seat(cohort=cohort, user=buyer)
    assert [m.to for m in mail.outbox] == [["first@example.com"]]
    assert mail.outbox[0].subject == "A seat in the Small cohort is yours to take"
    assert reverse("cohorts:offer", args=[offer.token]) in mail.outbox[0].body
    assert "48 hours" in mail.outbox[0].body


def test_a_seat_free_before_the_job_runs_is_still_kept_from_the_public(full_with_line, buyer):
    """Even with no offer made yet, a freed seat is not sold to the public while people wait."""
    cohort, enrollments, _ = full_with_line
    Enrollment.objects.filter(pk=enrollments[0].pk).update(state="cancelled")
    assert seat_count(cohort).free == 1
    assert seat_count(cohort).free_for_public == 0
    with pytest.raises(CohortFull):
        hold_seat(cohort=cohort, user=buyer)
    assert [o.email for o in offer_free_seats(cohort_id=cohort.pk)] == ["first@example.com"]


def test_an_unused_offer_expires_and_passes_to_the_next_person(
    full_with_line, django_capture_on_commit_callbacks
):
    cohort, enrollments, (first, second) = full_with_line
    cancel_enrollment(enrollment_id=enrollments[0].pk, reason="", refunded=False)
    offer = offer_of(first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(offer.expires_at - dt.timedelta(seconds=1), tick=False):
            assert release_expired_holds() == 0
        with time_machine.travel(offer.expires_at, tick=False):
            assert release_expired_holds() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    offer.refresh_from_db()
    assert offer.state == SeatHold.State.EXPIRED
    assert (first.state, second.state) == ("offer_expired", "offered")
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("first@example.com", "Your offer for the Small cohort has expired"),
        ("second@example.com", "A seat in the Small cohort is yours to take"),
    ]


def test_the_scheduled_task_passes_offers_on(full_with_line):
    cohort, enrollments, (first, second) = full_with_line
    cancel_enrollment(enrollment_id=enrollments[0].pk, reason="", refunded=False)
    SeatHold.objects.filter(waitlist_entry=first).update(
        expires_at=instant() - dt.timedelta(seconds=1)
    )
    tasks.release_expired_holds.enqueue()
    second.refresh_from_db()
    assert second.state == "offered"


def test_an_expired_offer_link_says_so(client, full_with_line):
    cohort, enrollments, (first, _) = full_with_line
    cancel_enrollment(enrollment_id=enrollments[0].pk, reason="", refunded=False)
    offer = offer_of(first)
    SeatHold.objects.filter(pk=offer.pk).update(expires_at=instant())
    page = client.get(reverse("cohorts:offer", args=[offer.token]))
    assert "This offer has expired" in page.content.decode()


def test_accepting_an_offer_leads_to_checkout_and_ends_in_a_seat(client, full_with_line):
    cohort, enrollments, (first, second) = full_with_line
    cancel_enrollment(enrollment_id=enrollments[0].pk, reason="", refunded=False)
    offer = offer_of(first)
    offer_url = reverse("cohorts:offer", args=[offer.token])

    page = client.get(offer_url)
    assert "held for <strong>first@example.com</strong>" in page.content.decode()
    # Taking it needs an account: anonymous visitors are sent to log in first.
    response = client.post(offer_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    learner = UserFactory(email="first@example.com")
    client.force_login(learner)
    response = client.post(offer_url)
    assert response.status_code == 302
    assert response["Location"] == f"/checkout/{cohort.product.slug}/?cohort={cohort.slug}"

    # Checkout asks for a seat: the offer is the seat, although the cohort is full.
    hold = hold_seat(cohort=cohort, user=learner)
    assert hold.pk == offer.pk
    result = confirm_seat(hold_id=hold.pk, product=cohort.product)
    assert result.enrollment.state == "confirmed" and not result.late
    first.refresh_from_db()
    assert first.state == WaitlistEntry.State.ENROLLED
    count = seat_count(cohort)
    assert (count.confirmed, count.offered, count.free) == (3, 0, 0)
    used = client.get(offer_url)
    assert "This offer has been used" in used.content.decode()


def test_an_offer_to_an_email_is_found_at_checkout_without_the_link(full_with_line):
    cohort, enrollments, (first, _) = full_with_line
    cancel_enrollment(enrollment_id=enrollments[0].pk, reason="", refunded=False)
    learner = UserFactory(email="FIRST@example.com")
    hold = hold_seat(cohort=cohort, user=learner)
    assert hold.kind == SeatHold.Kind.WAITLIST_OFFER and hold.user == learner


def test_leaving_with_an_offer_passes_it_on(client, full_with_line):
    cohort, enrollments, (first, second) = full_with_line
    cancel_enrollment(enrollment_id=enrollments[0].pk, reason="", refunded=False)
    client.post(reverse("cohorts:leave_waitlist", args=[first.token]))
    second.refresh_from_db()
    assert offer_of(first).state == SeatHold.State.RELEASED
    assert second.state == "offered"
    assert seat_count(cohort).offered == 1


def test_offers_are_made_only_while_admissions_are_open(full_with_line):
    cohort, enrollments, (first, _) = full_with_line
    cohort.admission_state = "closed"
    cohort.save()
    cancel_enrollment(enrollment_id=enrollments[0].pk, reason="", refunded=False)
    first.refresh_from_db()
    assert first.state == "waiting"
    assert offer_free_seats(cohort_id=cohort.pk) == []


def test_the_periodic_offer_job_catches_seats_freed_without_an_offer(full_with_line):
    cohort, enrollments, (first, second) = full_with_line
    # A seat freed behind the services' back (e.g. an admin fix in the database).
    Enrollment.objects.filter(pk=enrollments[0].pk).update(state="cancelled")
    result = tasks.offer_free_seats_to_waitlists.enqueue()
    assert result.return_value == 1
    first.refresh_from_db()
    assert first.state == "offered"


def test_joining_an_open_cohort_with_a_free_seat_gets_the_offer_at_once(
    client, small_cohort, django_capture_on_commit_callbacks
):
    """The last seat during early access: a newcomer who joins the line is first in it, so the
    seat is offered to them straight away instead of being kept from everyone until a job runs
    (before, their own place in line made checkout tell them the cohort was full)."""
    fill(small_cohort, 2)
    small_cohort.early_access_until = instant() + dt.timedelta(hours=24)
    small_cohort.save(update_fields=["early_access_until"])
    assert public_state(small_cohort) == "early_access"

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("cohorts:join_waitlist", args=[small_cohort.slug]),
            {"email": "Newcomer@Example.com"},
            follow=True,
        )
    assert "A seat is held for you until" in page.content.decode()
    offer_mail = [m for m in mail.outbox if "/waitlist/offer/" in m.body]
    assert [m.to for m in offer_mail] == [["newcomer@example.com"]]
    assert public_state(small_cohort) == "full"

    newcomer = UserFactory(email="newcomer@example.com")
    hold = hold_seat(cohort=small_cohort, user=newcomer)
    assert hold.kind == SeatHold.Kind.WAITLIST_OFFER
    assert seat_count(small_cohort).taken == 3
    confirm_seat(hold_id=hold.pk, product=small_cohort.product)
    assert Enrollment.objects.filter(cohort=small_cohort, state="confirmed").count() == 3


def test_joining_a_full_open_cohort_just_waits(client, full_with_line):
    cohort, _, _ = full_with_line
    page = client.post(
        reverse("cohorts:join_waitlist", args=[cohort.slug]),
        {"email": "third@example.com"},
        follow=True,
    )
    assert "You are <strong>number 3</strong> in line" in page.content.decode()
    assert not SeatHold.objects.filter(email="third@example.com").exists()
