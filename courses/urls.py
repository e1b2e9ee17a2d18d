from django.urls import path

import masterclass.converters  # noqa: F401  (registers the token converters)

from . import views

app_name = "courses"
urlpatterns = [
    path("newsletter/", views.newsletter_subscribe, name="newsletter_subscribe"),
    path(
        "newsletter/check-your-inbox/", views.newsletter_check_inbox, name="newsletter_check_inbox"
    ),
    path(
        "newsletter/confirm/<url_token:token>/", views.newsletter_confirm, name="newsletter_confirm"
    ),
    path(
        "newsletter/unsubscribe/<url_token:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
]
