"""A small URL configuration with deliberate mistakes, for the access harness's own tests."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from prospects.models import Prospect


def any_method(request):
    return HttpResponse("ok")


@require_GET
def get_only(request):
    return HttpResponse("ok")


@require_GET
def leaky_list(request):
    # The mistake the absence check exists for: everyone's rows, not the viewer's.
    return HttpResponse(", ".join(Prospect.objects.values_list("name", flat=True)))


@require_GET
def scoped_list(request):
    names = Prospect.objects.visible_to(request.user).values_list("name", flat=True)
    return HttpResponse(", ".join(names))


@require_GET
def empty_list(request):
    return HttpResponse("")


urlpatterns = [
    path("any/", any_method, name="any_method"),
    path("get/", get_only, name="get_only"),
    path("leaky/", leaky_list, name="leaky_list"),
    path("scoped/", scoped_list, name="scoped_list"),
    path("empty/", empty_list, name="empty_list"),
]
