"""Input checks of the community's forms. Lengths are checked here (a clear message next to
the field) and again in the services, which are the rule."""

from django import forms

from . import services
from .models import LEARNER_EMAIL_KINDS


class _TextField(forms.CharField):
    """Text with NUL characters removed (PostgreSQL refuses them in text columns)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\x00", "") if value else value


def _too_long(limit: int) -> dict:
    return {
        "max_length": f"This is too long: at most {limit:,} characters (you wrote %(show_value)d)."
    }


class _NoMaxlengthAttr(forms.Textarea):
    # The browser would silently cut a paste at maxlength; we answer with a message instead.
    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("maxlength", None)
        return attrs


class DoubtForm(forms.Form):
    body = _TextField(
        label="Your question",
        max_length=services.DOUBT_MAX_CHARS,
        widget=_NoMaxlengthAttr(attrs={"rows": 4}),
        error_messages={
            **_too_long(services.DOUBT_MAX_CHARS),
            "required": "Please write your question.",
        },
        help_text="Markdown works: **bold**, `code`, lists, links.",
    )
    anonymous = forms.BooleanField(
        label="Anonymous to classmates (the instructor still sees your name)", required=False
    )


class AdditionForm(forms.Form):
    body = _TextField(
        label="Add to this question",
        max_length=services.DOUBT_MAX_CHARS,
        widget=_NoMaxlengthAttr(attrs={"rows": 2}),
        error_messages={
            **_too_long(services.DOUBT_MAX_CHARS),
            "required": "Please write what you want to add.",
        },
    )
    anonymous = forms.BooleanField(label="Anonymous to classmates", required=False)


class AnsweredInClassForm(forms.Form):
    minute = forms.IntegerField(
        label="Minute of the recording",
        min_value=0,
        max_value=services.MAX_RECORDING_MINUTE,
        error_messages={"required": "Give the minute of the recording where you answered it."},
    )


class WrittenAnswerForm(forms.Form):
    answer = _TextField(
        label="Written answer",
        max_length=services.POST_MAX_CHARS,
        widget=_NoMaxlengthAttr(attrs={"rows": 8}),
        error_messages={
            **_too_long(services.POST_MAX_CHARS),
            "required": "Please write the answer.",
        },
    )


class ThreadForm(forms.Form):
    title = _TextField(
        label="Title",
        max_length=services.TITLE_MAX_CHARS,
        error_messages={**_too_long(services.TITLE_MAX_CHARS), "required": "Please give a title."},
    )
    body = _TextField(
        label="Your post",
        max_length=services.POST_MAX_CHARS,
        widget=_NoMaxlengthAttr(attrs={"rows": 8}),
        error_messages={**_too_long(services.POST_MAX_CHARS), "required": "Please write a post."},
        help_text="Markdown works: **bold**, `code`, lists, links.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.pop("maxlength", None)


class PostForm(forms.Form):
    body = _TextField(
        label="Your reply",
        max_length=services.POST_MAX_CHARS,
        widget=_NoMaxlengthAttr(attrs={"rows": 6}),
        error_messages={**_too_long(services.POST_MAX_CHARS), "required": "Please write a reply."},
        help_text="Markdown works: **bold**, `code`, lists, links.",
    )


class ReportForm(forms.Form):
    reason = _TextField(
        label="What is wrong with this post?",
        max_length=services.REPORT_MAX_CHARS,
        widget=_NoMaxlengthAttr(attrs={"rows": 3}),
        error_messages={
            **_too_long(services.REPORT_MAX_CHARS),
            "required": "Please say what is wrong.",
        },
    )


class CommunityEmailForm(forms.Form):
    """The community's checkboxes on the learner's email preferences page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in LEARNER_EMAIL_KINDS:
            self.fields[kind.value] = forms.BooleanField(
                label=f"Email me {kind.label[0].lower()}{kind.label[1:]}", required=False
            )
