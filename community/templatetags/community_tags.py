"""Links other apps' pages show into the community, each behind the one access rule."""

from django import template

from .. import permissions
from ..models import CommunityInvite, Forum

register = template.Library()


@register.inclusion_tag("community/_session_links.html", takes_context=True)
def session_questions_link(context, session):
    """ "Questions and answers" for a session, shown only to who may read them. The answer is
    the same for every session of a cohort, so it is asked once per cohort and request."""
    request = context["request"]
    cache = request.__dict__.setdefault("_community_can_read", {})
    if session.cohort_id not in cache:
        cache[session.cohort_id] = permissions.can_read_doubts(request.user, session)
    return {"can_read": cache[session.cohort_id], "session": session}


@register.inclusion_tag("community/_cohort_links.html", takes_context=True)
def cohort_community_links(context, cohort):
    """The cohort's forum and outside community, for a learner entitled to them."""
    user = context["request"].user
    probe = Forum(kind=Forum.Kind.COHORT, cohort=cohort, course_id=cohort.course_id)
    invite = CommunityInvite.objects.filter(product_id=cohort.product_id).first()
    return {
        "cohort": cohort,
        "can_read_forum": permissions.can_read_forum(user, probe),
        "invite": invite if invite and permissions.can_see_invite(user, cohort.product) else None,
    }
