"""The refunds demo step builds its two learners through the real services, once."""

from payments.invoicing.models import CreditNote
from payments.refunds import demo
from payments.refunds.models import Refund
from tests.factories import CohortFactory, UserFactory


def test_demo_step_is_idempotent(db, upcoming_cohort, django_capture_on_commit_callbacks):
    UserFactory(email="admin@masterclass.local", is_staff=True, is_superuser=True)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            demo.load()
    meera = Refund.objects.get(order__user__email="meera.refund@masterclass.local")
    kabir = Refund.objects.get(order__user__email="kabir.refund@masterclass.local")
    assert (meera.state, meera.channel, meera.origin) == ("requested", "manual", "learner")
    assert (kabir.state, kabir.amount_minor) == ("processed", 200_000)
    assert CreditNote.objects.get().refund_reference == kabir.reference
    assert Refund.objects.count() == 2


def test_demo_step_without_an_open_cohort_does_nothing(db):
    CohortFactory(admission_state="closed")
    demo.load()
    assert not Refund.objects.exists()
