from django.contrib import admin
from django.urls import include, path

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
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
]
