import datetime as dt

import pytest

from courses import models as catalogue_models
from tests.factories import CourseFactory, InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_landing_page_renders_every_part_from_the_database(client, catalogue):
    page = client.get("/").content.decode()

    course = catalogue["course"]
    assert f"<title>{course.title}</title>" in page
    assert course.tagline in page
    # upcoming cohort with dates and schedule
    assert "The October 2022 cohort" in page
    start = catalogue["cohort"].start_date
    assert f'datetime="{start:%Y-%m-%d}"' in page
    assert "Saturdays and Sundays, 9:00 am to 11:30 am IST" in page
    assert "75 of 75 seats left" in page
    # both pricing cards with their features
    assert "Seat in the live cohort" in page
    assert "Learn at your own pace" in page
    assert "₹34,999" in page and "₹32,999" in page
    assert "Three 1:1 mentorship sessions" in page
    assert "inclusive of all taxes" in page
    assert "Pay by UPI or card." in page
    # outline week by week, instructor, testimonials, FAQ, newsletter, version
    assert "Week 2" in page and "Theme 2" in page and "Topic 2.1" in page
    assert "Arpit Bhayani" in page
    assert "Review 1" in page and "Learner 1" in page
    assert "Question 1?" in page and "Answer 1." in page
    assert 'action="/newsletter/"' in page
    assert "Essays on distributed systems." in page
    assert "version 0.1.0" in page


def test_changing_a_topic_in_the_database_changes_the_page(client, catalogue):
    assert "Topic 1.0" in client.get("/").content.decode()

    topic = catalogue_models.OutlineTopic.objects.get(title="Topic 1.0")
    topic.title = "Designing a rate limiter"
    topic.problem_statement_url = "https://github.com/example/problems/rate-limiter"
    topic.save()
    page = client.get("/").content.decode()

    assert "Topic 1.0" not in page
    assert (
        '<a href="https://github.com/example/problems/rate-limiter" rel="noopener">'
        "Designing a rate limiter</a>" in page
    )


def test_an_admin_edit_shows_at_once_despite_the_cache(client, catalogue):
    client.get("/")  # warm the cache
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    testimonial = catalogue_models.Testimonial.objects.get(name="Learner 0")

    response = client.post(
        f"/admin/courses/testimonial/{testimonial.pk}/change/",
        {
            "course": catalogue["course"].pk,
            "name": "Learner 0",
            "month": "2022-06-01",
            "text": "Changed in the admin",
            "is_published": "on",
            "ordering": "0",
        },
    )
    assert response.status_code == 302
    client.logout()

    assert "Changed in the admin" in client.get("/").content.decode()


def test_unpublished_testimonials_and_inactive_products_stay_hidden(client, catalogue):
    catalogue_models.Testimonial.objects.filter(name="Learner 1").update(is_published=False)
    catalogue["self_paced"].is_active = False
    catalogue["self_paced"].save()
    page = client.get("/").content.decode()

    assert "Review 1" not in page
    assert "Review 0" in page
    assert "Learn at your own pace" not in page


def test_the_featured_course_is_the_one_shown(client, catalogue):
    CourseFactory(
        slug="other",
        title="Another course",
        is_featured=False,
        instructor=InstructorFactory(name="Someone"),
    )

    assert "Another course" not in client.get("/").content.decode()


def test_other_cohorts_are_listed_with_their_state(client, catalogue):
    from tests.factories import CohortFactory

    CohortFactory(
        course=catalogue["course"],
        product=catalogue["live"],
        name="August 2022",
        slug="august-2022",
        start_date=catalogue["cohort"].start_date - dt.timedelta(days=60),
        admission_state="closed",
    )
    page = client.get("/").content.decode()

    assert "Admissions for the August 2022 cohort are closed." in page
    assert '<a href="/cohorts/august-2022/">August 2022</a>' in page


def test_with_no_course_the_page_says_it_is_being_prepared(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert "being prepared" in response.content.decode()


def test_only_the_latest_closed_cohort_is_announced(client, catalogue):
    from tests.factories import CohortFactory

    start = catalogue["cohort"].start_date
    for name, days in [("April 2022", 180), ("August 2022", 60)]:
        CohortFactory(
            course=catalogue["course"],
            product=catalogue["live"],
            name=name,
            slug=name.lower().replace(" ", "-"),
            start_date=start - dt.timedelta(days=days),
            admission_state="closed",
        )

    page = client.get("/").content.decode()

    assert "Admissions for the August 2022 cohort are closed." in page
    assert "Admissions for the April 2022 cohort" not in page


def test_head_requests_are_answered_and_other_methods_refused(client, catalogue):
    assert client.head("/").status_code == 200
    assert client.head("/cohorts/october-2022/").status_code == 200
    assert client.post("/").status_code == 405
