from django.urls import path

import masterclass.converters  # noqa: F401  (registers the token converters)

from . import views

app_name = "cohorts"
urlpatterns = [
    path("cohorts/<slug:slug>/waitlist/", views.join_waitlist, name="join_waitlist"),
    path("waitlist/offer/<url_token:token>/", views.offer, name="offer"),
    path("waitlist/<url_token:token>/", views.waitlist_status, name="waitlist_status"),
    path("waitlist/<url_token:token>/leave/", views.leave_waitlist, name="leave_waitlist"),
]
