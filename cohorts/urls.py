from django.urls import path

from . import views

app_name = "cohorts"
urlpatterns = [
    path("cohorts/<slug:slug>/waitlist/", views.join_waitlist, name="join_waitlist"),
    path("waitlist/offer/<str:token>/", views.offer, name="offer"),
    path("waitlist/<str:token>/", views.waitlist_status, name="waitlist_status"),
    path("waitlist/<str:token>/leave/", views.leave_waitlist, name="leave_waitlist"),
]
