"""Checkout, the payment page, Razorpay's callback and webhook, and the learner's order page.

Views check input and call one service each; the amount always comes from our database.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cohorts import services as cohort_services
from courses.models import Currency, Product
from masterclass.accounts.decorators import verified_email_required

from . import gateway, selectors, services
from .forms import CheckoutForm
from .models import Order

log = logging.getLogger(__name__)


def _unavailable(request, product, message, cohort=None, status=200, offer_waitlist=True):
    if offer_waitlist:
        cohort = cohort or selectors.next_cohort_for_waitlist(product)
    return render(
        request,
        "payments/unavailable.html",
        {
            "product": product,
            "message": message,
            "cohort": cohort if offer_waitlist else None,
            "owned": not offer_waitlist,
        },
        status=status,
    )


def _chosen_cohort(product: Product, slug: str | None):
    """The cohort named by `?cohort=` (pricing cards, offer links) if it sells this product."""
    if not slug or product.kind != Product.Kind.LIVE_COHORT:
        return None
    return product.cohorts.filter(slug=slug).first()


def _sale_problem(product: Product, user, cohort) -> tuple[str, object, bool] | None:
    """Why `product` cannot be bought now (message, cohort to wait for, offer the waitlist?),
    or None.

    A learner holding a seat (a checkout hold or a waitlist offer, even one sent to their email
    and not yet claimed) may pay although the cohort shows as full to everyone else.
    """
    if not product.is_active:
        return f"{product.name} is not on sale.", None, True
    from cohorts.models import Enrollment

    owned = Enrollment.objects.filter(user=user, product=product, state="confirmed")
    if product.kind != Product.Kind.LIVE_COHORT:
        if owned.filter(cohort=None).exists():
            return f"You already have the {product.name}.", None, False
        return None
    cohort = cohort or selectors.cohort_on_sale(product)
    if cohort is not None and owned.filter(cohort=cohort).exists():
        return f"You already have a seat in the {cohort.name} cohort.", None, False
    if cohort is None:
        return f"Admissions for {product.name} are not open right now.", None, True
    if cohort.admission_state != cohort.AdmissionState.OPEN:
        return f"Admissions for the {cohort.name} cohort are not open right now.", cohort, True
    from cohorts.selectors import seat_count

    has_hold = (
        cohort.holds.filter(state="active", expires_at__gt=timezone.now())
        .filter(Q(user=user) | Q(email__iexact=user.email))
        .exists()
    )
    if not has_hold and seat_count(cohort).free_for_public <= 0:
        return f"The {cohort.name} cohort is full.", cohort, True
    return None


@verified_email_required
@never_cache
@require_http_methods(["GET", "POST"])
def checkout(request, slug):
    """GET: the billing form. POST: hold a seat, create the order, show the payment page."""
    product = get_object_or_404(Product.objects.select_related("course"), slug=slug)
    chosen = _chosen_cohort(product, request.GET.get("cohort") or request.POST.get("cohort"))
    problem = _sale_problem(product, request.user, chosen)
    if problem and request.method == "GET":
        message, waitlist_cohort, offer_waitlist = problem
        return _unavailable(
            request, product, message, waitlist_cohort, offer_waitlist=offer_waitlist
        )

    if request.method == "GET":
        initial = CheckoutForm.initial_for(request.user)
        if request.GET.get("currency") in Currency.values:
            initial["currency"] = request.GET["currency"]
        form = CheckoutForm(initial=initial)
        return _checkout_form(request, product, form, cohort=chosen)

    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _checkout_form(request, product, form, status=400, cohort=chosen)
    data = form.cleaned_data
    try:
        order = services.start_checkout(
            user=request.user,
            product=product,
            billing=data,
            currency=data["currency"],
            manual=data["pay_with"] == CheckoutForm.PAY_MANUAL,
            cohort=chosen,
        )
    except services.CheckoutBusy as exc:
        form.add_error(None, str(exc))
        response = _checkout_form(request, product, form, status=503, cohort=chosen)
        response["Retry-After"] = "2"
        return response
    except services.PaymentProviderDown as exc:
        form.add_error(None, str(exc))
        return _checkout_form(request, product, form, status=503, cohort=chosen)
    except services.ProductUnavailable as exc:
        # A learner who already owns it is sent to the dashboard, not offered the waitlist.
        now_problem = _sale_problem(product, request.user, chosen)
        offer_waitlist = now_problem[2] if now_problem else True
        return _unavailable(
            request, product, str(exc), exc.cohort, status=409, offer_waitlist=offer_waitlist
        )
    except services.CheckoutError as exc:
        form.add_error(None, str(exc))
        return _checkout_form(request, product, form, status=400, cohort=chosen)
    if order.channel == Order.Channel.MANUAL:
        messages.success(
            request, "We have emailed you the bank and PayPal details. Your seat is held for you."
        )
        return redirect("payments:order_detail", reference=order.reference)
    return _payment_page(request, order)


def _checkout_form(request, product, form, status=200, cohort=None):
    return render(
        request,
        "payments/checkout.html",
        {
            "product": product,
            "form": form,
            "cohort": cohort or selectors.cohort_on_sale(product),
            "price_inr": product.price_inr_minor,
            "price_usd": product.price_usd_minor,
            "emi_summary": selectors.emi_summary(product.price_inr_minor),
            "emi_from": selectors.emi_from(product.price_inr_minor),
            "international_enabled": settings.RAZORPAY_INTERNATIONAL_ENABLED,
            "hold_minutes": settings.SEAT_HOLD_MINUTES,
            "manual_hold_hours": settings.MANUAL_PAYMENT_HOLD_HOURS,
        },
        status=status,
    )


def checkout_options(request, order: Order) -> dict:
    """Razorpay standard checkout's options for an order; the browser gets exactly this."""
    user = order.user
    return {
        "key": settings.RAZORPAY_KEY_ID,
        "order_id": order.razorpay_order_id,
        "amount": order.amount_minor,
        "currency": order.currency,
        "name": settings.PAYMENTS_MERCHANT_NAME,
        "description": order.product.name
        + (f" ({order.cohort.name} cohort)" if order.cohort_id else ""),
        "prefill": {
            "name": order.billing_name,
            "email": order.billing_email,
            "contact": user.phone or "",
        },
        "notes": {"order_reference": order.reference},
        "callback_url": request.build_absolute_uri(reverse("payments:razorpay_callback")),
        "redirect": True,
        "method": {"card": True, "upi": True, "netbanking": True, "emi": True, "wallet": False},
        "theme": {"color": "#1f4e79"},
    }


def _payment_page(request, order: Order, status=200):
    hold = order.hold if order.hold_id else None
    return render(
        request,
        "payments/pay.html",
        {
            "order": order,
            "options": checkout_options(request, order),
            "checkout_js_url": settings.RAZORPAY_CHECKOUT_JS_URL,
            "emi_summary": selectors.emi_summary(order.amount_minor, order.currency),
            "emi_from": selectors.emi_from(order.amount_minor, order.currency),
            "held_until": hold.expires_at if hold and hold.is_live() else None,
        },
        status=status,
    )


def _own_order(request, reference) -> Order:
    order = get_object_or_404(
        Order.objects.select_related("product", "cohort", "hold", "enrollment"),
        reference=reference,
    )
    if order.user_id != request.user.pk and not request.user.is_staff:
        raise Http404
    return order


@login_required
@never_cache
def order_pay(request, reference):
    """The payment page again, for an open order (after a failed attempt or a reload)."""
    order = _own_order(request, reference)
    if order.channel != Order.Channel.RAZORPAY or not order.razorpay_order_id:
        return redirect("payments:order_detail", reference=order.reference)
    if order.state not in (Order.State.CREATED, Order.State.ATTEMPTED):
        return redirect("payments:order_detail", reference=order.reference)
    if order.hold_id and not order.hold.is_live():
        messages.info(request, "Your seat hold has expired; please start the checkout again.")
        return redirect("payments:checkout", slug=order.product.slug)
    return _payment_page(request, order)


@login_required
@never_cache
def order_detail(request, reference):
    order = _own_order(request, reference)
    return render(
        request,
        "payments/order_detail.html",
        {
            "order": order,
            "payments": order.payments.all(),
            "unusable_refund": selectors.unusable_payment_refund(order),
            "can_pay": order.channel == Order.Channel.RAZORPAY
            and order.state in (Order.State.CREATED, Order.State.ATTEMPTED)
            and bool(order.razorpay_order_id)
            and (not order.hold_id or order.hold.is_live()),
            "hold_lapsed": order.state in (Order.State.CREATED, Order.State.ATTEMPTED)
            and order.hold_id is not None
            and not order.hold.is_live(),
            "wire_details": settings.WIRE_TRANSFER_DETAILS,
            "paypal_details": settings.PAYPAL_DETAILS,
        },
    )


def _callback_error(request, message, order=None, status=400):
    return render(
        request, "payments/callback_error.html", {"message": message, "order": order}, status=status
    )


@csrf_exempt  # Razorpay's checkout posts here from its own page; the signature is the check.
@require_POST
@never_cache
def razorpay_callback(request):
    """Checkout's redirect: verify the signature, check the payment with the API, confirm."""
    post = request.POST
    if post.get("error[code]") or post.get("error[description]"):
        return _failed_attempt(request, post)
    payment_id = post.get("razorpay_payment_id", "")
    razorpay_order_id = post.get("razorpay_order_id", "")
    signature = post.get("razorpay_signature", "")
    if not (payment_id and razorpay_order_id and signature):
        return _callback_error(request, "The payment response was incomplete.")
    if not gateway.verify_payment_signature(
        order_id=razorpay_order_id, payment_id=payment_id, signature=signature
    ):
        log.warning("callback: bad signature for %s / %s", razorpay_order_id, payment_id)
        return _callback_error(
            request,
            "We could not verify this payment response, so nothing was changed. If money left "
            "your account, it will be confirmed automatically or refunded; your order page "
            "shows the latest.",
        )
    order = Order.objects.filter(razorpay_order_id=razorpay_order_id).first()
    if order is None:
        return _callback_error(request, "We do not know this order.", status=404)
    try:
        payment = gateway.fetch_payment(payment_id)
        services.check_payment_matches(order, payment)
        services.settle_gateway_payment(payment=payment, source="callback")
    except services.PaymentMismatch as exc:
        log.error("callback: order %s: %s", order.reference, exc)
        return _callback_error(
            request,
            "This payment does not match your order, so nothing was changed. "
            "Please contact us if you were charged.",
            order=order,
        )
    except Exception as exc:  # whatever it was, the money is safe at Razorpay
        # Gateway down, seat lock busy, or a bug: the webhook or reconcile confirms it shortly,
        # and a learner who just paid must not see an error page.
        if isinstance(exc, (gateway.GatewayError, cohort_services.SeatsBusy)):
            log.warning("callback: order %s not confirmed yet: %s", order.reference, exc)
        else:
            log.exception("callback: order %s could not be confirmed", order.reference)
        messages.info(
            request,
            "We received your payment and are confirming it with the bank. This page updates "
            "within a few minutes and we will email you.",
        )
    return redirect("payments:order_detail", reference=order.reference)


def _failed_attempt(request, post):
    """A declined payment in redirect mode: record it (if we can) and offer another try."""
    try:
        metadata = json.loads(post.get("error[metadata]") or "{}")
    except ValueError:
        metadata = {}
    order = None
    if isinstance(metadata, dict) and metadata.get("order_id"):
        order = Order.objects.filter(razorpay_order_id=str(metadata["order_id"])).first()
        if order is not None and metadata.get("payment_id"):
            try:
                services.settle_gateway_payment(
                    payment=gateway.fetch_payment(str(metadata["payment_id"])),
                    source="callback",
                )
            except (gateway.GatewayError, services.PaymentMismatch) as exc:
                log.warning("callback: failed attempt not recorded: %s", exc)
    description = post.get("error[description]") or "The payment did not go through."
    return render(
        request,
        "payments/payment_failed.html",
        {"order": order, "description": description},
        status=402,
    )


@csrf_exempt  # Razorpay's servers post here; X-Razorpay-Signature is the check.
@require_POST
def razorpay_webhook(request):
    result = services.receive_webhook(
        body=request.body,
        signature=request.headers.get("X-Razorpay-Signature", ""),
        event_id=request.headers.get("X-Razorpay-Event-Id"),
    )
    return HttpResponse(result.message, status=result.status_code, content_type="text/plain")
