from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.calendar import person_calendar
from accounts.contributions import home_panels, panels_response
from accounts.home import OWN_AGENDA_TITLE, agenda_panel
from accounts.models import CalendarToken


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home: the panels the apps contribute for that role."""
    return TemplateResponse(request, "accounts/home.html", {"panels": home_panels(request)})


@require_GET
def own_agenda(request: HttpRequest) -> HttpResponse:
    """The person's own agenda on its own: what a supervisor's home loads after the team."""
    if request.user.is_administrator:
        raise Http404
    panel = agenda_panel(request.user, timezone.localdate())
    return panels_response(request, [panel], OWN_AGENDA_TITLE)


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


@login_not_required
@require_http_methods(["GET", "POST"])
def language_set(request: HttpRequest) -> HttpResponse:
    """Choose the interface language: stored on the person (so every device follows), and in a
    cookie for the sign-in page before anyone is signed in. A GET changes nothing (as
    Django's set_language): it only goes back."""
    language = request.POST.get("language", "") if request.method == "POST" else ""
    next_url = request.POST.get("next", "/") if request.method == "POST" else "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_http_methods(["GET", "POST"])
def calendar_subscription(request: HttpRequest) -> HttpResponse:
    """The person's private subscription URL; POST makes a new one and revokes the old."""
    if request.method == "POST":
        CalendarToken.regenerate(request.user)
        messages.success(
            request, _("A new subscription address was made; the old one no longer works.")
        )
        return redirect("calendar_subscription")
    token = CalendarToken.objects.filter(user=request.user).first()
    feed_url = webcal_url = ""
    if token is not None:
        feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[token.token]))
        webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return TemplateResponse(
        request,
        "accounts/calendar_subscription.html",
        {"token": token, "feed_url": feed_url, "webcal_url": webcal_url},
    )


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app polls this without a session: the token names the person, and it
    opens only their feed (it signs nobody in). Unknown or revoked: 404."""
    person = CalendarToken.objects.person_for(token)
    if person is None:
        raise Http404
    ics = person_calendar(user=person, today=timezone.localdate())
    return HttpResponse(ics, content_type="text/calendar; charset=utf-8")
