from django.urls import path

import masterclass.converters  # noqa: F401  (registers the token converters)

from . import views

app_name = "payments"
urlpatterns = [
    path("checkout/<slug:slug>/", views.checkout, name="checkout"),
    path("payments/razorpay/callback/", views.razorpay_callback, name="razorpay_callback"),
    path("payments/razorpay/webhook/", views.razorpay_webhook, name="razorpay_webhook"),
    path("payments/orders/<order_ref:reference>/", views.order_detail, name="order_detail"),
    path("payments/orders/<order_ref:reference>/pay/", views.order_pay, name="order_pay"),
]
