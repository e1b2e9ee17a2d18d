from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("checkout/<slug:slug>/", views.checkout, name="checkout"),
    path("payments/razorpay/callback/", views.razorpay_callback, name="razorpay_callback"),
    path("payments/razorpay/webhook/", views.razorpay_webhook, name="razorpay_webhook"),
    path("payments/orders/<str:reference>/", views.order_detail, name="order_detail"),
    path("payments/orders/<str:reference>/pay/", views.order_pay, name="order_pay"),
]
