from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.calendar import person_calendar
from accounts.contributions import home_panels


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home: the panels the apps contribute for that role."""
    return TemplateResponse(request, "accounts/home.html", {"panels": home_panels(request)})


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_GET
def calendar_download(request: HttpRequest) -> HttpResponse:
    """The person's calendar: what every app contributes (accounts.contributions)."""
    ics = person_calendar(user=request.user, today=timezone.localdate())
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="workbench.ics"'
    return response
