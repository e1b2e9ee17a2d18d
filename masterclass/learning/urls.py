from django.urls import path

import masterclass.converters  # noqa: F401  (registers the token converters)

from . import views

app_name = "learning"
urlpatterns = [
    path("recordings/", views.recordings, name="recordings"),
    path("recordings/<slug:slug>/", views.cohort_recordings, name="cohort_recordings"),
    path(
        "recordings/<slug:slug>/<int:session_id>/recording/",
        views.watch_recording,
        name="watch_recording",
    ),
    path(
        "recordings/<slug:slug>/<int:session_id>/problem/",
        views.problem_statement,
        name="problem_statement",
    ),
    path(
        "recordings/<slug:slug>/<int:session_id>/pre-reads/<int:number>/",
        views.pre_read,
        name="pre_read",
    ),
    path(
        "certificates/request/<int:enrollment_id>/",
        views.request_certificate,
        name="request_certificate",
    ),
    path("certificates/<cert_code:code>/", views.verify_certificate, name="verify_certificate"),
    path("certificates/<cert_code:code>/pdf/", views.download_certificate, name="certificate_pdf"),
    path("feedback/<int:session_id>/", views.session_feedback, name="session_feedback"),
    path("dashboard/preferences/", views.preferences, name="preferences"),
    path("dashboard/schedule/", views.schedule, name="schedule"),
    path("dashboard/calendar/reset/", views.reset_calendar_feed, name="reset_calendar_feed"),
    path("calendar/<url_token:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("classes/<slug:slug>/<int:session_id>/", views.class_session, name="class_session"),
    path("classes/<slug:slug>/<int:session_id>/join/", views.join_class, name="join_class"),
    path("classes/<slug:slug>/<int:session_id>/class.ics", views.class_ics, name="class_ics"),
    path("dashboard/newsletter/", views.newsletter, name="newsletter"),
]
