from django.urls import path

from . import views

app_name = "mentorship"
urlpatterns = [
    path("mentorship/", views.home, name="home"),
    path("mentorship/slots/", views.slots, name="slots"),
    path("mentorship/slots/<int:slot_id>/book/", views.book, name="book"),
    path("mentorship/bookings/<int:booking_id>/", views.booking, name="booking"),
    path("mentorship/bookings/<int:booking_id>/cancel/", views.cancel, name="cancel"),
    path(
        "mentorship/bookings/<int:booking_id>/reschedule/<int:slot_id>/",
        views.reschedule,
        name="reschedule",
    ),
    path("mentorship/bookings/<int:booking_id>/invite.ics", views.invite, name="invite"),
]
