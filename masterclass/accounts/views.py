"""Sign-up, log-in, password reset, email verification and the profile page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST

from masterclass.redirects import next_url, redirect_to_next
from masterclass.throttle import rate_limited

from . import services
from .forms import LoginForm, ProfileForm, SignupForm


@require_http_methods(["GET", "POST"])
@rate_limited(key="signup", limit=10, window_seconds=3600)
def signup(request):
    if request.user.is_authenticated:
        return redirect_to_next(request, default=settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.register_user(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Welcome! We sent a link to {user.email}: click it to verify your email.",
        )
        return redirect_to_next(request, default=settings.LOGIN_REDIRECT_URL)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": next_url(request)},
        status=status,
    )


class LoginView(auth_views.LoginView):
    # A failed login answers 200 like Django's own view (django-axes counts the failures).
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        return next_url(self.request)


class LogoutView(auth_views.LogoutView):
    def get_redirect_url(self):
        return next_url(self.request)


def verify_email(request, token):
    """The link from the verification email. Works whether or not the visitor is logged in."""
    try:
        user = services.verify_email(token=token)
    except services.InvalidVerificationLink as exc:
        return render(request, "accounts/verify_invalid.html", {"reason": str(exc)}, status=400)
    messages.success(request, f"Thank you: {user.email} is verified.")
    if request.user.is_authenticated and request.user.pk == user.pk:
        # Stored by verification_needed from next_url(): a URL, never a view name.
        return HttpResponseRedirect(
            request.session.pop("verify_next", None) or resolve_url(settings.LOGIN_REDIRECT_URL)
        )
    return redirect("accounts:login")


@login_required
def verification_needed(request):
    """Where `verified_email_required` sends an unverified user."""
    if request.user.email_verified:
        return redirect_to_next(request, default=settings.LOGIN_REDIRECT_URL)
    target = next_url(request)
    if target:
        request.session["verify_next"] = target
    return render(request, "accounts/verification_needed.html", {"next": target}, status=403)


@require_POST
@login_required
@rate_limited(key="resend-verification", limit=5, window_seconds=3600)
def resend_verification(request):
    if services.send_verification_email(user=request.user):
        messages.success(request, f"We sent a new verification link to {request.user.email}.")
    else:
        messages.info(request, "Your email is already verified.")
    return redirect_to_next(request, default=settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.update_profile(
                user=request.user,
                **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
            )
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
        # ModelForm validation wrote the bad values onto request.user; drop them.
        request.user.refresh_from_db()
        return render(request, "accounts/profile.html", {"form": form}, status=400)
    return render(request, "accounts/profile.html", {"form": form})


_reset_throttle = rate_limited(key="password-reset", limit=5, window_seconds=3600, field="email")


@method_decorator(_reset_throttle, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL.rstrip("/")}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed.")
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
