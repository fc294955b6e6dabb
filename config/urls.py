from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("prospects/", include("prospects.urls")),
    path("playbook/", include("playbook.urls")),
    path("investigations/", include("investigations.urls")),
    path("complaints/", include("complaints.urls")),
    # Visitors choose their language on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
