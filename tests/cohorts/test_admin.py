import csv
import datetime as dt
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from cohorts.models import Cohort, Enrollment, WaitlistEntry
from cohorts.services import cancel_enrollment, hold_seat
from tests.clock import instant
from tests.cohorts.conftest import fill, wait
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:cohorts_cohort_changelist"


@pytest.fixture
def staff_client(client):
    admin = UserFactory(email="instructor@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.fixture
def upcoming(db):
    return CohortFactory(
        name="January 2023", slug="january-2023", admission_state=Cohort.AdmissionState.WAITLIST
    )


def act(client, action, cohorts, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in cohorts], **extra}
    return client.post(reverse(CHANGELIST), data, follow=not action.startswith("export"))


def test_the_cohort_list_shows_seat_figures_and_waitlist(staff_client, small_cohort):
    fill(small_cohort, 1)
    hold_seat(cohort=small_cohort, user=UserFactory())
    wait(small_cohort, "a@example.com", "b@example.com")
    page = staff_client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    row = page.context["cl"].result_list.get(pk=small_cohort.pk)
    assert (row.capacity, row.confirmed_count, row.held_count, row.waiting_count) == (3, 1, 1, 2)
    html = page.content.decode()
    assert '<td class="field-free">1</td>' in html
    assert '<td class="field-waitlist_length">2</td>' in html


def test_open_admissions_asks_for_early_access_then_emails_the_waitlist(
    staff_client, upcoming, django_capture_on_commit_callbacks, settings
):
    settings.WAITLIST_EARLY_ACCESS_HOURS = 24
    wait(upcoming, "a@example.com", "b@example.com")
    confirm = act(staff_client, "open_admissions", [upcoming])
    text = confirm.content.decode()
    assert "2 waiting will be emailed" in text
    assert 'name="early_access_hours" value="24"' in text
    with django_capture_on_commit_callbacks(execute=True):
        done = act(staff_client, "open_admissions", [upcoming], apply="1", early_access_hours=6)
    assert "Admissions for January 2023 are open with 6h early access" in done.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.admission_state == "open"
    assert upcoming.early_access_until - upcoming.admissions_opened_at == dt.timedelta(hours=6)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


def test_close_admissions_action(staff_client, small_cohort):
    page = act(staff_client, "close_admissions", [small_cohort])
    assert "Admissions for Small are closed." in page.content.decode()
    small_cohort.refresh_from_db()
    assert small_cohort.admission_state == "closed"


def test_notify_waitlist_sends_offers_for_free_seats(
    staff_client, small_cohort, django_capture_on_commit_callbacks
):
    fill(small_cohort, 2)
    # Someone waits although a seat is free (e.g. the job has not run yet).
    wait(small_cohort, "first@example.com", "second@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        page = act(staff_client, "notify_waitlist", [small_cohort])
    assert "Small: 1 offer(s) sent." in page.content.decode()
    assert [m.to for m in mail.outbox] == [["first@example.com"]]


def test_notify_waitlist_on_a_cohort_not_open_explains_why_nothing_happened(staff_client, upcoming):
    wait(upcoming, "a@example.com")
    page = act(staff_client, "notify_waitlist", [upcoming])
    assert "admissions are not open, so no seats were offered" in page.content.decode()
    assert WaitlistEntry.objects.get().state == "waiting"


def test_export_enrollments_csv(staff_client, small_cohort):
    asha = UserFactory(email="asha@example.com", full_name="Asha Rao")
    EnrollmentFactory(cohort=small_cohort, user=asha)
    gone = EnrollmentFactory(cohort=small_cohort, user=UserFactory(full_name="=HYPERLINK(1)"))
    cancel_enrollment(enrollment_id=gone.pk, reason="Refund requested", refunded=True)
    EnrollmentFactory(cohort=CohortFactory(name="Other"))
    response = act(staff_client, "export_enrollments_csv", [small_cohort])
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="enrollments.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    by_email = {r["email"]: r for r in rows}
    assert by_email["asha@example.com"]["name"] == "Asha Rao"
    assert by_email["asha@example.com"]["state"] == "Confirmed"
    assert by_email["asha@example.com"]["cohort"] == "Small"
    refunded = next(r for r in rows if r["state"] == "Refunded")
    assert refunded["end_reason"] == "Refund requested"
    assert refunded["name"] == "'=HYPERLINK(1)"  # no formula injection into spreadsheets


def test_export_waitlist_csv_lists_people_in_order(staff_client, small_cohort):
    wait(small_cohort, "first@example.com", "second@example.com")
    response = act(staff_client, "export_waitlist_csv", [small_cohort])
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["email"], r["position"]) for r in rows] == [
        ("first@example.com", "1"),
        ("second@example.com", "2"),
    ]


def test_enrollments_are_searchable_and_filterable(staff_client, small_cohort):
    EnrollmentFactory(cohort=small_cohort, user=UserFactory(email="findme@example.com"))
    EnrollmentFactory(cohort=small_cohort, user=UserFactory(email="other@example.com"))
    url = reverse("admin:cohorts_enrollment_changelist")
    found = staff_client.get(url, {"q": "findme"})
    assert [e.user.email for e in found.context["cl"].result_list] == ["findme@example.com"]
    filtered = staff_client.get(url, {"state__exact": "refunded"})
    assert list(filtered.context["cl"].result_list) == []
    assert Enrollment.objects.count() == 2


def test_waitlist_entries_are_searchable_and_filterable(staff_client, small_cohort):
    first, second = wait(small_cohort, "first@example.com", "second@example.com")
    second.state = WaitlistEntry.State.LEFT
    second.save()
    url = reverse("admin:cohorts_waitlistentry_changelist")
    found = staff_client.get(url, {"q": "second"})
    assert [e.email for e in found.context["cl"].result_list] == ["second@example.com"]
    waiting = staff_client.get(url, {"state__exact": "waiting"})
    assert [e.email for e in waiting.context["cl"].result_list] == ["first@example.com"]


def test_the_cohort_page_shows_a_chart_of_seats_filled_over_time(staff_client, small_cohort):
    start = instant() - dt.timedelta(days=10)
    for days in (0, 0, 4):
        EnrollmentFactory(cohort=small_cohort, confirmed_at=start + dt.timedelta(days=days))
    page = staff_client.get(reverse("admin:cohorts_cohort_change", args=[small_cohort.pk]))
    html = page.content.decode()
    assert "3 confirmed" in html
    assert "<svg" in html and "<polyline" in html
    assert "Seats filled over time: 3 of 3" in html
    # Two days with changes: a step line of 3 points (up to 2, flat, up to 3).
    points = page.context["seat_chart"]["points"].split()
    assert len(points) == 3


def test_the_cohort_page_has_live_sessions_inline(staff_client, small_cohort):
    page = staff_client.get(reverse("admin:cohorts_cohort_change", args=[small_cohort.pk]))
    assert "sessions-TOTAL_FORMS" in page.content.decode()


def test_an_invalid_early_access_value_re_renders_the_form(staff_client, upcoming):
    page = act(staff_client, "open_admissions", [upcoming], apply="1", early_access_hours=-3)
    assert "Ensure this value is greater than or equal to 0." in page.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.admission_state == "waitlist"


def test_releasing_a_hold_from_the_admin_passes_the_seat_to_the_waitlist(
    staff_client, small_cohort
):
    fill(small_cohort, 2)
    hold = hold_seat(cohort=small_cohort, user=UserFactory())
    (entry,) = wait(small_cohort, "first@example.com")
    page = staff_client.post(
        reverse("admin:cohorts_seathold_changelist"),
        {"action": "release", ACTION_CHECKBOX_NAME: [hold.pk]},
        follow=True,
    )
    assert "1 hold(s) released." in page.content.decode()
    entry.refresh_from_db()
    assert entry.state == "offered"


def _change_form_data(cohort, **changes):
    data = {
        "course": cohort.course_id,
        "product": cohort.product_id,
        "name": cohort.name,
        "slug": cohort.slug,
        "start_date": cohort.start_date.isoformat(),
        "weeks": cohort.weeks,
        "class_days": cohort.class_days,
        "class_start_time": cohort.class_start_time.strftime("%H:%M"),
        "class_end_time": cohort.class_end_time.strftime("%H:%M"),
        "time_zone": cohort.time_zone,
        "capacity": cohort.capacity,
        "admission_state": cohort.admission_state,
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
        "sessions-MIN_NUM_FORMS": 0,
        "sessions-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


def test_the_change_form_cannot_open_admissions_behind_the_waitlists_back(
    staff_client, upcoming, django_capture_on_commit_callbacks
):
    wait(upcoming, "a@example.com")
    url = reverse("admin:cohorts_cohort_change", args=[upcoming.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = staff_client.post(url, _change_form_data(upcoming, admission_state="open"))
    assert page.status_code == 200  # the form re-renders
    assert "Use the “Open admissions” action" in page.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.admission_state == "waitlist"
    assert mail.outbox == []
    assert "early_access_until" not in page.context["adminform"].form.fields


def test_the_change_form_cannot_close_an_open_cohort_but_edits_everything_else(
    staff_client, small_cohort
):
    url = reverse("admin:cohorts_cohort_change", args=[small_cohort.pk])
    refused = staff_client.post(url, _change_form_data(small_cohort, admission_state="closed"))
    assert "Use the “Close admissions” action" in refused.content.decode()
    small_cohort.refresh_from_db()
    assert small_cohort.admission_state == "open"

    saved = staff_client.post(url, _change_form_data(small_cohort, class_days="Sundays"))
    assert saved.status_code == 302
    small_cohort.refresh_from_db()
    assert small_cohort.class_days == "Sundays"


def test_a_draft_cohort_can_be_moved_to_waitlist_only_in_the_change_form(staff_client):
    draft = CohortFactory(name="March 2023", slug="march-2023", admission_state="draft")
    url = reverse("admin:cohorts_cohort_change", args=[draft.pk])
    saved = staff_client.post(url, _change_form_data(draft, admission_state="waitlist"))
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.admission_state == "waitlist"


def _changelist_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_cohort_list_costs_the_same_queries_for_two_or_twelve_cohorts(staff_client):
    first = [CohortFactory(capacity=2) for _ in range(2)]
    fill(first[0], 2)
    few, html = _changelist_queries(staff_client)
    assert '<td class="field-public_state">full</td>' in html
    assert '<td class="field-public_state">open</td>' in html
    for _ in range(10):
        wait(CohortFactory(capacity=2), "x@example.com")
    many, html = _changelist_queries(staff_client)
    assert html.count('<td class="field-public_state">') == 12
    assert many == few


def test_enrollments_and_holds_cannot_be_deleted_from_the_admin(staff_client, small_cohort):
    (enrollment,) = fill(small_cohort, 1)
    hold = hold_seat(cohort=small_cohort, user=UserFactory())
    for name, obj in (("enrollment", enrollment), ("seathold", hold)):
        changelist = staff_client.get(reverse(f"admin:cohorts_{name}_changelist"))
        assert 'value="delete_selected"' not in changelist.content.decode()
        delete = staff_client.post(
            reverse(f"admin:cohorts_{name}_delete", args=[obj.pk]), {"post": "yes"}
        )
        assert delete.status_code == 403
    assert Enrollment.objects.filter(pk=enrollment.pk, state="confirmed").exists()
    hold.refresh_from_db()
    assert hold.state == "active"


def test_the_capacity_cannot_be_set_below_the_seats_already_confirmed(staff_client, small_cohort):
    fill(small_cohort, 2)
    url = reverse("admin:cohorts_cohort_change", args=[small_cohort.pk])

    refused = staff_client.post(url, _change_form_data(small_cohort, capacity=1))

    assert refused.status_code == 200  # the form re-renders with the reason
    assert "2 seats are already confirmed in this cohort" in refused.content.decode()
    small_cohort.refresh_from_db()
    assert small_cohort.capacity == 3
    saved = staff_client.post(url, _change_form_data(small_cohort, capacity=2))
    assert saved.status_code == 302
    small_cohort.refresh_from_db()
    assert (small_cohort.capacity, small_cohort.confirmed_seats) == (2, 2)
