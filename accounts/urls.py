from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import SignInForm

urlpatterns = [
    path("agenda/", views.own_agenda, name="own_agenda"),
    path("calendar.ics", views.calendar_download, name="calendar"),
    path("calendar/subscription/", views.calendar_subscription, name="calendar_subscription"),
    # A token is URL-safe base64 (secrets.token_urlsafe): what else comes is not looked up.
    path("calendar/feed/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
]
