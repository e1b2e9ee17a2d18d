from django.urls import path

from . import views

app_name = "refunds"
urlpatterns = [
    path("refunds/<int:enrollment_id>/", views.enrollment_refund, name="enrollment"),
    path("refunds/<int:enrollment_id>/request/", views.request_refund, name="request"),
]
