import pytest

from tests.factories import (
    CohortFactory,
    CourseFactory,
    FAQFactory,
    OutlineTopicFactory,
    OutlineWeekFactory,
    ProductFactory,
    ProductFeatureFactory,
    SelfPacedProductFactory,
    TestimonialFactory,
)


def build_catalogue(*, weeks=2, topics_per_week=2, testimonials=2, faqs=2):
    """A published course with both products, an outline, testimonials, FAQs and an open
    cohort; returns the objects tests poke at."""
    course = CourseFactory(pricing_note="Pay by UPI or card.")
    course.instructor.newsletter_blurb = "Essays on distributed systems."
    course.instructor.save()
    live = ProductFactory(course=course, slug="live-seat", name="Seat in the live cohort")
    ProductFeatureFactory(product=live, text="40+ hours of live classes")
    ProductFeatureFactory(product=live, text="Three 1:1 mentorship sessions")
    self_paced = SelfPacedProductFactory(course=course, slug="recordings-pass")
    ProductFeatureFactory(product=self_paced, text="All recordings of the April cohort")
    week_rows = []
    for number in range(1, weeks + 1):
        week = OutlineWeekFactory(course=course, number=number, theme=f"Theme {number}")
        week_rows.append(week)
        for index in range(topics_per_week):
            OutlineTopicFactory(week=week, title=f"Topic {number}.{index}")
    for index in range(testimonials):
        TestimonialFactory(course=course, name=f"Learner {index}", text=f"Review {index}")
    for index in range(faqs):
        FAQFactory(course=course, question=f"Question {index}?", answer=f"Answer {index}.")
    cohort = CohortFactory(course=course, product=live, slug="october-2022", capacity=75)
    return {
        "course": course,
        "live": live,
        "self_paced": self_paced,
        "weeks": week_rows,
        "cohort": cohort,
    }


@pytest.fixture
def catalogue(db):
    return build_catalogue()
