"""The product's URLs, plus what the benchmark compares them with.

- `/bench-admin/`: a separate admin site with changelists for the same models
  the app's pages list (prospects, visits, territories, handbook entries,
  investigations, complaints), as
  a user would fall back on them; the product's admin keeps showing only what
  administrators manage.
- `/bench/hello/`: the framework floor, a view that reads no session; served
  through the full middleware stack, and under `/bare/` by a handler with no
  middleware at all (bench.wsgi).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from complaints.models import Case
from config.urls import urlpatterns as product_urlpatterns
from investigations.models import Investigation
from playbook.admin import EntryAdmin
from playbook.models import Entry
from prospects.admin import TerritoryAdmin
from prospects.models import Prospect, Territory, Visit


class ReferenceAdmin(admin.ModelAdmin):
    list_per_page = 25  # the app's page size, so both render as many rows

    def lookup_allowed(self, lookup: str, value: str, request=None) -> bool:
        # The benchmark narrows the changelist to the rows the app's page shows
        # (one owner, one team), through lookups a list_filter would not offer.
        return True


class ProspectReference(ReferenceAdmin):
    list_display = [
        "name",
        "stage",
        "owner",
        "territory",
        "industry",
        "next_action_date",
        "updated_at",
    ]
    list_filter = ["stage", "source", "industry"]
    list_select_related = ["owner", "territory", "industry"]
    search_fields = ["name", "contact_name", "phone"]
    raw_id_fields = ["referred_by", "owner", "territory", "industry"]


class VisitReference(ReferenceAdmin):
    list_display = ["prospect", "visited_on", "kind", "outcome"]
    list_select_related = ["prospect"]
    raw_id_fields = ["prospect", "recorded_by"]


class TerritoryReference(ReferenceAdmin, TerritoryAdmin):
    pass


class EntryReference(ReferenceAdmin, EntryAdmin):
    pass


class InvestigationReference(ReferenceAdmin):
    list_display = ["prospect", "owner", "amount", "status", "submitted_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["prospect", "owner"]
    raw_id_fields = ["prospect", "owner", "submitted_by", "decided_by"]


class CaseReference(ReferenceAdmin):
    list_display = ["client_name", "prospect", "handler", "status", "last_contact_at", "decide_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["prospect", "handler"]
    raw_id_fields = ["prospect", "handler", "about", "promise", "created_by"]


site = admin.AdminSite(name="benchadmin")
site.register(Prospect, ProspectReference)
site.register(Visit, VisitReference)
site.register(Territory, TerritoryReference)
site.register(Entry, EntryReference)
site.register(Investigation, InvestigationReference)
site.register(Case, CaseReference)


@login_not_required
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello, name="bench_hello"),
    path("bench-admin/", site.urls),
    *product_urlpatterns,
]
