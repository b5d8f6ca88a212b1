from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from riskregister import accounts, health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/stay-signed-in/", accounts.stay_signed_in, name="stay_signed_in"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("risks/", include("risks.urls")),
    path("admin/", admin.site.urls),
    path("papers/", include("reports.urls")),
    path("published/", include("publications.urls")),
    path("rounds/", include("rounds.urls")),
    path("panel/", include("panel.urls")),
    path("settings/", include("organisation.urls")),
]

# Oversized or malformed posts get the site's page (413 or 400), not Django's bare one.
handler400 = "riskregister.errors.bad_request"
