from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("community/", views.how_it_works, name="how_it_works"),
    path("community/sessions/<int:session_id>/doubts/", views.doubts, name="doubts"),
    path("community/sessions/<int:session_id>/doubts/live/", views.live, name="live"),
    path("community/doubts/<int:doubt_id>/vote/", views.vote, name="vote"),
    path("community/doubts/<int:doubt_id>/add/", views.add_to_doubt, name="add_to_doubt"),
    path("community/doubts/<int:doubt_id>/answer/", views.answer, name="answer"),
    path(
        "community/doubts/<int:doubt_id>/recording/",
        views.doubt_recording,
        name="doubt_recording",
    ),
    path("community/cohorts/<slug:slug>/forum/", views.cohort_forum, name="cohort_forum"),
    path("community/alumni/<slug:course_slug>/", views.alumni_forum, name="alumni_forum"),
    path("community/forums/<int:forum_id>/new/", views.new_thread, name="new_thread"),
    path("community/threads/<int:thread_id>/", views.thread, name="thread"),
    path("community/threads/<int:thread_id>/flags/", views.thread_flags, name="thread_flags"),
    path("community/posts/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("community/posts/<int:post_id>/delete/", views.delete_post, name="delete_post"),
    path("community/posts/<int:post_id>/report/", views.report_post, name="report_post"),
    path("community/posts/<int:post_id>/hide/", views.hide_post, name="hide_post"),
    path("community/invite/<int:product_id>/", views.invite, name="invite"),
    path("community/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
