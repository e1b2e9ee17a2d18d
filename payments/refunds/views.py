"""The learner's refund page and one-button request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cohorts.models import Enrollment

from . import services
from .forms import RefundRequestForm
from .selectors import refund_summary_for_user


@login_required
def enrollment_refund(request, enrollment_id: int):
    """What the policy says for this enrollment and, when allowed, the button."""
    get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    return _render_page(request, enrollment_id, RefundRequestForm())


@login_required
@require_POST
def request_refund(request, enrollment_id: int):
    get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    form = RefundRequestForm(request.POST)
    if not form.is_valid():
        return _render_page(request, enrollment_id, form, status=400)
    try:
        refund = services.request_refund(
            enrollment_id=enrollment_id, user=request.user, reason=form.cleaned_data["reason"]
        )
    except services.RefundRefused as exc:
        messages.error(request, f"We cannot refund this: {exc}")
        return _render_page(request, enrollment_id, form, status=409)
    if refund.awaiting_approval:
        messages.success(
            request,
            "Your refund request is in. The instructor will look at it shortly; we will email you.",
        )
    else:
        messages.success(
            request, "Your refund is approved and on its way. We have emailed you the details."
        )
    return redirect("dashboard")


def _render_page(request, enrollment_id, form, status=200):
    summary = refund_summary_for_user(request.user).get(enrollment_id)
    if summary is None:  # an enrollment still waiting for its payment
        raise Http404("No paid enrollment")
    return render(
        request, "refunds/enrollment.html", {"summary": summary, "form": form}, status=status
    )
