"""Sign-in and password change: Django's views with the site's forms, and wrong
old passwords counted by django-axes exactly as failed sign-ins are."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.utils import reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from riskregister.forms import ChangePasswordForm, SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """A wrong old password is a failed sign-in for the account: after
    AXES_FAILURE_LIMIT of them (sign-ins and password changes together) the
    account is locked, here and at sign-in, for the same cool-off."""

    form_class = ChangePasswordForm

    def credentials(self):
        return {"username": self.request.user.get_username()}

    def post(self, request, *args, **kwargs):
        if not AxesProxyHandler.is_allowed(request, self.credentials()):
            return get_lockout_response(request, None, self.credentials())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            # django-axes records the failure and, at the limit, answers with the lock-out page.
            user_login_failed.send(sender=type(self), credentials=self.credentials(), request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        reset(username=self.request.user.get_username())
        return super().form_valid(form)


@login_not_required  # answered here: after signing in again, back to the page, not to this POST-only address
@require_POST
def stay_signed_in(request):
    """The session timeout warning's button: the idle session starts again from now.
    A script asking for JSON gets 204 (401 if the session has already ended); a plain
    form goes back to the page it came from (through sign-in if the session has ended)."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = resolve_url("home")
    if not request.user.is_authenticated:
        return HttpResponse(status=401) if wants_json else redirect_to_login(back)
    request.session.modified = True  # saved with a fresh expiry
    if wants_json:
        return HttpResponse(status=204)
    messages.success(request, "You are still signed in.")
    return redirect(back)
