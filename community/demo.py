"""Demo data for the community (`manage.py load_demo`, settings.DEMO_STEPS). Idempotent.

After the learner home's step, so the demo learner (Priya Nair) is an August 2022 alumnus:
- August's first recorded session has questions: one answered in class at minute 42 (the
  learner's own, so the dashboard links the recording at 42:00), one open with votes, one
  asked anonymously to classmates;
- August's forum has a thread with the instructor's answer, and a report on a post;
- the alumni forum has a pinned welcome thread;
- the live seat's product has a Discord invite link (shown to entitled learners only).
"""

import datetime as dt

from cohorts.models import Cohort, Enrollment
from courses.demo import demo_users

from . import services
from .models import CommunityInvite, Doubt, Thread


def load(*, now=None):
    # Every row is dated from the session's class (in the past), so `now` is not needed
    # beyond the demo logins.
    admin, learner = demo_users(now=now)
    august = Cohort.objects.filter(name="August 2022").order_by("pk").first()
    session = august and august.sessions.exclude(recording_url="").order_by("starts_at").first()
    if session is None:
        print("community: no recorded August 2022 session (run the earlier steps); skipped")
        return
    classmates = list(
        Enrollment.objects.filter(cohort=august, state=Enrollment.State.CONFIRMED)
        .exclude(user=learner)
        .select_related("user")
        .order_by("pk")[:3]
    )
    if len(classmates) < 3:
        print("community: August 2022 has too few alumni for the demo; skipped")
        return
    kabir, meera, dev = (e.user for e in classmates)
    CommunityInvite.objects.get_or_create(
        product=august.product,
        defaults={"label": "Discord", "url": "https://discord.gg/masterclass-demo"},
    )
    # Half an hour into the class (not a UTC calendar date of an IST class).
    asked = session.starts_at + dt.timedelta(minutes=30)

    if not Doubt.objects.filter(session=session).exists():
        answered = services.ask_doubt(
            session_id=session.pk,
            user=learner,
            body="How do we fan out a message to a **10,000-member** group without a hot shard?",
            now=asked,
        )
        for voter in (kabir, meera, dev):
            services.vote_for_doubt(doubt_id=answered.pk, user=voter, now=asked)
        services.mark_answered_in_class(doubt_id=answered.pk, user=admin, minute=42, now=asked)
        open_doubt = services.ask_doubt(
            session_id=session.pk,
            user=kabir,
            body="Is presence (online/offline) allowed to be eventually consistent?",
            now=asked,
        )
        services.vote_for_doubt(doubt_id=open_doubt.pk, user=learner, now=asked)
        services.add_to_doubt(
            doubt_id=open_doubt.pk, user=meera, body="And for typing indicators?", now=asked
        )
        services.ask_doubt(
            session_id=session.pk,
            user=dev,
            body="Might be a naive one: why not one big Postgres table for all messages?",
            anonymous=True,
            now=asked,
        )

    forum = services.forum_for_cohort(august)
    if not Thread.objects.filter(forum=forum).exists():
        thread = services.start_thread(
            forum_id=forum.pk,
            user=meera,
            title="Sharding chat history: by user or by conversation?",
            body="Sharding by user makes a conversation's messages live on two shards. "
            "Is that a problem in practice?",
            now=asked,
        )
        services.reply(
            thread_id=thread.pk,
            user=admin,
            body="Shard by **conversation id**: reads are per conversation, and an inbox "
            "index per user points at them.",
            now=asked,
        )
        rude = services.reply(
            thread_id=thread.pk, user=dev, body="This is a silly question.", now=asked
        )
        services.report_post(post_id=rude.pk, user=meera, reason="Unkind to a classmate", now=asked)

    alumni = services.alumni_forum(august.course)
    if not Thread.objects.filter(forum=alumni).exists():
        welcome = services.start_thread(
            forum_id=alumni.pk,
            user=admin,
            title="Welcome, alumni: introduce yourself",
            body="Every past cohort and the self-paced learners meet here. "
            "What are you building now?",
            now=asked,
        )
        services.set_thread_flags(thread_id=welcome.pk, user=admin, pinned=True)
