"""Sign-in and password change: Django's views with the site's forms, and wrong
old passwords counted by django-axes exactly as failed sign-ins are."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.utils import reset
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed

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
