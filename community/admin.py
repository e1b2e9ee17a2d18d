"""The instructor's side in the admin: community invite links per product, abuse reports,
and read-only lists of doubts and posts (moderation itself happens on the pages, through
the services: hide, pin, lock, answer)."""

from django.contrib import admin, messages
from django.utils.html import format_html

from . import services
from .models import CommunityInvite, Doubt, Post, Report, Thread


@admin.register(CommunityInvite)
class CommunityInviteAdmin(admin.ModelAdmin):
    list_display = ["product", "label"]
    # The URL itself stays off the list page (screenshots, shoulder-surfing); it is on the form.
    fields = ["product", "label", "url"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "post_link", "reporter", "reason", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["post__thread", "reporter"]
    readonly_fields = ["post", "reporter", "reason", "created_at", "resolved_at"]
    actions = ["hide_reported_posts"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Post")
    def post_link(self, obj):
        return format_html(
            '<a href="/community/threads/{}/#post-{}">{}</a>',
            obj.post.thread_id,
            obj.post_id,
            obj.post.thread.title,
        )

    @admin.action(description="Hide the reported posts")
    def hide_reported_posts(self, request, queryset):
        for report in queryset:
            services.hide_post(post_id=report.post_id, user=request.user)
        messages.success(request, f"{queryset.count()} reported post(s) hidden.")


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Doubt)
class DoubtAdmin(_ReadOnly):
    list_display = ["created_at", "session", "author", "anonymous", "state", "answered_minute"]
    list_filter = ["state", ("hidden_at", admin.EmptyFieldListFilter), "session__cohort"]
    list_select_related = ["session__cohort", "author"]
    search_fields = ["body", "author__email"]


@admin.register(Thread)
class ThreadAdmin(_ReadOnly):
    list_display = ["title", "forum", "author", "pinned", "locked", "last_post_at"]
    list_filter = ["pinned", "locked"]
    list_select_related = ["forum__cohort", "author"]


@admin.register(Post)
class PostAdmin(_ReadOnly):
    list_display = ["created_at", "thread", "author", "by_instructor", "hidden_at", "deleted_at"]
    list_select_related = ["thread", "author"]
    search_fields = ["body", "author__email"]
